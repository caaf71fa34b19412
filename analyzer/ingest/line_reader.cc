#include "ingest/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace ipsecdoc {

LineReader::LineReader(const std::string& path, size_t buffer_size)
    : bufs_{std::vector<char>(buffer_size + 64), std::vector<char>(buffer_size + 64)}, cap_(buffer_size) {
  if (path == "-") {
    fd_ = 0;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      error_ = std::strerror(errno);
      return;
    }
    struct stat st{};
    if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
      error_ = "is a directory";
      return;
    }
  }
  // Sniff gzip magic without consuming input: a file is peeked at with pread. Stdin cannot
  // give back what was read, so it always goes through zlib, which reads data that is not
  // gzip as it is (`cat capture.log.gz | ipsec-doctor analyze -` is decompressed too).
  bool gzip = fd_ == 0;
  if (fd_ != 0) {
    unsigned char magic[2] = {0, 0};
    ssize_t n = ::pread(fd_, magic, 2, 0);
    gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  }
  if (gzip) {
    gz_ = gzdopen(dup(fd_), "rb");
    if (!gz_) {
      error_ = "cannot open gzip stream";
    } else {
      gzbuffer(static_cast<gzFile>(gz_), 256 * 1024);
      // (stdin: waits for its first bytes, to tell gzip from plain text)
      gz_plain_ = fd_ == 0 && gzdirect(static_cast<gzFile>(gz_)) == 1;
    }
  }
}

namespace {

// zlib's message without the "<fd:N>: " it puts in front (the caller names the file).
std::string gzip_error(void* gz, const char* fallback) {
  int errnum = 0;
  const char* msg = gzerror(static_cast<gzFile>(gz), &errnum);
  std::string m = msg && *msg ? msg : fallback;
  if (m.rfind("<fd:", 0) == 0) {
    size_t colon = m.find(": ");
    if (colon != std::string::npos) m.erase(0, colon + 2);
  }
  if (errnum == Z_BUF_ERROR) m += " (the .gz file is truncated)";
  return "gzip: " + m;
}

}  // namespace

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ > 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    // On to the other buffer, with the rest of this one's last line: the lines of this one
    // stay valid, those of the other (generation gen_ - 1) are about to be overwritten.
    if (gen_ > 0 && release_) release_(gen_ - 1);
    const char* rest = data() + begin_;
    ++gen_;
    cur_ = bufs_[gen_ & 1].data();
    std::memcpy(data(), rest, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) return true;  // full: caller cuts an overlong line
  long n;
  if (gz_) {
    n = gzread(static_cast<gzFile>(gz_), data() + end_, static_cast<unsigned>(cap_ - end_));
    // A corrupt stream fails (n < 0); a truncated one ends early with Z_BUF_ERROR set, which
    // only gzerror tells. Either way what was decompressed before is kept.
    int errnum = Z_OK;
    if (n <= 0) gzerror(static_cast<gzFile>(gz_), &errnum);
    if (n < 0 || errnum == Z_BUF_ERROR) {
      error_ = gzip_error(gz_, "read error");
      eof_ = true;
      return false;
    }
  } else {
    do {
      n = ::read(fd_, data() + end_, cap_ - end_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      error_ = std::strerror(errno);
      eof_ = true;
      return false;
    }
  }
  if (n == 0) {
    eof_ = true;
    return end_ > begin_;
  }
  if (first_block_) {
    first_block_ = false;
    size_t ctrl = 0, nul = 0;
    size_t look = std::min<size_t>(static_cast<size_t>(n), 8192);
    for (size_t i = 0; i < look; ++i) {
      unsigned char c = static_cast<unsigned char>(data()[end_ + i]);
      if (c == 0) ++nul;
      else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != 0x1b && c != '\f') ++ctrl;
    }
    binary_ = nul > 0 || ctrl * 20 > look;  // >5% control bytes or any NUL up front
  }
  // Count NULs (kept as data; the cleaner replaces them) for the input summary.
  for (const char* p = data() + end_; (p = static_cast<const char*>(std::memchr(p, 0, data() + end_ + n - p)));
       ++p)
    ++nuls_;
  end_ += static_cast<size_t>(n);
  total_ += static_cast<uint64_t>(n);
  return true;
}

bool LineReader::next(std::string_view& line) {
  if (!error_.empty() && fd_ < 0) return false;
  for (;;) {
    const char* start = data() + begin_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl) {
      line = std::string_view(start, static_cast<size_t>(nl - start));
      begin_ += line.size() + 1;
      line_no_ += step_;
      step_ = 1;
      return true;
    }
    size_t before = end_ - begin_;
    if (eof_ || !fill()) {
      if (end_ > begin_) {  // last line without '\n'
        line = std::string_view(data() + begin_, end_ - begin_);
        begin_ = end_;
        line_no_ += step_;
        step_ = 1;
        no_final_newline_ = true;
        return true;
      }
      return false;
    }
    if (end_ - begin_ == cap_ && before == cap_) {
      // The buffer holds one line longer than itself: hand it out in pieces.
      line = std::string_view(data() + begin_, end_ - begin_);
      begin_ = end_;
      overlong_ += step_;  // a line, counted at its first piece
      line_no_ += step_;
      step_ = 0;
      return true;
    }
  }
}

