// Streams physical lines out of a file, a .gz file or stdin with a fixed-size buffer,
// so memory does not grow with the input. Lines longer than the buffer are cut into
// pieces (reported through `overlong`), never dropped.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ipsecdoc {

class LineReader {
 public:
  // Opens `path` ("-" = stdin). .gz files (by magic bytes) are decompressed on the fly.
  // On failure, ok() is false and error() says why. A failure while reading (a corrupt or
  // truncated .gz, an I/O error) ends the input there; the lines read before stay valid.
  explicit LineReader(const std::string& path, size_t buffer_size = 1 << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool compressed() const { return gz_ != nullptr && !gz_plain_; }

  // Next line without its terminator ('\n'; a trailing '\r' is left for the cleaner); the
  // pieces of a line longer than the buffer come one after the other with its line number.
  // The view is valid until the next call (see on_reuse for longer). Returns false at end of
  // input.
  bool next(std::string_view& line);
  // The same, and what the line may hold, seen in the pass that finds its end (so the line's
  // characters are not searched again for them): kMayClean, a control character other than a
  // final '\r', or a '-' before an 'M' (clean_line may have work: "--More--"); kMayNote, a '<'
  // (strip_note's "<--", "<=="). A bit not set means the line surely has none.
  enum Hint : uint8_t { kMayClean = 1, kMayNote = 2 };
  bool next(std::string_view& line, uint8_t& hints) {  // (inline: it runs for every line)
    const char* start = cur_ + begin_;
    if (const char* nl = scan_(start, cur_ + end_, hints)) {
      line = std::string_view(start, static_cast<size_t>(nl - start));
      begin_ += line.size() + 1;
      ++line_no_;  // (never the rest of a cut line: after a piece the buffer is empty, see next())
      return true;
    }
    return next_refilled(line, hints);
  }
  uint32_t line_number() const { return line_no_; }

  // The reader alternates between two buffers: when one is used up, the rest of its last line
  // is copied to the other, which is filled next. So a line stays where it is, unchanged,
  // until the reader writes into its buffer again, two switches later. generation() is the
  // number of switches so far (a line returned now lives in generation()'s buffer);
  // `release` is called right before the buffer of generation g is written into again, with
  // g: views of lines of generation g or before must not be used after it returns. This lets
  // a caller keep lines without copying them (line_blocks.h).
  uint64_t generation() const { return gen_; }
  void on_reuse(std::function<void(uint64_t)> release) { release_ = std::move(release); }
  uint64_t bytes_read() const { return total_; }
  uint64_t nul_bytes() const { return nuls_; }
  uint32_t overlong() const { return overlong_; }
  // True when the first block looks like binary data (many NULs / control bytes).
  bool looks_binary() const { return binary_; }
  bool truncated_last_line() const { return no_final_newline_; }

 private:
  bool fill();
  bool next_refilled(std::string_view& line, uint8_t& hints);
  // The end of the line that starts at p (its '\n', before end; nullptr if none) and its
  // hints, in one pass (line_reader.cc).
  using Scan = const char* (*)(const char* p, const char* end, uint8_t& hints);
  static Scan scan_;
  friend void line_reader_use_avx2_for_tests(bool on);
  int fd_ = -1;
  void* gz_ = nullptr;  // gzFile
  bool gz_plain_ = false;  // stdin read through zlib that is not gzip
  char* data() { return cur_; }
  std::vector<char> bufs_[2];  // cap_ characters each, and 64 more that vector reads may look at
  char* cur_ = bufs_[0].data();  // bufs_[gen_ & 1].data()
  size_t cap_;
  uint64_t gen_ = 0;  // bufs_[gen_ & 1] is in use
  std::function<void(uint64_t)> release_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool first_block_ = true;
  bool binary_ = false;
  bool no_final_newline_ = false;
  uint32_t line_no_ = 0;
  uint32_t step_ = 1;  // 0 after a piece of an overlong line: its next piece has its number
  uint32_t overlong_ = 0;  // lines (not pieces) cut
  uint64_t total_ = 0;
  uint64_t nuls_ = 0;
  std::string error_;
};

// Expands directories recursively (sorted, hidden files skipped) and keeps files and "-".
// Unreadable paths are returned in `errors` with a reason.
struct ExpandedPaths {
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> errors;  // path, reason
};
ExpandedPaths expand_paths(const std::vector<std::string>& paths);

}  // namespace ipsecdoc
