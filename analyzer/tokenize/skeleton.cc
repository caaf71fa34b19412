#include "tokenize/skeleton.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tokenize/copy_short.h"

namespace ipsecdoc {
namespace {

inline bool digit(char c) { return c >= '0' && c <= '9'; }
inline bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Characters after which a digit is literal (a letter, digit, '_' or '.'), as a table: it is
// asked at every digit site of every head.
constexpr std::array<bool, 256> kGlued = [] {
  std::array<bool, 256> g{};
  for (int c = 0; c < 256; ++c)
    g[static_cast<size_t>(c)] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
  return g;
}();

// The high bit of each byte of x that is a digit, the others clear (the "has a byte between
// m and n" bit trick: exact for every byte value, and no carry crosses bytes).
inline uint64_t digit_bytes(uint64_t x) {
  constexpr uint64_t kOnes = ~uint64_t{0} / 255, kLow7 = kOnes * 127, kHigh = kOnes * 128;
  // The high bit of a byte b is set when b < 128 and '0' - 1 < b < '9' + 1.
  return (kOnes * (127 + '9' + 1) - (x & kLow7)) & ~x & ((x & kLow7) + kOnes * (127 - ('0' - 1))) & kHigh;
}

// The number of digits starting at i. (Not capped: an address group of four digits or
// more is refused all the same, and a cap cost a bound computation on every digit site.
// Not eight bytes at a time either: the runs are short, and that cost 6% more.)
inline size_t digits(std::string_view t, size_t i) {
  size_t k = i;
  while (k < t.size() && digit(t[k])) ++k;
  return k - i;
}

// The token starting at `i` (t[i] is a digit at a token boundary): sets `end` and returns
// its class ('X' hex, 'I' IPv4, 'N' number), or 0 when the digits there are literal.
inline char token_at(std::string_view t, size_t i, size_t& end) {
  if (t[i] == '0' && i + 2 < t.size() && t[i + 1] == 'x' && hex(t[i + 2])) {
    end = i + 2;
    while (end < t.size() && hex(t[end])) ++end;
    return 'X';
  }
  size_t run = digits(t, i);
  if (run <= 3 && i + run + 1 < t.size() && t[i + run] == '.') {  // IPv4: four groups of 1-3 digits
    size_t p = i + run;
    int groups = 1;
    while (groups < 4 && p + 1 < t.size() && t[p] == '.') {
      size_t g = digits(t, p + 1);
      if (g == 0 || g > 3) break;
      p += 1 + g;
      ++groups;
    }
    bool followed = p < t.size() && (digit(t[p]) || (t[p] == '.' && p + 1 < t.size() && digit(t[p + 1])));
    if (groups == 4 && !followed) {
      end = p;
      return 'I';
    }
  }
  end = i + run;
  return run >= 4 ? 'N' : 0;
}

// The first digit at or after `i` (or t.size()). Most of a record head is letters, so it
// tests eight bytes at a time for a byte in '0'..'9' (the "has a byte between m and n"
// bit trick: exact for every byte value, and no carry crosses bytes, so the lowest set
// bit on a little-endian load is the first digit) before looking at single characters.
//
// With SSE2 (every x86-64), sixteen bytes at a time first: a byte b is a digit when
// b - '0' (mod 256) is at most 9, i.e. min(b - '0', 9) == b - '0' unsigned; the mask's
// lowest bit is the first digit. A key-engine record is a few hundred bytes of mostly
// letters: this loop was the largest part of building its skeleton.
inline size_t next_digit(std::string_view t, size_t i) {
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  for (; i + 16 <= t.size(); i += 16) {
    __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i)), zero);
    auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d)));
    if (m) return i + static_cast<size_t>(std::countr_zero(m));
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= t.size(); i += 8) {
      uint64_t x;
      std::memcpy(&x, t.data() + i, 8);
      if (uint64_t between = digit_bytes(x)) return i + static_cast<size_t>(std::countr_zero(between)) / 8;
    }
  }
  while (i < t.size() && !digit(t[i])) ++i;
  return i;
}

// Calls f(start, end, cls) for each token, g(start, end) for each literal stretch, in order.
template <class Tok, class Lit>
void scan(std::string_view t, Tok&& f, Lit&& g) {
  size_t lit = 0, i = 0;
  while ((i = next_digit(t, i)) < t.size()) {
    if (i > 0 && kGlued[static_cast<unsigned char>(t[i - 1])]) {  // inside a word or after a dot: literal,
      i += digits(t, i);                                             // and so are the digits that follow
      continue;
    }
    size_t end = i;
    char cls = token_at(t, i, end);
    if (cls) {
      g(lit, i);
      f(i, end, cls);
      lit = end;
    }
    i = end;
  }
  g(lit, t.size());
}

}  // namespace

bool Skeleton::to_skeleton(size_t pos, uint32_t& out) const {
  size_t delta = 0;
  for (size_t k = 0; k < n; ++k) {
    if (orig_end[k] <= pos) {
      delta += orig_end[k] - orig_start[k] - kMarker;
      continue;
    }
    if (orig_start[k] < pos) return false;
    break;
  }
  out = static_cast<uint32_t>(pos - delta);
  return true;
}

bool Skeleton::to_original(uint32_t skel, size_t& out) const {
  size_t delta = 0;
  for (size_t k = 0; k < n; ++k) {
    if (skel_start[k] + kMarker <= skel) {
      delta += orig_end[k] - orig_start[k] - kMarker;
      continue;
    }
    if (skel_start[k] < skel) return false;
    break;
  }
  out = skel + delta;
  return true;
}

bool build_skeleton(std::string_view prefix, std::string_view text, Skeleton& s) {
  // A token is never shorter than its two-byte marker (0x and a digit, four digits, an
  // address), so the key fits in prefix + text: sized once and written through a pointer.
  s.key.resize(prefix.size() + text.size());
  char* const key = s.key.data();
  copy_short(key, prefix.data(), prefix.size());  // (not memcpy: an empty view's data may be null)
  s.base = prefix.size();
  char* w = key + s.base;
  s.n = 0;
  bool ok = true;
  scan(
      text,
      [&](size_t a, size_t b, char cls) {
        if (s.n == Skeleton::kMaxTokens) {
          ok = false;
          return;
        }
        s.skel_start[s.n] = static_cast<uint32_t>(w - key - s.base);
        s.orig_start[s.n] = static_cast<uint32_t>(a);
        s.orig_end[s.n] = static_cast<uint32_t>(b);
        ++s.n;
        *w++ = '\x01';
        *w++ = cls;
      },
      [&](size_t a, size_t b) {
        copy_short(w, text.data() + a, b - a);
        w += b - a;
      });
  s.key.resize(static_cast<size_t>(w - key));
  return ok;
}

std::string vary_tokens(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  scan(
      text,
      [&](size_t a, size_t b, char cls) {
        size_t len = b - a;
        if (cls == 'I') out += len == 13 ? "10.9.8.7" : "198.51.100.77";
        else if (cls == 'X') out += len == 10 ? "0x5A" : "0xDEADBEEF";
        else out += len == 7 ? "12345678" : "4321567";
      },
      [&](size_t a, size_t b) { out.append(text.data() + a, b - a); });
  return out;
}

}  // namespace ipsecdoc