namespace {

// LineReader::next's search for the end of the line that starts at p (the first '\n' before
// end; nullptr if none), and in the same pass the line's hints: whether it has a control
// character other than a final CR, or a "-M" (kMayClean: clean_line may have work), a '<'
// (kMayNote). One test per character, 16 (SSE2) or 32 (AVX2) at a time: is it a control
// character, a '-' or a '<'? Most steps of a line find none; the characters found are then
// looked at one by one, in order: the '\n' ends the line; a CR followed by it is the final CR
// (clean_line's to count, not a hint); a '-' gives kMayClean if an 'M' follows; a '<',
// kMayNote; anything else found is a control character: kMayClean. A character found at or
// past end is not in the buffer's text: no line end there. (Reads past end stay inside the
// buffer: 64 spare bytes.) Control characters are tested as (c + 1) < 0x21, signed: < 0x20
// and 0x7f (clean_line's), and bytes >= 0x80 (too much: clean_line then finds nothing to do;
// hints may say too much, never too little).
inline const char* scan_found(const char* p, uint32_t m, const char* end, uint8_t& hints) {
  for (; m; m &= m - 1) {
    const char* q = p + __builtin_ctz(m);
    if (q >= end) return nullptr;
    const char ch = *q;
    if (ch == '\n') return q;
    if (ch == '-') {
      if (q[1] == 'M') hints |= LineReader::kMayClean;
    } else if (ch == '<') {
      hints |= LineReader::kMayNote;
    } else if (!(ch == '\r' && q[1] == '\n')) {
      hints |= LineReader::kMayClean;
    }
  }
  return end;  // (not a line end: the caller goes on)
}

#if defined(__SSE2__)
const char* scan_sse2(const char* p, const char* end, uint8_t& hints) {
  const __m128i k1 = _mm_set1_epi8(1), k21 = _mm_set1_epi8(0x21), klt = _mm_set1_epi8('<'),
                kdash = _mm_set1_epi8('-');
  hints = 0;
  for (; p < end; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i f = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(x, k1), k21),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, kdash), _mm_cmpeq_epi8(x, klt)));
    const uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(f));
    if (!m) continue;
    const char* q = scan_found(p, m, end, hints);
    if (q != end) return q;
  }
  return nullptr;
}

// The same in 32-byte words, where the processor has AVX2 (chosen at run time: the binary does
// not require it).
__attribute__((target("avx2"))) const char* scan_avx2(const char* p, const char* end, uint8_t& hints) {
  const __m256i k1 = _mm256_set1_epi8(1), k21 = _mm256_set1_epi8(0x21), klt = _mm256_set1_epi8('<'),
                kdash = _mm256_set1_epi8('-');
  hints = 0;
  for (; p < end; p += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i f = _mm256_or_si256(_mm256_cmpgt_epi8(k21, _mm256_add_epi8(x, k1)),
                                      _mm256_or_si256(_mm256_cmpeq_epi8(x, kdash), _mm256_cmpeq_epi8(x, klt)));
    const uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(f));
    if (!m) continue;
    const char* q = scan_found(p, m, end, hints);
    if (q != end) return q;
  }
  return nullptr;
}

#else
const char* scan_plain(const char* p, const char* end, uint8_t& hints) {
  hints = LineReader::kMayClean | LineReader::kMayNote;
  return static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
}
#endif

}  // namespace

#if defined(__SSE2__)
LineReader::Scan LineReader::scan_ = __builtin_cpu_supports("avx2") ? scan_avx2 : scan_sse2;
#else
LineReader::Scan LineReader::scan_ = scan_plain;
#endif

// Tests run both scans (where the processor has AVX2). Declared by the test only: nothing else
// is to call it.
void line_reader_use_avx2_for_tests(bool on) {
#if defined(__SSE2__)
  LineReader::scan_ = on && __builtin_cpu_supports("avx2") ? scan_avx2 : scan_sse2;
#else
  (void)on;
#endif
}

// next(line, hints) when the buffer holds no '\n': the general path, and hints that say
// everything.
bool LineReader::next_refilled(std::string_view& line, uint8_t& hints) {
  hints = kMayClean | kMayNote;
  return next(line);
}

ExpandedPaths expand_paths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  ExpandedPaths out;
  for (const auto& p : paths) {
    if (p == "-") {
      out.files.push_back(p);
      continue;
    }
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out.errors.emplace_back(p, ec ? ec.message() : "no such file or directory");
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      size_t hidden = 0;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        out.errors.emplace_back(p, ec.message());
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) {
          out.errors.emplace_back(it->path().string(), ec.message());
          break;
        }
        auto name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          ++hidden;
          continue;
        }
        // A subdirectory that cannot be listed is skipped by the iterator without a word
        // (skip_permission_denied): say so, as for a file that cannot be read.
        std::error_code fe;  // (a dangling link is no file: skipped)
        if (it->is_directory(fe) && ::access(it->path().c_str(), R_OK | X_OK) != 0) {
          out.errors.emplace_back(it->path().string(), std::strerror(errno));
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(fe)) found.push_back(it->path().string());
      }
      if (found.empty() && !ec)
        out.errors.emplace_back(p, hidden ? fmt::format("directory holds no file to read ({} hidden entr{} skipped)", hidden,
                                                        hidden == 1 ? "y" : "ies")
                                          : std::string("directory holds no file to read"));
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else {
      out.files.push_back(p);
    }
  }
  return out;
}

}  // namespace ipsecdoc
