#include "ingest/prefix.h"

#include "ingest/ingest.h"

#include "core/ip.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Runs on every line of every input (on a syslog archive it is most of ingest's work), so it
// works on pointers with one bounds check per field where it can, and never copies a Stamp:
// fields are read into StampParts and written to the result once, when the prefix is known.
// The grammar is the one described in prefix.h; tests/unit/test_prefix.cc has every form and
// test_ingest_reference.cc compares this parser with the straightforward one it replaced.

namespace ipsecdoc {
namespace {

inline bool digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
inline bool alpha(char c) {
  unsigned char u = static_cast<unsigned char>(c) | 0x20;
  return u >= 'a' && u <= 'z';
}

int month_index(const char* s) {
  // Runs several times per syslog line (stamps, origin-id test): dispatch on the first letter.
  auto is = [&](const char* m, int i) { return s[1] == m[1] && s[2] == m[2] ? i : -1; };
  switch (s[0]) {
    case 'J': return s[1] == 'a' ? is("Jan", 0) : s[2] == 'n' ? is("Jun", 5) : is("Jul", 6);
    case 'F': return is("Feb", 1);
    case 'M': return s[2] == 'r' ? is("Mar", 2) : is("May", 4);
    case 'A': return s[1] == 'p' ? is("Apr", 3) : is("Aug", 7);
    case 'S': return is("Sep", 8);
    case 'O': return is("Oct", 9);
    case 'N': return is("Nov", 10);
    case 'D': return is("Dec", 11);
    default: return -1;
  }
}

constexpr std::array<int, 12> kDaysBefore{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

// Length of the run of digits at p, up to 8, from one 8-byte load: XOR with '0' makes a digit
// byte 0-9; a byte is flagged when its high nibble is set, or becomes set by adding 6 (10-15).
// A carry out of a flagged byte can only flag bytes above it, so the lowest flag is exact.
// (x: the 8 bytes at p, XORed with '0' in every byte.)
inline size_t digit_run8(uint64_t x) {
  const uint64_t flags = (x | (x + 0x0606060606060606ull)) & 0xf0f0f0f0f0f0f0f0ull;
  return flags ? static_cast<size_t>(__builtin_ctzll(flags)) / 8 : 8;
}

// The value of the first n (1-8) digits of x (as for digit_run8): shifted so that they are the
// top n bytes (the first digit lowest, the bytes below are leading zeros), then pairs, fours and
// eights of digits are combined by three multiplications.
inline uint64_t digits_value8(uint64_t x, size_t n) {
  uint64_t v = x << (8 * (8 - n));
  v = ((v & 0x0f0f0f0f0f0f0f0full) * 2561) >> 8;                // 10 * 2^8 + 1
  v = ((v & 0x00ff00ff00ff00ffull) * 6553601) >> 16;            // 100 * 2^16 + 1
  return ((v & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32;  // 10000 * 2^32 + 1
}

// Reads up to `max` (at most 10) digits at p (never at or past e); returns how many. Without
// kValues only the count (v is not set): the lazy scan of a stamp needs where it ends, not what it says.
template <bool kValues = true>
inline size_t read_num(const char* p, const char* e, size_t max, long& v) {
  size_t lim = static_cast<size_t>(e - p) < max ? static_cast<size_t>(e - p) : max;
  size_t n = 0;
  if (std::endian::native == std::endian::little && e - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t x = w ^ 0x3030303030303030ull;
    n = digit_run8(x);  // sequence numbers and days: the run is seldom longer than 8
    if (n > lim)
      n = lim;
    else if (n == 8)
      while (n < lim && digit(p[n])) ++n;
    if constexpr (kValues) {
      if (n <= 8) {
        v = n == 0 ? 0 : static_cast<long>(digits_value8(x, n));
        return n;
      }
    }
  } else {
    while (n < lim && digit(p[n])) ++n;
  }
  if constexpr (kValues) {
    v = 0;
    for (size_t k = 0; k < n; ++k) v = v * 10 + (p[k] - '0');
  }
  return n;
}

inline bool two_digits(const char* s, long& v) {
  if (!digit(s[0]) || !digit(s[1])) return false;
  v = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

// The common "hh:mm:ss" (two-digit hours) as one 8-byte word: XOR with the pattern makes each
// digit byte 0-9 and each ':' byte 0, which a few masks check for all eight bytes at once.
// Accepts exactly what the byte-wise test in read_clock accepts with two-digit hours.
template <bool kValues>
inline bool clock8(const char* p, long& h, long& m, long& sec) {
  if constexpr (std::endian::native != std::endian::little) return false;
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t x = w ^ 0x30303a30303a3030ull;  // p[0] is the low byte: "00:00:00"
  constexpr uint64_t kHigh = 0xf0f0f0f0f0f0f0f0ull, kColons = 0x0000ff0000ff0000ull;
  if ((x & kHigh) != 0 || ((x + 0x0606060606060606ull) & kHigh) != 0 || (x & kColons) != 0) return false;
  if constexpr (kValues) {
    auto at = [x](int i) { return static_cast<long>((x >> (8 * i)) & 0xff); };
    h = at(0) * 10 + at(1);
    m = at(3) * 10 + at(4);
    sec = at(6) * 10 + at(7);
  }
  return true;
}

// HH:MM:SS[.fff] at p (hours may have one digit); returns chars used or 0. Without kValues,
// the same tests and length, and secs is not set.
template <bool kValues>
size_t read_clock(const char* p, const char* e, double& secs) {
  size_t left = p < e ? static_cast<size_t>(e - p) : 0;
  long h = 0, m = 0, sec = 0;
  size_t used;
  if (left >= 8 && clock8<kValues>(p, h, m, sec)) {
    used = 8;
  } else {
    if (left < 7 || !digit(p[0])) return 0;
    h = p[0] - '0';
    size_t a = 1;
    if (digit(p[1])) {
      h = h * 10 + (p[1] - '0');
      a = 2;
    }
    // p[a] ':' MM ':' SS  -> needs a + 6 chars
    if (left < a + 6 || p[a] != ':' || !two_digits(p + a + 1, m) || p[a + 3] != ':' || !two_digits(p + a + 4, sec))
      return 0;
    used = a + 6;
  }
  if constexpr (kValues) secs = static_cast<double>(h * 3600 + m * 60 + sec);
  if (used + 1 < left && p[used] == '.' && digit(p[used + 1])) {
    size_t lim = left - used - 1 < 6 ? left - used - 1 : 6;  // at least 1
    const char* q = p + used + 1;
    size_t f = 0;
    if constexpr (kValues) {
      // Same arithmetic as ever (the value is compared and printed): frac / 10^digits.
      long frac = 0;
      double div = 1;
      for (; f < lim && digit(q[f]); ++f) {
        frac = frac * 10 + (q[f] - '0');
        div *= 10;
      }
      secs += static_cast<double>(frac) / div;
    } else {
      f = 1;  // q[0] is a digit
      while (f < lim && digit(q[f])) ++f;
    }
    used += 1 + f;
  }
  return used;
}

// A stamp's values before they are written to a Stamp (its text is the first `len` chars).
struct StampParts {
  Stamp::Kind kind = Stamp::Kind::None;
  double seconds = 0;
  char marker = 0;
  // With values, a stamp with a clock (datetime, or uptime "HH:MM:SS"): where the clock is in
  // the stamp, its length (0: no clock), and what seconds adds the clock's value to (the date's
  // seconds; 0 for uptime): seconds == base + read_clock's value (take_shape).
  uint8_t clock_at = 0, clock_len = 0;
  double base = 0;
};

using StampMemo = decltype(PrefixScanState::memo);

// A datetime stamp's optional time zone after its clock, which ends at j: " UTC", " KST",
// " CET", " EDT", " CHADT" (2-5 letters, then ':'); returns where the stamp ends.
inline size_t stamp_zone(const char* s, size_t n, size_t j) {
  if (j + 1 < n && s[j] == ' ' && alpha(s[j + 1])) {
    size_t k = j + 1;
    while (k < n && k - j - 1 < 6 && alpha(s[k])) ++k;  // up to 6 to see a 6th letter
    size_t letters = k - j - 1;
    if (k < n && s[k] == ':' && letters >= 2 && letters <= 5) j = k;  // "ISAKMP:" is a message, not a zone
  }
  return j;
}

// The memo (see PrefixScanState) applies to lines of kMemoLine characters or more, to cores that
// end, with the two characters after them, within the key: the scan of a datetime stamp up to
// the end of its clock reads only the core and the character after it (whole-word reads
// included), and the second one after it only when the first is '.' ("00:00:00.5" goes on,
// "00:00:00.x" ends); every bounds test it makes passes on such lines, so its result is a
// function of those characters.
constexpr size_t kMemoLine = 40;

// Characters of the key the scan read: the core, the one after, and the next after a '.'.
inline size_t memo_read(const StampMemo& memo) { return memo.core + (memo.key[memo.core] == '.' ? 2u : 1u); }

// Do the characters of s the memo's scan read equal its key? (s has kMemoLine or more.)
inline bool memo_hit(const StampMemo& memo, const char* s) {
#if defined(__SSE2__)
  const __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
  const __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16));
  const __m128i k0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(memo.key));
  const __m128i k1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(memo.key + 16));
  uint32_t eq = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a0, k0))) |
                (static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a1, k1))) << 16);
  const uint32_t want = static_cast<uint32_t>((uint64_t{1} << memo_read(memo)) - 1);
  return (eq & want) == want;
