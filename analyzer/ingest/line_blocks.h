// Line blocks: lets a second thread that would otherwise wait do the per-line work of ingest
// (clean_line and parse_prefix: pure functions of a line, most of ingest's cost on a syslog
// archive) for lines the ingest thread has read but not consumed yet.
//
// The ingest thread puts lines into a ring of blocks (kLines lines each) and publishes
// them (not copied: views of the reader's buffer, which the reader keeps until the ingest
// thread has consumed them, LineReader::on_reuse); a helper claims the oldest published block, cleans and parses it, and marks it done.
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
#include <span>
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
    std::string_view text;  // cleaned (valid until the block is released); raw until processed
    LinePrefix prefix;      // parse_prefix(text), but no stamp on other syslog (ingest_prefix)
    bool other_syslog;      // is_other_syslog(text, prefix)
    bool may_note;          // the line may have a '<' (LineReader::kMayNote)
    bool may_clean;         // (LineReader::kMayClean)
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
  // Appends the reader's next lines (its line numbers, hints and generations: the generation
  // is a tag that does not decrease, for holds()) to the block being filled until it is full
  // (true) or the input ends (false); publish() hands the block over. The lines are not
  // copied: each must stay valid and unchanged until its block is released. The reader's
  // on_reuse may publish and consume blocks meanwhile.
  bool fill(LineReader& r) {
    Block* b = &at(published_);
    std::string_view raw;
    uint8_t hints;
    while (b->n < kLines) {
      if (!r.next(raw, hints)) return false;
      b = &at(published_);  // (on_reuse may have published it)
      add(*b, r.line_number(), raw, hints, r.generation());
    }
    return true;
  }
  bool filling() const { return blocks_[published_ % kBlocks].n != 0; }  // lines added since the last publish
  void publish();
  bool has_published() const { return consumed_ < published_; }
  // Does the oldest block not released yet (published, or being filled) hold a line added
  // with a tag <= `tag`? (Then the caller consumes blocks until not, before the lines of
  // that tag become invalid.)
  bool holds(uint64_t tag) const {
    if (consumed_ < published_) return blocks_[consumed_ % kBlocks].tag <= tag;
    return filling() && blocks_[published_ % kBlocks].tag <= tag;
  }
  // The oldest published block, processed (by the helper or now); its clean counts are
  // added to `stats`. Valid until release().
  std::span<const Line> consume(CleanStats& stats);
  void release();
  // After an exception on the ingest thread: every block not consumed yet is dropped, once no
  // helper works on it (its lines point into a reader that is going away), and so is the one
  // being filled. Nothing is left for a helper.
  void drop();

  // ---- helper thread
  bool work_available() const { return ready_.load(std::memory_order_acquire) > 0; }
  // Processes the oldest published block nobody took yet; false when there was none.
  bool help();

 private:
  enum State : int { Empty, Ready, Helper, Self, Done };
  struct Block {
    std::atomic<int> state{Empty};
    std::vector<Line> lines = std::vector<Line>(kLines);  // the first n
    size_t n = 0;             // lines added; 0 again when released (the slot is free)
    size_t count = 0;         // lines published
    size_t clean_bytes = 0;   // the raw length of the lines that may need cleaning
    uint64_t tag = 0;         // add's, of the first line
    std::string cleaned;      // lines that needed cleaning, back to back
    CleanStats stats;
  };
  static void add(Block& b, uint32_t no, std::string_view raw, uint8_t hints, uint64_t tag) {
    if (b.n == 0) start(b, tag);
    Line& l = b.lines[b.n++];
    l.no = no;
    l.text = raw;
    l.may_clean = (hints & LineReader::kMayClean) != 0;
    l.may_note = (hints & LineReader::kMayNote) != 0;
    b.clean_bytes += l.may_clean ? raw.size() : 0;
  }
  static void start(Block& b, uint64_t tag) {  // the first line of a fresh block (its slot released)
    b.tag = tag;
    b.clean_bytes = 0;
    b.cleaned.clear();
    b.stats = {};
  }
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
