// Streams physical lines out of a file, a .gz file or stdin with a fixed-size buffer,
// so memory does not grow with the input. Lines longer than the buffer are cut into
// pieces (reported through `overlong`), never dropped.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ipsecdoc {

class LineReader {
 public:
  // Opens `path` ("-" = stdin). .gz files (by magic bytes) are decompressed on the fly.
  // On failure, ok() is false and error() says why.
  explicit LineReader(const std::string& path, size_t buffer_size = 1 << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool compressed() const { return gz_ != nullptr; }

  // Next line without its terminator ('\n'; a trailing '\r' is left for the cleaner).
  // The view is valid until the next call. Returns false at end of input.
  bool next(std::string_view& line);
  // The same, and what the line may hold, seen in the pass that finds its end (so the line's
  // characters are not searched again for them): kMayClean, a control character other than a
  // final '\r', or a '-' before an 'M' (clean_line may have work: "--More--"); kMayNote, a '<'
  // (strip_note's "<--", "<=="). A bit not set means the line surely has none.
  enum Hint : uint8_t { kMayClean = 1, kMayNote = 2 };
  bool next(std::string_view& line, uint8_t& hints);
  uint32_t line_number() const { return line_no_; }
  uint64_t bytes_read() const { return total_; }
  uint64_t nul_bytes() const { return nuls_; }
  uint32_t overlong() const { return overlong_; }
  // True when the first block looks like binary data (many NULs / control bytes).
  bool looks_binary() const { return binary_; }
  bool truncated_last_line() const { return no_final_newline_; }

 private:
  bool fill();
  int fd_ = -1;
  void* gz_ = nullptr;  // gzFile
  std::vector<char> buf_;  // cap_ characters, and 32 more that 16-byte reads may look at
  size_t cap_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool first_block_ = true;
  bool binary_ = false;
  bool no_final_newline_ = false;
  uint32_t line_no_ = 0;
  uint32_t overlong_ = 0;
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