#else
  return std::memcmp(s, memo.key, memo_read(memo)) == 0;
#endif
}

// One timestamp at s (see parse_stamp); returns its length without the trailing ':', or 0.
// Without kValues only the length (`out` is not touched): what the lazy prefix scan needs.
// Both instantiations are the same code but for the values, so they agree on the length.
// With kMemo (a line's leading stamp only), a datetime stamp's core (up to the end of the
// clock) is taken from `memo` when the line starts like the memo's, and stored in it otherwise.
template <bool kValues, bool kMemo = false>
size_t scan_stamp(const char* s, const char* e, StampParts& out, StampMemo* memo = nullptr) {
  size_t i = 0;
  char marker = 0;
  const size_t n = static_cast<size_t>(e - s);
  if constexpr (!kMemo) {
    memo = nullptr;
  } else if (n >= kMemoLine) {
    if (memo->core != 0 && (!kValues || memo->values) && memo_hit(*memo, s)) {
      if constexpr (kValues) {
        out.kind = memo->kind;
        out.seconds = memo->seconds;
        out.marker = memo->marker;
      }
      return stamp_zone(s, n, memo->core);
    }
  } else {
    memo = nullptr;
  }
  if (n != 0 && (s[0] == '*' || s[0] == '.')) {
    marker = s[0];
    i = 1;
  }
  // datetime: Mon DD [YYYY] HH:MM:SS[.fff][ TZ]
  int mon = i + 3 < n ? month_index(s + i) : -1;
  if (mon >= 0 && s[i + 3] == ' ') {
    size_t j = i + 4;
    if (j < n && s[j] == ' ') ++j;  // day right-aligned
    long day = 0;
    size_t d = read_num<kValues>(s + j, e, 2, day);
    if (d == 0 || j + d >= n || s[j + d] != ' ') return 0;
    j += d + 1;
    if (j + 4 < n && s[j + 4] == ' ' && digit(s[j]) && digit(s[j + 1]) && digit(s[j + 2]) && digit(s[j + 3]))
      j += 5;  // optional year
    double secs = 0;
    size_t c = read_clock<kValues>(s + j, e, secs);
    if (c == 0) return 0;
    if constexpr (kValues) {
      out.kind = Stamp::Kind::Datetime;
      out.base = (kDaysBefore[static_cast<size_t>(mon)] + day - 1) * 86400.0;
      out.seconds = out.base + secs;
      out.marker = marker;
      out.clock_at = static_cast<uint8_t>(j < 256 ? j : 0);
      out.clock_len = static_cast<uint8_t>(j < 256 && c < 256 ? c : 0);
    }
    j += c;
    if (memo != nullptr && j + 2 <= sizeof memo->key) {
      std::memcpy(memo->key, s, sizeof memo->key);  // (n >= kMemoLine > 32)
      memo->core = static_cast<uint8_t>(j);
      memo->values = kValues;
      if constexpr (kValues) {
        memo->kind = out.kind;
        memo->seconds = out.seconds;
        memo->marker = out.marker;
      }
    }
    return stamp_zone(s, n, j);
  }
  if (i >= n || !digit(s[i])) return 0;
  // uptime: HH:MM:SS[.fff]  or  1d00h / 2w3d / 1y2w
  double secs = 0;
  size_t c = read_clock<kValues>(s + i, e, secs);
  if (c > 0) {
    if constexpr (kValues) {
      out.kind = Stamp::Kind::Uptime;
      out.seconds = secs;
      out.marker = marker;
      out.base = 0;  // (0 + secs == secs: secs >= 0)
      out.clock_at = static_cast<uint8_t>(i);
      out.clock_len = static_cast<uint8_t>(c < 256 ? c : 0);
    }
    return i + c;
  }
  long a = 0;
  size_t n1 = read_num<kValues>(s + i, e, 3, a);
  if (n1 > 0 && i + n1 < n && (s[i + n1] == 'd' || s[i + n1] == 'w' || s[i + n1] == 'y')) {
    char u1 = s[i + n1];
    long b = 0;
    size_t n2 = read_num<kValues>(s + i + n1 + 1, e, 2, b);
    if (n2 > 0 && i + n1 + 1 + n2 < n) {
      char u2 = s[i + n1 + 1 + n2];
      if (u2 == 'h' || u2 == 'd' || u2 == 'w') {
        if constexpr (kValues) {
          double unit1 = u1 == 'd' ? 86400 : u1 == 'w' ? 604800 : 31536000;
          double unit2 = u2 == 'h' ? 3600 : u2 == 'd' ? 86400 : 604800;
          out.kind = Stamp::Kind::Uptime;
          out.seconds = a * unit1 + b * unit2;
          out.marker = marker;
        }
        return i + n1 + 2 + n2;
      }
    }
  }
  return 0;
}

