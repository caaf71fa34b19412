#include "ingest/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace ipsecdoc {

LineReader::LineReader(const std::string& path, size_t buffer_size) : buf_(buffer_size + 32), cap_(buffer_size) {
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
  // Sniff gzip magic without consuming input we cannot give back (stdin): read the first
  // block ourselves and, if it is gzip, hand the descriptor to zlib after rewinding.
  if (fd_ != 0) {
    unsigned char magic[2] = {0, 0};
    ssize_t n = ::pread(fd_, magic, 2, 0);
    if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      gz_ = gzdopen(dup(fd_), "rb");
      if (!gz_) error_ = "cannot open gzip stream";
      else gzbuffer(static_cast<gzFile>(gz_), 256 * 1024);
    }
  }
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ > 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) return true;  // full: caller cuts an overlong line
  long n;
  if (gz_) {
    n = gzread(static_cast<gzFile>(gz_), buf_.data() + end_, static_cast<unsigned>(cap_ - end_));
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(static_cast<gzFile>(gz_), &errnum);
      error_ = std::string("gzip: ") + (msg ? msg : "read error");
      eof_ = true;
      return false;
    }
  } else {
    do {
      n = ::read(fd_, buf_.data() + end_, cap_ - end_);
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
      unsigned char c = static_cast<unsigned char>(buf_[end_ + i]);
      if (c == 0) ++nul;
      else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != 0x1b && c != '\f') ++ctrl;
    }
    binary_ = nul > 0 || ctrl * 20 > look;  // >5% control bytes or any NUL up front
  }
  // Count NULs (kept as data; the cleaner replaces them) for the input summary.
  for (const char* p = buf_.data() + end_; (p = static_cast<const char*>(std::memchr(p, 0, buf_.data() + end_ + n - p)));
       ++p)
    ++nuls_;
  end_ += static_cast<size_t>(n);
  total_ += static_cast<uint64_t>(n);
  return true;
}

bool LineReader::next(std::string_view& line) {
  if (!error_.empty() && fd_ < 0) return false;
  for (;;) {
    const char* start = buf_.data() + begin_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (nl) {
      line = std::string_view(start, static_cast<size_t>(nl - start));
      begin_ += line.size() + 1;
      ++line_no_;
      return true;
    }
    size_t before = end_ - begin_;
    if (eof_ || !fill()) {
      if (end_ > begin_) {  // last line without '\n'
        line = std::string_view(buf_.data() + begin_, end_ - begin_);
        begin_ = end_;
        ++line_no_;
        no_final_newline_ = true;
        return true;
      }
      return false;
    }
    if (end_ - begin_ == cap_ && before == cap_) {
      // The buffer holds one line longer than itself: hand it out in pieces.
      line = std::string_view(buf_.data() + begin_, end_ - begin_);
      begin_ = end_;
      ++line_no_;
      ++overlong_;
      return true;
    }
  }
}

namespace {

// LineReader::next's scan: the end of the line at start (its '\n' before e), or nullptr when
// there is none before e, and the line's hints, in one pass, in steps of 32 characters. A step
// loads them, x, and the same shifted by one, y, for "-M" (the 32 spare bytes of the buffer
// keep the reads inside it; what lies past e is masked off, or at worst flags a '-' at e - 1 as
// "-M": hints may say too much, never too little). A step with no control character, no '<'
// and no "-M" (most steps) costs one test; the '\n' being a control character, the step that
// ends the line is not one of them. Control characters are tested as (c + 1) < 0x21, signed:
// < 0x20 and 0x7f (clean_line's), and bytes >= 0x80 (too much: clean_line then finds nothing
// to do).
//
// LineEnd is what the steps have seen, in plain integers (both scans share it): the clean bits
// of the step before are kept apart until the line's end is known, as the final '\r'
// (clean_line's to remove, not a reason to clean) may be that step's last character.
struct LineEnd {
  const char* start;
  uint32_t clean = 0, prev = 0, note = 0;  // clean: steps before the last one; prev: the last one's

