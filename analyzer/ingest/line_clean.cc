#include "ingest/line_clean.h"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ipsecdoc {

namespace {

// Does "-More-" occur with its '-' at p (b..e is the line)?
inline bool pager_at(const char* p, const char* e) { return e - p >= 6 && std::memcmp(p, "-More-", 6) == 0; }

// The fast-path test: does the line need cleaning at all, i.e. does it contain a byte
// < 0x20 or 0x7f, or "-More-"? One pass, 16 bytes per step where SSE2 exists (all x86-64).
// Each step loads x = p[0..15] and y = p[1..16]: control bytes are looked for in y, pager
// candidates are "-M" pairs (x == '-', y == 'M'; a lone 'M' or '-' is common in debug and
// syslog text). The last partial step is a full one overlapping the step before, so only
// the first byte is left to scalar code; the answer is a yes/no, so seeing a byte twice is harmless.
// While 33 or more bytes are left, two steps are taken at once (one test and branch for both).
bool needs_cleaning(const char* b, size_t n) {
  const char* p = b;
  const char* e = b + n;
#if defined(__SSE2__)
  if (n >= 17) {
    unsigned char c0 = static_cast<unsigned char>(b[0]);
    if (c0 < 0x20 || c0 == 0x7f) return true;
    const __m128i k1f = _mm_set1_epi8(0x1f), k7f = _mm_set1_epi8(0x7f), kdash = _mm_set1_epi8('-'),
                  kM = _mm_set1_epi8('M');
    for (; e - p >= 33; p += 32) {
      __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i y0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
      __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      __m128i y1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 17));
      __m128i ctl = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(y0, k1f), y0), _mm_cmpeq_epi8(y0, k7f)),
                                 _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(y1, k1f), y1), _mm_cmpeq_epi8(y1, k7f)));
      __m128i dm0 = _mm_and_si128(_mm_cmpeq_epi8(x0, kdash), _mm_cmpeq_epi8(y0, kM));
      __m128i dm1 = _mm_and_si128(_mm_cmpeq_epi8(x1, kdash), _mm_cmpeq_epi8(y1, kM));
      if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_or_si128(dm0, dm1)))) {
        if (_mm_movemask_epi8(ctl)) return true;
        for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(dm0)); m; m &= m - 1)
          if (pager_at(p + __builtin_ctz(m), e)) return true;
        for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(dm1)); m; m &= m - 1)
          if (pager_at(p + 16 + __builtin_ctz(m), e)) return true;
      }
    }
    for (;; p += 16) {
      if (e - p < 17) p = e - 17;  // last step: overlaps the one before
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
      __m128i ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(y, k1f), y), _mm_cmpeq_epi8(y, k7f));
      __m128i dm = _mm_and_si128(_mm_cmpeq_epi8(x, kdash), _mm_cmpeq_epi8(y, kM));
      if (_mm_movemask_epi8(_mm_or_si128(ctl, dm))) {
        if (_mm_movemask_epi8(ctl)) return true;
        for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(dm)); m; m &= m - 1)
          if (pager_at(p + __builtin_ctz(m), e)) return true;
      }
      if (p + 17 == e) return false;
    }
  }
#endif
  for (; p < e; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == '-' && pager_at(p, e)) return true;
  }
  return false;
}

}  // namespace

std::string_view clean_line(std::string_view in, std::string& scratch, CleanStats& stats) {
  // Every CR before the line's end: "\r\r\n" (a CRLF file whose line ends were converted
  // once more) is a line end too, not a return to column 0 that erases the line.
  while (!in.empty() && in.back() == '\r') {
    in.remove_suffix(1);
    ++stats.cr;
  }
  // Fast path (almost every line): no control bytes and no pager prompt.
  if (!needs_cleaning(in.data(), in.size())) return in;

  scratch.clear();
  scratch.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == 0x1b) {  // ESC [ params final
      ++stats.ansi;
      if (i + 1 < in.size() && in[i + 1] == '[') {
        i += 2;
        while (i < in.size() && !(in[i] >= '@' && in[i] <= '~')) ++i;
      } else {
        ++i;  // two-byte escape
      }
      continue;
    }
    if (c == '\b') {
      ++stats.backspaces;
      if (!scratch.empty()) scratch.pop_back();
      continue;
    }
    if (c == '\t') { scratch.push_back(' '); continue; }
    if (c == '\r') {  // carriage return inside a line: the terminal overwrote from column 0
      ++stats.cr;
      scratch.clear();
      continue;
    }
    if (c < 0x20 || c == 0x7f) { ++stats.control; continue; }
    scratch.push_back(static_cast<char>(c));
  }
  // Pager debris: " --More-- " (IOS) or "<--- More --->" (ASA) followed by blanks.
  for (const char* tag : {" --More-- ", "--More--", "<--- More --->"}) {
    size_t p;
    while ((p = scratch.find(tag)) != std::string::npos) {
      ++stats.pager;
      size_t e = p + std::strlen(tag);
      while (e < scratch.size() && scratch[e] == ' ') ++e;
      scratch.erase(p, e - p);
    }
  }
  return scratch;
}

namespace {

// "<-- this is the error" / "<== here" (the first "<--", else the first "<==", after a space):
// the line without it, and the note.
std::string_view strip_arrow(std::string_view line, std::string_view& note) {
  // One pass over the '<' of the line (most have none).
  size_t arrow = std::string_view::npos, equals = std::string_view::npos;
  const char* b = line.data();
  const char* e = b + line.size();
  for (const char* p = b; (p = static_cast<const char*>(std::memchr(p, '<', static_cast<size_t>(e - p)))); ++p) {
    if (e - p < 3) break;
    if (p[1] == '-' && p[2] == '-') {
      arrow = static_cast<size_t>(p - b);
      break;
    }
    if (equals == std::string_view::npos && p[1] == '=' && p[2] == '=') equals = static_cast<size_t>(p - b);
  }
  if (arrow == std::string_view::npos) arrow = equals;
  if (arrow != std::string_view::npos && arrow > 0 && line[arrow - 1] == ' ') {
    note = line.substr(arrow);
    line = line.substr(0, arrow);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
  return line;
}

}  // namespace

std::string_view strip_note(std::string_view line, std::string_view& note, bool arrows) {
  note = {};
  if (arrows) line = strip_arrow(line, note);
  // trailing " (N)" reference marker, N = 1..99
  size_t n = line.size();
  if (n >= 4 && line[n - 1] == ')') {
    size_t open = line.rfind('(');
    if (open != std::string_view::npos && open > 0 && line[open - 1] == ' ' && n - open - 2 >= 1 && n - open - 2 <= 2) {
      bool digits = true;
      for (size_t i = open + 1; i < n - 1; ++i) digits &= line[i] >= '0' && line[i] <= '9';
      if (digits) {
        note = line.substr(open);
        line = line.substr(0, open - 1);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      }
    }
  }
  return line;
}

}  // namespace ipsecdoc