void set_stamp(Stamp& out, const StampParts& parts, const char* text, size_t len) {
  out.kind = parts.kind;
  out.seconds = parts.seconds;
  out.clock_marker = parts.marker;
  out.text.assign(std::string_view(text, len));
}

// "123: " sequence number at p; returns its length with ": ", or 0.
inline size_t read_seq(const char* p, const char* e, int64_t& seq) {
  if (p >= e || !digit(*p)) return 0;  // the common case: no number here
  long v;
  size_t n = read_num(p, e, 10, v);
  if (static_cast<size_t>(e - p) <= n + 1 || p[n] != ':' || p[n + 1] != ' ') return 0;
  seq = v;
  return n + 2;
}

// First ' ', ':' or '(' in [p, e), or e: where an origin-id word ends, and a '(' in it rules it
// out ("IPSEC(f):" is a message), so the word need not be searched again. Host names are
// 10-40 characters: 16 at a time where SSE2 exists (all x86-64).
inline const char* find_space_colon_paren(const char* p, const char* e) {
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' '), co = _mm_set1_epi8(':'), pa = _mm_set1_epi8('(');
  for (; e - p >= 16; p += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, co)), _mm_cmpeq_epi8(x, pa));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (m) return p + __builtin_ctz(m);
  }
#endif
  while (p < e && *p != ' ' && *p != ':' && *p != '(') ++p;
  return p;
}

