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

// LineReader::next's hints of the line [p, stop), stop being where clean_line's input ends
// (before the final CR, if any): whether it has a control character or a "-M" (kMayClean), a
// '<' (kMayNote). Steps of 32 characters: x, and the same shifted by one, y, for "-M" (at the
// end, y's last character is the CR or the '\n'). Whole steps only OR their tests together;
// the last, partial one is masked to the line (its reads past stop stay inside the buffer: 32
// spare bytes). Control characters are tested as (c + 1) < 0x21, signed: < 0x20 and 0x7f
// (clean_line's), and bytes >= 0x80 (too much: clean_line then finds nothing to do; hints may
// say too much, never too little).
#if defined(__SSE2__)
uint8_t hints_sse2(const char* p, const char* stop) {
  const __m128i k1 = _mm_set1_epi8(1), k21 = _mm_set1_epi8(0x21), klt = _mm_set1_epi8('<'),
                kdash = _mm_set1_epi8('-'), kM = _mm_set1_epi8('M');
  auto load = [](const char* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); };
  auto clean = [&](const char* q) {
    const __m128i x = load(q);
    return _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(x, k1), k21),
                        _mm_and_si128(_mm_cmpeq_epi8(x, kdash), _mm_cmpeq_epi8(load(q + 1), kM)));
  };
  __m128i c = _mm_setzero_si128(), l = _mm_setzero_si128();
  for (; stop - p >= 16; p += 16) {
    c = _mm_or_si128(c, clean(p));
    l = _mm_or_si128(l, _mm_cmpeq_epi8(load(p), klt));
  }
  uint32_t cm = static_cast<uint32_t>(_mm_movemask_epi8(c)), lm = static_cast<uint32_t>(_mm_movemask_epi8(l));
  if (p < stop) {
    const uint32_t valid = (1u << (stop - p)) - 1;
    cm |= static_cast<uint32_t>(_mm_movemask_epi8(clean(p))) & valid;
    lm |= static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(load(p), klt))) & valid;
  }
  return static_cast<uint8_t>((cm ? LineReader::kMayClean : 0) | (lm ? LineReader::kMayNote : 0));
}

// The same in 32-byte words, where the processor has AVX2 (chosen at run time: the binary does
// not require it).
__attribute__((target("avx2"))) uint8_t hints_avx2(const char* p, const char* stop) {
  const __m256i k1 = _mm256_set1_epi8(1), k21 = _mm256_set1_epi8(0x21), klt = _mm256_set1_epi8('<'),
                kdash = _mm256_set1_epi8('-'), kM = _mm256_set1_epi8('M');
  __m256i c = _mm256_setzero_si256(), l = _mm256_setzero_si256();
  uint32_t cm = 0, lm = 0;
  for (;; p += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    const __m256i cx = _mm256_or_si256(_mm256_cmpgt_epi8(k21, _mm256_add_epi8(x, k1)),
                                       _mm256_and_si256(_mm256_cmpeq_epi8(x, kdash), _mm256_cmpeq_epi8(y, kM)));
    const __m256i lx = _mm256_cmpeq_epi8(x, klt);
    if (stop - p >= 32) {
      c = _mm256_or_si256(c, cx);
      l = _mm256_or_si256(l, lx);
      continue;
    }
    if (p < stop) {
      const uint32_t valid = (1u << (stop - p)) - 1;
      cm = static_cast<uint32_t>(_mm256_movemask_epi8(cx)) & valid;
      lm = static_cast<uint32_t>(_mm256_movemask_epi8(lx)) & valid;
    }
    break;
  }
  cm |= static_cast<uint32_t>(_mm256_movemask_epi8(c));
  lm |= static_cast<uint32_t>(_mm256_movemask_epi8(l));
  return static_cast<uint8_t>((cm ? LineReader::kMayClean : 0) | (lm ? LineReader::kMayNote : 0));
}

using Hints = uint8_t (*)(const char*, const char*);
Hints g_hints = __builtin_cpu_supports("avx2") ? hints_avx2 : hints_sse2;
#endif

}  // namespace

// Tests run both scans (where the processor has AVX2). Declared by the test only: nothing else
// is to call it.
void line_reader_use_avx2_for_tests(bool on) {
#if defined(__SSE2__)
  g_hints = on && __builtin_cpu_supports("avx2") ? hints_avx2 : hints_sse2;
#else
  (void)on;
#endif
}

bool LineReader::next(std::string_view& line, uint8_t& hints) {
#if defined(__SSE2__)
  if (error_.empty() || fd_ >= 0) {
    const char* start = buf_.data() + begin_;
    if (const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_))) {
      line = std::string_view(start, static_cast<size_t>(nl - start));
      begin_ += line.size() + 1;
      ++line_no_;
      hints = g_hints(start, nl > start && nl[-1] == '\r' ? nl - 1 : nl);  // (a final CR: clean_line's to count)
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
