// Line blocks: lets a second thread that would otherwise wait do the per-line work of ingest
// (clean_line and parse_prefix: pure functions of a line, most of ingest's cost on a syslog
// archive) for lines the ingest thread has read but not consumed yet.
//
// The ingest thread copies lines into a ring of blocks (kLines lines each) and publishes
// them; a helper claims the oldest published block, cleans and parses it, and marks it done.
// The ingest thread consumes blocks in order: a block nobody claimed it processes itself, a
// block the helper is working on it waits for (a fraction of a millisecond). So the result
// is the same whoever did the work, and the helper only ever takes idle time: when it is
// busy (pure debug captures: tokenizing and timelines), the ingest thread does everything
// as before. Memory is the ring: kBlocks x kLines lines.
#pragma once
#include <atomic>
#include <thread>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/line_clean.h"
#include "ingest/line_reader.h"
#include "ingest/prefix.h"

namespace ipsecdoc {

class LineBlocks {
 public:
  static constexpr size_t kBlocks = 8;
  static constexpr size_t kLines = 256;

  struct Line {
    uint32_t no;
    std::string_view text;  // cleaned (valid until the block is released)
    LinePrefix prefix;      // parse_prefix(text), but no stamp on other syslog (ingest_prefix)
    bool other_syslog;      // is_other_syslog(text, prefix)
    bool may_note;          // the line may have a '<' (LineReader::kMayNote)
  };

  LineBlocks();
  LineBlocks(const LineBlocks&) = delete;
  LineBlocks& operator=(const LineBlocks&) = delete;

  // Called when a block is published (the helper may be waiting for work).
  void on_publish(std::function<void()> wake) { wake_ = std::move(wake); }
  // Tests: the ingest thread never processes a block itself; it waits for the helper. The
  // helper turns it off when it stops (an exception on its thread).
  void helper_only(bool v) { helper_only_.store(v, std::memory_order_release); }

  // ---- ingest thread
  // Room for another block? (false when every block is published and not consumed yet)
  bool can_fill() const { return published_ - consumed_ < kBlocks; }
  // Appends a raw line to the block being filled; publish() hands it over. `hints`:
  // LineReader::next's for the line.
  void add(uint32_t no, std::string_view raw, uint8_t hints = LineReader::kMayClean | LineReader::kMayNote);
  bool filling() const;  // lines added since the last publish
  bool block_full() const;
  void publish();
  bool has_published() const { return consumed_ < published_; }
  // The oldest published block, processed (by the helper or now); its clean counts are
  // added to `stats`. Valid until release().
  const std::vector<Line>& consume(CleanStats& stats);
  void release();

  // ---- helper thread
  bool work_available() const { return ready_.load(std::memory_order_acquire) > 0; }
  // Processes the oldest published block nobody took yet; false when there was none.
  bool help();

 private:
  enum State : int { Empty, Ready, Helper, Self, Done };
  struct Block {
    std::atomic<int> state{Empty};
    std::string raw;                                  // the lines back to back
    struct Span {
      uint32_t no, end;  // line number, end offset in raw
      uint8_t hints;     // LineReader::next's
    };
    std::vector<Span> spans;
    std::string cleaned;                              // lines that needed cleaning, back to back
    std::vector<Line> lines;
    CleanStats stats;
  };
  static void process(Block& b);
  Block& at(uint64_t seq) { return blocks_[seq % kBlocks]; }

  std::vector<Block> blocks_;
  uint64_t published_ = 0, consumed_ = 0;  // ingest thread only
  std::atomic<uint64_t> published_seq_{0};  // what the helper may look at
  std::atomic<int> ready_{0};               // published and not taken
  std::atomic<uint64_t> help_from_{0};      // the helper's next candidate
  std::function<void()> wake_;
  std::atomic<bool> helper_only_{false};
};

}  // namespace ipsecdoc