bool facility_word_list(std::string_view w);

inline bool is_facility_word(std::string_view w) {
  // Called for the sender and origin fields of every syslog-server line: reject by the first
  // letter (all facility words start with I, C, c or i) before comparing.
  if (w.empty() || (w[0] != 'I' && w[0] != 'C' && w[0] != 'c' && w[0] != 'i')) return false;
  return facility_word_list(w);
}

bool facility_word_list(std::string_view w) {
  static constexpr std::string_view kWords[] = {"ISAKMP",        "IPSEC",      "IPsec",         "IPSec",
                                                "CRYPTO",        "Crypto",     "crypto",        "ISAKMP-PAK",
                                                "ISAKMP-ERROR",  "IPSEC-ERROR", "IKEv2",        "IKEV2",
                                                "CryptoEngine0", "interface",  "Interface"};
  for (std::string_view f : kWords)
    if (w == f) return true;
  return false;
}

// Could an origin-id ("R1: ") start with c? Not a message ('%'), a stamp ('*', '.', digit,
// month) — the cheap tests that spare scanning the word on most lines.
inline bool may_start_origin(const char* p, const char* e) {
  char c = *p;
  if (c == '%' || c == '*' || c == '.' || digit(c)) return false;
  return e - p < 3 || month_index(p) < 0;
}

// `logging origin-id ip`: an IPv4 address followed by ": " at p ("10.9.9.9: "); the
// address's length, or 0.
inline size_t ipv4_origin(const char* p, const char* e) {
  const char* colon = static_cast<const char*>(std::memchr(p, ':', static_cast<size_t>(std::min<ptrdiff_t>(e - p, 16))));
  if (colon == nullptr || e - colon < 2 || colon[1] != ' ') return 0;
  return parse_ipv4(std::string_view(p, static_cast<size_t>(colon - p))) ? static_cast<size_t>(colon - p) : 0;
}

// Body starts after the spaces at k.
inline size_t skip_spaces(std::string_view line, size_t k) {
  while (k < line.size() && line[k] == ' ') ++k;
  return k;
}