  static uint32_t valid(const char* p, const char* e) { return e - p >= 32 ? ~0u : (1u << (e - p)) - 1; }
  void quiet() {  // a step without any of them
    clean |= prev;
    prev = 0;
  }
  // A step at p with some: bit i of nl, c, lt says p[i] is a '\n', a reason to clean, a '<'.
  // Returns the line's end when the step has it.
  const char* step(const char* p, const char* e, uint32_t nl, uint32_t c, uint32_t lt, uint8_t& hints) {
    const uint32_t ok = valid(p, e);
    nl &= ok;
    const uint32_t below = nl ? (nl & (0u - nl)) - 1 : ok;  // the line's characters in this step
    c &= below;
    note |= lt & below;
    if (!nl) {
      clean |= prev;
      prev = c;
      return nullptr;
    }
    const char* end = p + __builtin_ctz(nl);
    if (end > start && end[-1] == '\r') {
      if (end > p)
        c &= ~(1u << (end - 1 - p));
      else
        prev &= ~0x80000000u;
    }
    hints = static_cast<uint8_t>(((clean | prev | c) != 0 ? LineReader::kMayClean : 0) |
                                 (note != 0 ? LineReader::kMayNote : 0));
    return end;
  }
};

#if defined(__SSE2__)
const char* scan_sse2(const char* start, const char* e, uint8_t& hints) {
  const __m128i knl = _mm_set1_epi8('\n'), k1 = _mm_set1_epi8(1), k21 = _mm_set1_epi8(0x21),
                klt = _mm_set1_epi8('<'), kdash = _mm_set1_epi8('-'), kM = _mm_set1_epi8('M');
  auto load = [](const char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
  auto mask = [](__m128i lo, __m128i hi) {
    return static_cast<uint32_t>(_mm_movemask_epi8(lo)) | (static_cast<uint32_t>(_mm_movemask_epi8(hi)) << 16);
  };
  LineEnd st{start};
  for (const char* p = start; p < e; p += 32) {
    const __m128i x0 = load(p), x1 = load(p + 16);
    const __m128i c0 = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(x0, k1), k21),
                                    _mm_and_si128(_mm_cmpeq_epi8(x0, kdash), _mm_cmpeq_epi8(load(p + 1), kM)));
    const __m128i c1 = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(x1, k1), k21),
                                    _mm_and_si128(_mm_cmpeq_epi8(x1, kdash), _mm_cmpeq_epi8(load(p + 17), kM)));
    const __m128i l0 = _mm_cmpeq_epi8(x0, klt), l1 = _mm_cmpeq_epi8(x1, klt);
    if ((mask(_mm_or_si128(c0, l0), _mm_or_si128(c1, l1)) & LineEnd::valid(p, e)) == 0) {
      st.quiet();
      continue;
    }
    if (const char* end = st.step(p, e, mask(_mm_cmpeq_epi8(x0, knl), _mm_cmpeq_epi8(x1, knl)), mask(c0, c1),
                                  mask(l0, l1), hints))
      return end;
  }
  return nullptr;
}

// The same step as one 32-byte word, where the processor has AVX2 (chosen at run time: the
// binary does not require it): half the instructions of the SSE2 step.
__attribute__((target("avx2"))) const char* scan_avx2(const char* start, const char* e, uint8_t& hints) {
  const __m256i knl = _mm256_set1_epi8('\n'), k1 = _mm256_set1_epi8(1), k21 = _mm256_set1_epi8(0x21),
                klt = _mm256_set1_epi8('<'), kdash = _mm256_set1_epi8('-'), kM = _mm256_set1_epi8('M');
  LineEnd st{start};
  for (const char* p = start; p < e; p += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    const __m256i c = _mm256_or_si256(_mm256_cmpgt_epi8(k21, _mm256_add_epi8(x, k1)),
                                      _mm256_and_si256(_mm256_cmpeq_epi8(x, kdash), _mm256_cmpeq_epi8(y, kM)));
    const __m256i l = _mm256_cmpeq_epi8(x, klt);
    if ((static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(c, l))) & LineEnd::valid(p, e)) == 0) {
      st.quiet();
      continue;
    }
    if (const char* end = st.step(p, e, static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, knl))),
                                  static_cast<uint32_t>(_mm256_movemask_epi8(c)),
                                  static_cast<uint32_t>(_mm256_movemask_epi8(l)), hints))
      return end;
  }
  return nullptr;
}

using Scan = const char* (*)(const char*, const char*, uint8_t&);
Scan g_scan = __builtin_cpu_supports("avx2") ? scan_avx2 : scan_sse2;
#endif

}  // namespace

// Tests run both scans (where the processor has AVX2). Declared by the test only: nothing else
// is to call it.
void line_reader_use_avx2_for_tests(bool on) {
#if defined(__SSE2__)
  g_scan = on && __builtin_cpu_supports("avx2") ? scan_avx2 : scan_sse2;
#else
  (void)on;
#endif
}

bool LineReader::next(std::string_view& line, uint8_t& hints) {
#if defined(__SSE2__)
  if (error_.empty() || fd_ >= 0) {
    const char* start = buf_.data() + begin_;
    if (const char* end = g_scan(start, buf_.data() + end_, hints)) {
      line = std::string_view(start, static_cast<size_t>(end - start));
      begin_ += line.size() + 1;
      ++line_no_;
      return true;
    }
  }
#endif
  // No '\n' in the buffer (or no SSE2): the general path, and hints that say everything.
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
          continue;
        }
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else {
      out.files.push_back(p);
    }
  }
  return out;
}

}  // namespace ipsecdoc