// ISO 8601 server stamp at b + i: 2026-11-26T10:00:00[.fff][Z|+hh:mm]; returns its length (up
// to the next space) or 0. Without kValues, `out` is not touched (the month is read to check it).
// The caller checked iso_shape.
inline bool iso_shape(const char* b, size_t i, size_t len) {
  return len > i + 19 && b[i + 4] == '-' && b[i + 7] == '-' && (b[i + 10] == 'T' || b[i + 10] == ' ');
}
template <bool kValues>
size_t iso_stamp(const char* b, size_t i, size_t len, StampParts& out) {
  const char* e = b + len;
  long mo, d = 0;
  read_num(b + i + 5, e, 2, mo);
  read_num<kValues>(b + i + 8, e, 2, d);
  double secs = 0;
  size_t c = read_clock<kValues>(b + i + 11, e, secs);
  if (c == 0 || mo < 1 || mo > 12) return 0;
  const char* z = static_cast<const char*>(std::memchr(b + i + 11 + c, ' ', len - (i + 11 + c)));
  size_t j = z ? static_cast<size_t>(z - b) : len;  // zone
  if constexpr (kValues) {
    out.kind = Stamp::Kind::Datetime;
    out.seconds = (kDaysBefore[static_cast<size_t>(mo - 1)] + d - 1) * 86400.0 + secs;
  }
  return j - i;
}

enum Pending : uint8_t { kNone = 0, kScan = 1, kIso = 2 };

// The stamp of the prefix is the `len` characters at `at` (`parts`: its values, when read).
template <bool kLazy>
inline void take_stamp(LinePrefix& p, const StampParts& parts, const char* b, size_t at, size_t len, Pending form) {
  p.stamp_at = static_cast<uint32_t>(at);
  p.stamp_len = static_cast<uint32_t>(len);
  if constexpr (kLazy)
    p.stamp_pending = form;
  else
    set_stamp(p.stamp, parts, b + at, len);
}

// p = LinePrefix{}, field by field (a temporary would be zeroed and copied, on every line).
inline void no_prefix(LinePrefix& p) {
  p.present = false;
  p.stamp.kind = Stamp::Kind::None;
  p.stamp.seconds = 0;
  p.stamp.clock_marker = 0;
  p.stamp.text.assign({});
  p.seq = -1;
  p.sender = {};
  p.origin = {};
  p.body = 0;
  p.stamp_pending = kNone;
  p.stamp_at = p.stamp_len = 0;
}

// parse_prefix, or with kLazy everything but the stamp's values (see scan_prefix): the stamps
// are scanned for their length only, and the one the prefix keeps is noted for finish_prefix.
// kMemo: `memo` is ingest_prefix's (see PrefixScanState).
template <bool kLazy, bool kMemo = false>
void scan_prefix_t(std::string_view line, LinePrefix& p, StampMemo* memo = nullptr) {
  constexpr bool kValues = !kLazy;
  no_prefix(p);
  const char* b = line.data();
  const char* e = b + line.size();
  const size_t len = line.size();
  size_t i = 0;
  // Optional <PRI>
  if (len != 0 && b[0] == '<') {
    size_t k = 1;
    while (k < len && k < 5 && digit(b[k])) ++k;
    if (k > 1 && k < len && b[k] == '>') i = k + 1;
  }
  // First stamp: either the device's (followed by ':') or a syslog server's (followed by host)
  StampParts st;
  size_t n = 0;
  Pending st_form = kScan;
  if (i < len && digit(b[i])) {
    if (iso_shape(b, i, len)) {
      n = iso_stamp<kValues>(b, i, len, st);
      if (n > 0) st_form = kIso;
    }
    if (n == 0) {
      // sequence number first?  "000123: *Mar  1 ..."
      int64_t seq;
      size_t sn = read_seq(b + i, e, seq);
      if (sn > 0) {
        p.present = true;
        p.seq = seq;
        size_t after = i + sn;
        StampParts dev;
        size_t m = scan_stamp<kValues>(b + after, e, dev);
        if (m > 0 && after + m < len && b[after + m] == ':') {
          take_stamp<kLazy>(p, dev, b, after, m, kScan);
          p.body = skip_spaces(line, after + m + 1);
        } else {
          p.body = after;  // a bare sequence number before the message
        }
        return;
      }
    }
  }
  if (n == 0) {
    if (kMemo && i == 0)
      n = scan_stamp<kValues, true>(b, e, st, memo);
    else
      n = scan_stamp<kValues>(b + i, e, st);
    if (n == 0) return;
  }
  size_t j = i + n;
  if (j < len && b[j] == ':') {  // device stamp
    p.present = true;
    take_stamp<kLazy>(p, st, b, i, n, st_form);
    p.body = skip_spaces(line, j + 1);
    return;
  }
  if (j >= len || b[j] != ' ') return;
  // Syslog server: "<time> <sender> [seq: ][origin: ][device prefix]"
  size_t h = j + 1;
  const char* sp = static_cast<const char*>(std::memchr(b + h, ' ', len - h));
  if (sp == nullptr || sp == b + h) return;
  size_t he = static_cast<size_t>(sp - b);
  std::string_view sender(b + h, he - h);
  if (sender.back() == ':') sender.remove_suffix(1);
  if (sender.empty() || is_facility_word(sender) || sender[0] == '%') return;
  p.present = true;
  p.sender = sender;
  size_t k = he + 1;
  int64_t seq;
  size_t sn = read_seq(b + k, e, seq);
  if (sn > 0) {
    p.seq = seq;
    k += sn;
  }
  // origin-id "R1: " (a word that is not a facility and not a timestamp), or an address
  size_t ipo;
  if (k < len && digit(b[k]) && (ipo = ipv4_origin(b + k, e)) > 0) {
    p.origin = std::string_view(b + k, ipo);
    k += ipo + 2;
    sn = read_seq(b + k, e, seq);
    if (sn > 0) {
      p.seq = seq;
      k += sn;
    }
  } else if (k < len && may_start_origin(b + k, e)) {
    // The word ends at ' ' or ':', and has no '(' ("IPSEC(f):" is a message, not a host): ends
    // at '(' is ruled out like ends at ' '.
    size_t oe = static_cast<size_t>(find_space_colon_paren(b + k, e) - b);
    std::string_view word(b + k, oe - k);
    if (oe > k && oe + 1 < len && b[oe] == ':' && b[oe + 1] == ' ' && !is_facility_word(word)) {
      p.origin = word;
      k = oe + 2;
      sn = read_seq(b + k, e, seq);
      if (sn > 0) {
        p.seq = seq;
        k += sn;
      }
    }
  }
  // The device's own stamp when it sent one, else the server's.
  StampParts dev;
  size_t m = k < len ? scan_stamp<kValues>(b + k, e, dev) : 0;
  if (m > 0 && k + m < len && b[k + m] == ':') {
    take_stamp<kLazy>(p, dev, b, k, m, kScan);
    k += m + 1;
  } else {
    take_stamp<kLazy>(p, st, b, i, n, st_form);
  }
  p.body = skip_spaces(line, k);
  return;
}

// ---- The shape of a debug capture's prefixes (PrefixScanState::shape)
//
// Why a line with the key's shape has the key's prefix: the shape is taken only from a line
// of kShapeLine (48) characters or more whose prefix is present, has no syslog server's
// sender, no <PRI>, no ISO 8601 stamp, has a stamp (after a sequence number or not), and whose
// body starts at kShapeBody (39) or before. The scan of such a line reads its characters up to
// the body's first one and no further (it stops at the stamp's ':' and at the first character
// that is not a space; words read 8 at a time only count the digits before a non-digit). Its
// tests on a character are equality with characters that are not digits ('*', ':', ' ', month
// and zone letters...) and digit or letter tests: a digit in place of a digit passes every
// one the same way. Only values are read from digits; the one value that decides something,
// the ISO month, is excluded. Its bounds tests look at most 8 characters past the body's first
// one (whole-word reads, the fraction's 6 digits), inside any line of 48 characters. So another
// line of 48+ characters that has the key's characters up to its body's first one, digits for
// digits, takes every branch the key's scan took: same offsets, with its own digits' values.
// The values are read from those digits by the same code as the full scan (read_num,
// scan_stamp), or taken from the key when the stamp's characters are the key's (most lines of
// a capture repeat the stamp of the line before). test_ingest_reference.cc checks this
// against the reference parser on runs of generated debug lines.

using Shape = decltype(PrefixScanState::shape);
constexpr size_t kShapeLine = PrefixScanState::kShapeLine;
constexpr size_t kShapeBody = 39;

// eq bit i: s[i] == key[i]; dig bit i: s[i] is a digit (i < kShapeLine).
inline void shape_masks(const char* s, const char* key, uint64_t& eq, uint64_t& dig) {
  static_assert(kShapeLine == 48, "three 16-byte words");
  eq = dig = 0;
#if defined(__SSE2__)
  const __m128i k0 = _mm_set1_epi8('0'), k9 = _mm_set1_epi8(9);
  for (int w = 0; w < 3; ++w) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * w));
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + 16 * w));
    const __m128i d = _mm_sub_epi8(a, k0);  // a digit becomes 0-9, anything else 10-255
    eq |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, k)))) << (16 * w);
    dig |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, k9), d))))
           << (16 * w);
  }
#else
  for (size_t i = 0; i < kShapeLine; ++i) {
    eq |= static_cast<uint64_t>(s[i] == key[i]) << i;
    dig |= static_cast<uint64_t>(digit(s[i])) << i;
  }
#endif
}

// Does s (kShapeLine characters or more) have the shape's characters up to its body's first
// one, digits for digits? eq and dig are shape_masks(s, key).
inline bool shape_hit(const Shape& sh, const char* s, uint64_t& eq, uint64_t& dig) {
  // The first character first: continuation lines ("  (key eng. msg.) ...") fail there.
  if (s[0] != sh.key[0] && !(digit(s[0]) && digit(sh.key[0]))) return false;
  shape_masks(s, sh.key, eq, dig);
  const uint64_t need = (uint64_t{2} << sh.body) - 1;  // characters 0..body
  const uint64_t ok = (eq & ~sh.digits) | (dig & sh.digits);
  return (ok & need) == need;
}

// The prefix of a line with the shape (shape_hit), as scan_prefix_t<lazy> would set it (with
// lazy, the stamp may be set already: it is when it is the key's). The key becomes the line.
inline void take_shape(std::string_view line, LinePrefix& p, Shape& sh, uint64_t eq, uint64_t dig, bool lazy) {
  const char* b = line.data();
  const char* e = b + line.size();
  p.present = true;
  p.sender = {};
  p.origin = {};
  p.body = sh.body;
  p.seq = -1;
  if (sh.stamp_at != 0) {  // "018963: " before the stamp: stamp_at - 2 digits
    long v;
    const size_t n = sh.stamp_at - 2u;
    if (std::endian::native == std::endian::little && n <= 8) {  // as read_num computes it
      uint64_t w;
      std::memcpy(&w, b, 8);  // (the line has 48 characters or more)
      v = static_cast<long>(digits_value8(w ^ 0x3030303030303030ull, n));
    } else {
      read_num(b, e, 10, v);
    }
    p.seq = v;
  }
  p.stamp_at = sh.stamp_at;
  p.stamp_len = sh.stamp_len;
  const uint64_t stamp_bits = ((uint64_t{1} << sh.stamp_len) - 1) << sh.stamp_at;
  if (sh.values && (eq & stamp_bits) == stamp_bits) {
    p.stamp = sh.stamp;  // the key's stamp, character for character
    p.stamp_pending = kNone;
  } else if (lazy) {
    p.stamp.kind = Stamp::Kind::None;
    p.stamp.seconds = 0;
    p.stamp.clock_marker = 0;
    p.stamp.text.assign({});
    p.stamp_pending = kScan;
    sh.values = false;  // until finish_prefix reads it (ingest_prefix)
  } else if (const uint64_t date_bits = stamp_bits & ~(((uint64_t{1} << sh.clock_len) - 1) << sh.clock_at);
             sh.values && sh.clock_len != 0 && (eq & date_bits) == date_bits) {
    // Only the clock differs from the key's stamp (most new stamps of a capture: the next
    // millisecond): the same date, so the same base, plus this clock's value, read by the same
    // read_clock at the same place as scan_stamp would (the shape: digits for digits), and
    // added as scan_stamp adds it.
    double secs = 0;
    read_clock<true>(b + sh.clock_at, e, secs);
    p.stamp.kind = sh.stamp.kind;
    p.stamp.seconds = sh.base + secs;
    p.stamp.clock_marker = sh.stamp.clock_marker;
    p.stamp.text.assign(std::string_view(b + sh.stamp_at, sh.stamp_len));
    p.stamp_pending = kNone;
    sh.stamp = p.stamp;
  } else {
    StampParts parts;
    scan_stamp<true>(b + sh.stamp_at, e, parts);
    set_stamp(p.stamp, parts, b + sh.stamp_at, sh.stamp_len);
    p.stamp_pending = kNone;
    sh.stamp = p.stamp;
    sh.values = true;
    // (clock_len 0: no clock, or one that does not lie within the key's characters)
    const size_t clock_at = sh.stamp_at + size_t{parts.clock_at};
    const bool in_key = parts.clock_len != 0 && clock_at + parts.clock_len <= sh.stamp_at + size_t{sh.stamp_len};
    sh.clock_at = static_cast<uint8_t>(in_key ? clock_at : 0);
    sh.clock_len = static_cast<uint8_t>(in_key ? parts.clock_len : 0);
    sh.base = parts.base;
  }
  std::memcpy(sh.key, b, kShapeLine);
  sh.digits = dig;
}

// After a full scan: makes the line the shape when it may be one (see above); true if it did.
inline bool make_shape(std::string_view line, const LinePrefix& p, Shape& sh) {
  if (!p.present || !p.sender.empty() || line.size() < kShapeLine || p.body > kShapeBody) return false;
  if (p.stamp_pending != kScan && (p.stamp_pending != kNone || p.stamp.kind == Stamp::Kind::None)) return false;
  const char* b = line.data();
  if (b[0] == '<' || (digit(b[0]) && iso_shape(b, 0, line.size()))) return false;
  uint64_t eq;
  shape_masks(b, b, eq, sh.digits);
  std::memcpy(sh.key, b, kShapeLine);
  sh.body = static_cast<uint8_t>(p.body);
  sh.stamp_at = static_cast<uint8_t>(p.stamp_at);
  sh.stamp_len = static_cast<uint8_t>(p.stamp_len);
  sh.values = p.stamp_pending == kNone;
  if (sh.values) sh.stamp = p.stamp;
  sh.clock_len = 0;  // (not known: take_shape reads the whole stamp next time it differs)
  return true;
}

}  // namespace

size_t parse_stamp(std::string_view s, Stamp& out) {
  StampParts parts;
  size_t n = scan_stamp<true>(s.data(), s.data() + s.size(), parts);
  if (n > 0) set_stamp(out, parts, s.data(), n);
  return n;
}

LinePrefix parse_prefix(std::string_view line) {
  LinePrefix p;
  scan_prefix_t<false>(line, p);
  return p;
}

void scan_prefix(std::string_view line, bool lazy, LinePrefix& out) {
  if (lazy)
    scan_prefix_t<true>(line, out);
  else
    scan_prefix_t<false>(line, out);
}

// Declared in ingest.h (what is other syslog is ingest's business); defined here so that the
// scans are inlined into it: it runs for every line.
namespace {
// ingest_prefix's scan of a line without the shape (kept out of line: the shape's path is short).
[[gnu::noinline]] bool scan_unshaped(std::string_view line, LinePrefix& out, PrefixScanState& state) {
  if (state.lazy)
    scan_prefix_t<true, true>(line, out, &state.memo);
  else
    scan_prefix_t<false, true>(line, out, &state.memo);
  return make_shape(line, out, state.shape);
}
}  // namespace

void ingest_prefix(std::string_view line, LinePrefix& out, bool& other, PrefixScanState& state) {
  if (line.empty() || line[0] == ' ') {
    // No prefix starts with a space (the scan would find neither <PRI>, digit, marker nor month
    // there: a quarter of a debug capture's lines are indented continuations), nor is empty.
    no_prefix(out);
    other = false;  // (is_other_syslog: no prefix)
    return;
  }
  Shape& sh = state.shape;
  bool keyed;  // sh.key is this line's
  uint64_t eq, dig;
  if (sh.body != 0 && line.size() >= kShapeLine && shape_hit(sh, line.data(), eq, dig)) {
    take_shape(line, out, sh, eq, dig, state.lazy);
    keyed = true;
  } else {
    keyed = scan_unshaped(line, out, state);
  }
  // is_other_syslog, but first its answer for a debug capture's usual body, "ISAKMP...": a
  // crypto head (is_crypto_head), so not other syslog.
  other = !(out.present && line.size() >= out.body + 6 && std::memcmp(line.data() + out.body, "ISAKMP", 6) == 0) &&
          is_other_syslog(line, out);
  if (!other && out.stamp_pending) {
    finish_prefix(line, out);
    if (keyed) {
      sh.stamp = out.stamp;
      sh.values = true;
      sh.clock_len = 0;  // (finish_prefix does not say where the clock is)
    }
  }
  if (out.present) state.lazy = other;
}

void finish_prefix(std::string_view line, LinePrefix& p) {
  if (p.stamp_pending == kNone) return;
  // The same scan at the same place as in scan_prefix, now with the values: the same length.
  StampParts parts;
  if (p.stamp_pending == kIso)
    iso_stamp<true>(line.data(), p.stamp_at, line.size(), parts);
  else
    scan_stamp<true>(line.data() + p.stamp_at, line.data() + line.size(), parts);
  set_stamp(p.stamp, parts, line.data() + p.stamp_at, p.stamp_len);
  p.stamp_pending = kNone;
}

}  // namespace ipsecdoc
