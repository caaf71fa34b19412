// Differential tests of ingest's per-line fast paths: parse_prefix, parse_stamp, clean_line and
// strip_note are compared, on many generated lines, with the straightforward versions they
// replaced (copied below verbatim from before the change, in namespace `ref`). Output must be
// identical: every field, the stamp's seconds to the bit, the body offset, the clean counts.
// The two-step prefix scan ingest uses (scan_prefix lazy or not, finish_prefix, ingest_prefix
// with its state carried from line to line: its guess and its memo of the leading stamp) is
// compared with the reference too: the lazy scan finds a stamp's extent without its values, and
// must find the same extent; a stamp taken from the memo must be the one the line has.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ingest/ingest.h"
#include "ingest/line_blocks.h"
#include "ingest/line_clean.h"
#include "ingest/line_reader.h"
#include "ingest/prefix.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace ref {
using namespace ipsecdoc;
// ---- prefix.cc before the fast paths
namespace {

inline bool digit(char c) { return c >= '0' && c <= '9'; }
inline bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

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
int month_index(std::string_view s) { return s.size() < 3 ? -1 : month_index(s.data()); }

constexpr std::array<int, 12> kDaysBefore{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

// reads up to `max` digits; returns count
size_t read_num(std::string_view s, size_t i, size_t max, long& v) {
  size_t n = 0;
  v = 0;
  while (i + n < s.size() && n < max && digit(s[i + n])) v = v * 10 + (s[i + n++] - '0');
  return n;
}

// Two digits at s[i] (the caller checked i + 2 <= size).
inline bool two_digits(const char* s, long& v) {
  if (!digit(s[0]) || !digit(s[1])) return false;
  v = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

// HH:MM:SS[.fff] at s[i] (hours may have one digit); returns chars used or 0
size_t read_clock(std::string_view s, size_t i, double& secs) {
  const char* p = s.data() + i;
  size_t left = i < s.size() ? s.size() - i : 0;
  if (left < 7 || !digit(p[0])) return 0;
  long h = p[0] - '0';
  size_t a = 1;
  if (digit(p[1])) {
    h = h * 10 + (p[1] - '0');
    a = 2;
  }
  // p[a] ':' MM ':' SS  -> needs a + 6 chars
  long m, sec;
  if (left < a + 6 || p[a] != ':' || !two_digits(p + a + 1, m) || p[a + 3] != ':' || !two_digits(p + a + 4, sec))
    return 0;
  size_t used = a + 6;
  secs = static_cast<double>(h * 3600 + m * 60 + sec);
  if (used + 1 < left && p[used] == '.' && digit(p[used + 1])) {
    long frac = 0;
    size_t f = 0;
    double div = 1;
    while (f < 6 && used + 1 + f < left && digit(p[used + 1 + f])) {
      frac = frac * 10 + (p[used + 1 + f] - '0');
      div *= 10;
      ++f;
    }
    secs += static_cast<double>(frac) / div;
    used += 1 + f;
  }
  return used;
}

}  // namespace

size_t old_parse_stamp(std::string_view s, Stamp& out) {
  size_t i = 0;
  char marker = 0;
  const size_t n = s.size();
  if (n != 0 && (s[0] == '*' || s[0] == '.')) {
    marker = s[0];
    i = 1;
  }
  // datetime: Mon DD [YYYY] HH:MM:SS[.fff][ TZ]
  int mon = i + 3 < n ? month_index(s.data() + i) : -1;
  if (mon >= 0 && s[i + 3] == ' ') {
    size_t j = i + 4;
    if (j < n && s[j] == ' ') ++j;  // day right-aligned
    long day;
    size_t d = read_num(s, j, 2, day);
    if (d == 0 || j + d >= n || s[j + d] != ' ') return 0;
    j += d + 1;
    if (j + 4 < n && s[j + 4] == ' ' && digit(s[j]) && digit(s[j + 1]) && digit(s[j + 2]) && digit(s[j + 3]))
      j += 5;  // optional year
    double secs;
    size_t c = read_clock(s, j, secs);
    if (c == 0) return 0;
    j += c;
    // optional time zone: " UTC", " KST", " CET", " EDT", " CHADT" (2-5 letters, then ':')
    if (j + 1 < n && s[j] == ' ' && alpha(s[j + 1])) {
      size_t k = j + 1;
      while (k < n && k - j - 1 < 6 && alpha(s[k])) ++k;  // up to 6 to see a 6th letter
      size_t letters = k - j - 1;
      if (k < n && s[k] == ':' && letters >= 2 && letters <= 5) j = k;  // "ISAKMP:" is a message, not a zone
    }
    out.kind = Stamp::Kind::Datetime;
    out.seconds = (kDaysBefore[static_cast<size_t>(mon)] + day - 1) * 86400.0 + secs;
    out.clock_marker = marker;
    out.text = s.substr(0, j);
    return j;
  }
  if (i >= n || !digit(s[i])) return 0;
  // uptime: HH:MM:SS[.fff]  or  1d00h / 2w3d / 1y2w
  double secs;
  size_t c = read_clock(s, i, secs);
  if (c > 0) {
    out.kind = Stamp::Kind::Uptime;
    out.seconds = secs;
    out.clock_marker = marker;
    out.text = s.substr(0, i + c);
    return i + c;
  }
  long a;
  size_t n1 = read_num(s, i, 3, a);
  if (n1 > 0 && i + n1 < n && (s[i + n1] == 'd' || s[i + n1] == 'w' || s[i + n1] == 'y')) {
    char u1 = s[i + n1];
    long b;
    size_t n2 = read_num(s, i + n1 + 1, 2, b);
    if (n2 > 0 && i + n1 + 1 + n2 < n) {
      char u2 = s[i + n1 + 1 + n2];
      double unit1 = u1 == 'd' ? 86400 : u1 == 'w' ? 604800 : 31536000;
      double unit2 = u2 == 'h' ? 3600 : u2 == 'd' ? 86400 : u2 == 'w' ? 604800 : -1;
      if (unit2 > 0) {
        out.kind = Stamp::Kind::Uptime;
        out.seconds = a * unit1 + b * unit2;
        out.clock_marker = marker;
        size_t used = i + n1 + 2 + n2;
        out.text = s.substr(0, used);
        return used;
      }
    }
  }
  return 0;
}

namespace {

// "123: " sequence number
size_t read_seq(std::string_view s, size_t i, int64_t& seq) {
  long v;
  size_t n = read_num(s, i, 10, v);
  if (n == 0 || i + n + 1 >= s.size() || s[i + n] != ':' || s[i + n + 1] != ' ') return 0;
  seq = v;
  return n + 2;
}

bool is_facility_word(std::string_view w) {
  // Called for the sender and origin fields of every syslog-server line: reject by the first
  // letter (all facility words start with I, C, c or i) before comparing.
  if (w.empty() || (w[0] != 'I' && w[0] != 'C' && w[0] != 'c' && w[0] != 'i')) return false;
  static constexpr std::string_view kWords[] = {"ISAKMP",        "IPSEC",      "IPsec",         "IPSec",
                                                "CRYPTO",        "Crypto",     "crypto",        "ISAKMP-PAK",
                                                "ISAKMP-ERROR",  "IPSEC-ERROR", "IKEv2",        "IKEV2",
                                                "CryptoEngine0", "interface",  "Interface"};
  for (std::string_view f : kWords)
    if (w == f) return true;
  return false;
}

}  // namespace

LinePrefix old_parse_prefix(std::string_view line) {
  LinePrefix p;
  size_t i = 0;
  // Optional <PRI>
  if (!line.empty() && line[0] == '<') {
    size_t k = 1;
    while (k < line.size() && k < 5 && digit(line[k])) ++k;
    if (k > 1 && k < line.size() && line[k] == '>') i = k + 1;
  }
  // First stamp: either the device's (followed by ':') or a syslog server's (followed by host)
  Stamp st;
  size_t n = 0;
  if (i < line.size() && digit(line[i])) {
    // ISO 8601 server stamp: 2026-11-26T10:00:00[.fff][Z|+hh:mm]
    if (line.size() > i + 19 && line[i + 4] == '-' && line[i + 7] == '-' && (line[i + 10] == 'T' || line[i + 10] == ' ')) {
      long mo, d;
      read_num(line, i + 5, 2, mo);
      read_num(line, i + 8, 2, d);
      double secs;
      size_t c = read_clock(line, i + 11, secs);
      if (c > 0 && mo >= 1 && mo <= 12) {
        size_t j = i + 11 + c;
        while (j < line.size() && line[j] != ' ') ++j;  // zone
        st.kind = Stamp::Kind::Datetime;
        st.seconds = (kDaysBefore[static_cast<size_t>(mo - 1)] + d - 1) * 86400.0 + secs;
        st.text = line.substr(i, j - i);
        n = j - i;
      }
    }
  }
  if (n == 0) {
    // sequence number first?  "000123: *Mar  1 ..."
    int64_t seq;
    size_t sn = read_seq(line, i, seq);
    if (sn > 0) {
      Stamp probe;
      size_t after = i + sn;
      size_t m = old_parse_stamp(line.substr(after), probe);
      if (m > 0 && after + m < line.size() && line[after + m] == ':') {
        p.present = true;
        p.seq = seq;
        p.stamp = std::move(probe);
        p.body = after + m + 1;
        while (p.body < line.size() && line[p.body] == ' ') ++p.body;
        return p;
      }
      // a bare sequence number before the message
      p.present = true;
      p.seq = seq;
      p.body = after;
      return p;
    }
    n = old_parse_stamp(line.substr(i), st);
    if (n == 0) return p;
  }
  size_t j = i + n;
  if (j < line.size() && line[j] == ':') {  // device stamp
    p.present = true;
    p.stamp = std::move(st);
    p.body = j + 1;
    while (p.body < line.size() && line[p.body] == ' ') ++p.body;
    return p;
  }
  if (j >= line.size() || line[j] != ' ') return p;
  // Syslog server: "<time> <sender> [seq: ][origin: ][device prefix]"
  size_t h = j + 1;
  size_t he = h;
  while (he < line.size() && line[he] != ' ') ++he;
  if (he == h || he >= line.size()) return p;
  std::string_view sender = line.substr(h, he - h);
  if (sender.back() == ':') sender.remove_suffix(1);
  if (sender.empty() || is_facility_word(sender) || sender[0] == '%') return p;
  p.present = true;
  p.sender = sender;
  p.stamp = std::move(st);
  size_t k = he + 1;
  int64_t seq;
  size_t sn = read_seq(line, k, seq);
  if (sn > 0) {
    p.seq = seq;
    k += sn;
  }
  // origin-id "R1: " (a word that is not a facility and not a timestamp)
  size_t oe = k;
  while (oe < line.size() && line[oe] != ' ' && line[oe] != ':') ++oe;
  if (oe > k && oe + 1 < line.size() && line[oe] == ':' && line[oe + 1] == ' ' && line[k] != '%' && line[k] != '*' &&
      line[k] != '.' && !digit(line[k]) && month_index(line.substr(k)) < 0 && !is_facility_word(line.substr(k, oe - k)) &&
      line.substr(k, oe - k).find('(') == std::string_view::npos) {  // "IPSEC(f):" is a message, not a host
    p.origin = line.substr(k, oe - k);
    k = oe + 2;
    sn = read_seq(line, k, seq);
    if (sn > 0) {
      p.seq = seq;
      k += sn;
    }
  } else if (oe > k && oe + 1 < line.size() && line[oe] == ':' && line[oe + 1] == ' ') {
    // `logging origin-id ip`: four groups of 1-3 digits up to 255 ("10.9.9.9: ")
    std::string_view w = line.substr(k, oe - k);
    int groups = 0;
    bool ok = true;
    for (size_t a = 0; ok && a <= w.size(); ++groups) {
      size_t dot = std::min(w.find('.', a), w.size());
      ok = dot > a && dot - a <= 3 && std::all_of(w.begin() + a, w.begin() + dot, digit) &&
           std::stoi(std::string(w.substr(a, dot - a))) <= 255;
      a = dot + 1;
    }
    if (ok && groups == 4) {
      p.origin = w;
      k = oe + 2;
      sn = read_seq(line, k, seq);
      if (sn > 0) {
        p.seq = seq;
        k += sn;
      }
    }
  }
  Stamp dev;
  size_t m = old_parse_stamp(line.substr(k), dev);
  if (m > 0 && k + m < line.size() && line[k + m] == ':') {
    p.stamp = std::move(dev);
    k += m + 1;
  }
  while (k < line.size() && line[k] == ' ') ++k;
  p.body = k;
  return p;
}


// ---- line_clean.cc before the fast paths

namespace {

// Does "-More-" occur with its 'M' at p (b..e is the line)?
inline bool pager_at(const char* b, const char* p, const char* e) {
  return p > b && p[-1] == '-' && e - p >= 5 && std::memcmp(p, "More-", 5) == 0;
}

// The fast-path test: does the line need cleaning at all, i.e. does it contain a byte
// < 0x20 or 0x7f, or "-More-"? One pass, 16 bytes per step where SSE2 exists (all x86-64).
bool needs_cleaning(const char* b, size_t n) {
  const char* p = b;
  const char* e = b + n;
#if defined(__SSE2__)
  const __m128i k1f = _mm_set1_epi8(0x1f), k7f = _mm_set1_epi8(0x7f), kM = _mm_set1_epi8('M');
  for (; e - p >= 16; p += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i ctl = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, k1f), x), _mm_cmpeq_epi8(x, k7f));
    __m128i em = _mm_cmpeq_epi8(x, kM);
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ctl, em)));
    if (!m) continue;
    if (_mm_movemask_epi8(ctl)) return true;
    for (unsigned mm = static_cast<unsigned>(_mm_movemask_epi8(em)); mm; mm &= mm - 1)
      if (pager_at(b, p + __builtin_ctz(mm), e)) return true;
  }
#endif
  for (; p < e; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 'M' && pager_at(b, p, e)) return true;
  }
  return false;
}

}  // namespace

std::string_view old_clean_line(std::string_view in, std::string& scratch, CleanStats& stats) {
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

std::string_view old_strip_note(std::string_view line, std::string_view& note) {
  note = {};
  size_t arrow = line.find("<--");
  if (arrow == std::string_view::npos) arrow = line.find("<==");
  if (arrow != std::string_view::npos && arrow > 0 && line[arrow - 1] == ' ') {
    note = line.substr(arrow);
    line = line.substr(0, arrow);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
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

}  // namespace ref

namespace {

// Lines built from the pieces prefixes are made of, so that random draws hit the parsers'
// branches (stamps, sequence numbers, senders, origin-ids, zones) and their edges.
const char* const kPieces[] = {
    "Nov 26 10:00:00", "*Mar  1 00:42:09.431", ".Nov 26 10:00:00.123 UTC", "Nov 26 2026 10:00:00.5 CEST",
    "00:27:07", "1d00h", "2w3d", "1y2w", "9w9d", "000123", "084810", "1234567890", "12345678901", "<189>",
    "2026-11-26T10:00:00.250Z", "2026-11-26 10:00:00", "2026-13-26T10:00:00", "10.0.59.38", "r1.example.net",
    "hq-1", "edge-nyc-rtr22", "ISAKMP", "IPSEC(validate)", "%CRYPTO-4-IKMP_NO_SA", "%LINK-3-UPDOWN", "CHADT",
    "ISAKMP-ERROR", "interface", "Jan", "Jun", "Jul", "May", "Mar", "Dec", "1:02:03", "12:3:45", "12:34:5",
    "99:99:99.9999999", "123:45:67", "--More--", " --More-- ", "<--- More --->", "-More-", "<-- here", "<== this",
    "(1)", "(12)", "(123)", "R1#", "R1(config)#", "R1>", "a", "x", "(", ")", "<", "=", "-", "M"};
const char kSeps[] = {' ', ' ', ' ', ':', ':', '.', '*', '\t', '\r', '\b', '\x1b', '\0', '\x7f', '[', 'Z', '+', '#'};

std::string random_line(std::mt19937& rng) {
  std::string s;
  int parts = static_cast<int>(rng() % 7);
  for (int k = 0; k < parts; ++k) {
    s += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    int seps = static_cast<int>(rng() % 3);
    for (int j = 0; j < seps; ++j) s += kSeps[rng() % sizeof(kSeps)];
    if (rng() % 3 == 0) s += ": ";
  }
  // point mutations: digits, separators, letters
  int muts = static_cast<int>(rng() % 3);
  for (int k = 0; k < muts && !s.empty(); ++k) {
    size_t at = rng() % s.size();
    const char alphabet[] = "0123456789: .*-MUTCaxyz#()<>";
    s[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
  }
  return s;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every field of a LinePrefix but the stamp.
void require_same_but_stamp(const LinePrefix& a, const LinePrefix& b) {
  REQUIRE(a.present == b.present);
  REQUIRE(a.seq == b.seq);
  REQUIRE(a.sender == b.sender);
  REQUIRE(a.origin == b.origin);
  REQUIRE(a.body == b.body);
}

void require_same_stamp(const LinePrefix& a, const LinePrefix& b) {
  REQUIRE(a.stamp.kind == b.stamp.kind);
  REQUIRE(same_bits(a.stamp.seconds, b.stamp.seconds));
  REQUIRE(a.stamp.clock_marker == b.stamp.clock_marker);
  REQUIRE(a.stamp.text.view() == b.stamp.text.view());
}

// A LinePrefix with every field set to something scan_prefix must overwrite.
LinePrefix used_prefix() {
  LinePrefix p;
  p.present = true;
  p.stamp.kind = Stamp::Kind::Uptime;
  p.stamp.seconds = 7;
  p.stamp.clock_marker = '*';
  p.stamp.text = "stale stamp";
  p.seq = 99;
  p.sender = "stale-sender";
  p.origin = "stale-origin";
  p.body = 3;
  p.stamp_pending = 1;
  p.stamp_at = 5;
  p.stamp_len = 6;
  return p;
}

// The two steps of the prefix scan (prefix.h) against the reference `b` (old_parse_prefix).
// `state` is ingest_prefix's, carried from the line before (updated here): its guess, and its
// memo of the leading stamp (the generators repeat stamps, so lines hit it, or nearly).
void check_two_steps(const std::string& line, const LinePrefix& b, PrefixScanState& state) {
  for (bool lz : {true, false}) {
    LinePrefix c = used_prefix();
    scan_prefix(line, lz, c);
    require_same_but_stamp(c, b);
    if (lz) {
      // Only where the stamp is: its extent, found without reading its values.
      REQUIRE((c.stamp_pending != 0) == (b.stamp.kind != Stamp::Kind::None));
      REQUIRE(c.stamp.kind == Stamp::Kind::None);
      if (c.stamp_pending != 0) {
        REQUIRE(c.stamp_at + c.stamp_len <= line.size());
        std::string_view text = std::string_view(line).substr(c.stamp_at, c.stamp_len);
        if (text.size() < InlineText::kMax)
          REQUIRE(text == b.stamp.text.view());
        else
          REQUIRE(text.substr(0, InlineText::kMax) == b.stamp.text.view());
      }
    } else {
      REQUIRE(c.stamp_pending == 0);
      require_same_stamp(c, b);
    }
    finish_prefix(line, c);
    REQUIRE(c.stamp_pending == 0);
    require_same_but_stamp(c, b);
    require_same_stamp(c, b);
  }
  // What ingest gets: the same, but for the stamp of other syslog, which it never reads.
  bool other_ref = is_other_syslog(line, b);
  bool lazy_before = state.lazy, other = !other_ref;
  LinePrefix d = used_prefix();
  ingest_prefix(line, d, other, state);
  REQUIRE(other == other_ref);
  require_same_but_stamp(d, b);
  if (!other) require_same_stamp(d, b);
  REQUIRE(state.lazy == (b.present ? other_ref : lazy_before));
}

void check_prefix(const std::string& line, PrefixScanState& state) {
  static std::string prev;
  INFO("line: [" << line << "]");
  INFO("after: [" << prev << "]");
  struct Keep { const std::string& l; ~Keep() { prev = l; } } keep{line};
  LinePrefix a = parse_prefix(line), b = ref::old_parse_prefix(line);
  require_same_but_stamp(a, b);
  require_same_stamp(a, b);
  check_two_steps(line, b, state);
  Stamp sa, sb;
  REQUIRE(parse_stamp(line, sa) == ref::old_parse_stamp(line, sb));
  REQUIRE(sa.kind == sb.kind);
  REQUIRE(same_bits(sa.seconds, sb.seconds));
  REQUIRE(sa.text.view() == sb.text.view());
  // a line with a prefix is never a prompt (Ingestor::line skips the prompt test for them)
  Prompt pr;
  if (a.present) REQUIRE_FALSE(parse_prompt(line, pr));
}

void check_clean(const std::string& line) {
  INFO("line: [" << line << "]");
  std::string sa, sb;
  CleanStats ca, cb;
  std::string_view a = clean_line(line, sa, ca), b = ref::old_clean_line(line, sb, cb);
  REQUIRE(a == b);
  REQUIRE(ca.cr == cb.cr);
  REQUIRE(ca.ansi == cb.ansi);
  REQUIRE(ca.backspaces == cb.backspaces);
  REQUIRE(ca.pager == cb.pager);
  REQUIRE(ca.control == cb.control);
  std::string_view na, nb;
  REQUIRE(strip_note(line, na) == ref::old_strip_note(line, nb));
  REQUIRE(na == nb);
}

}  // namespace

TEST_CASE("ingest fast paths: parse_prefix and parse_stamp agree with the reference on generated lines") {
  std::mt19937 rng(20261126);
  PrefixScanState state;
  for (int n = 0; n < 200000; ++n) {
    std::string line = random_line(rng);
    check_prefix(line, state);
    // every cut of the line too: the fast paths read whole words where the bytes are there
    if (n % 16 == 0)
      for (size_t k = 0; k < line.size(); ++k) check_prefix(line.substr(0, k), state);
  }
}

namespace {

// A syslog server's line, slot by slot (server stamp, sender, sequence number, origin-id, device
// stamp, body), each slot drawn from real forms and near misses, then a point mutation: most
// lines take the paths of an archive (lazy scans of two stamps), many are one byte off.
std::string server_line(std::mt19937& rng) {
  static const char* const kServer[] = {"Nov 26 00:00:00", "Nov  6 23:59:59", "Jan  1 00:00:00.5",
                                        "2026-11-26T10:00:00.250Z", "2026-11-26 10:00:00", "Dec 31 2026 12:00:00",
                                        "00:27:07", "1d00h", "Mar 1 1:02:03", "Nov 26 00:00:00 UTC"};
  static const char* const kSender[] = {"10.0.59.38", "edge-nyc-rtr22.corp.example.net", "r1:", "ISAKMP", "%LINK",
                                        "hq-1", "IPSEC(validate):", "a"};
  static const char* const kSeq[] = {"", "", "084810: ", "1: ", "1234567890: ", "12345678901: ", "00000000: ", "123:"};
  static const char* const kOrigin[] = {"",        "",           "wan-lon-rtr17: ", "R1: ",     "IPSEC(f): ", "Nov: ",
                                        "ISAKMP: ", "x(y: ",      "10.9.9.9: ",      "1.2.3: ", "1.2.3.4.5: ",
                                        "1234.1.1.1: ", "10.9.9.256: "};
  static const char* const kDevice[] = {"", ".Nov 26 00:59:58.716 EDT: ", "*Mar  1 00:42:09.431: ",
                                        "Nov 26 2026 00:00:02.241 UTC: ", "00:27:07: ", "2w3d: ", "Nov 26 10:00:00 ISAKMP: ",
                                        "Nov 26 10:00:00.1234567 CHADT: ", "1y2w: ", "9:07:07.: "};
  static const char* const kBody[] = {"%LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
                                      "%SSH-5-SSH2_SESSION: using crypto cipher 'aes256-ctr'",
                                      "%CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA",
                                      "ISAKMP:(1001): received packet from 10.1.1.1",
                                      "IPSEC(validate_proposal_request): proposal part #1",
                                      "(ipsec_process_proposal)Map Accepted", "BGP neighbor down", "", "x"};
  auto pick = [&](const auto& arr) { return std::string(arr[rng() % (sizeof(arr) / sizeof(arr[0]))]); };
  std::string s = pick(kServer) + " " + pick(kSender) + " " + pick(kSeq) + pick(kOrigin) + pick(kDevice) + pick(kBody);
  if (rng() % 2 == 0 && !s.empty()) {
    const char alphabet[] = "0123456789: .*-MUTCaxyz#()<>%";
    s[rng() % s.size()] = alphabet[rng() % (sizeof(alphabet) - 1)];
  }
  return s;
}

}  // namespace

TEST_CASE("ingest fast paths: the lazy prefix scan and ingest_prefix agree with the reference on syslog-server lines") {
  std::mt19937 rng(42);
  PrefixScanState state;
  for (int n = 0; n < 100000; ++n) {
    std::string line = server_line(rng);
    check_prefix(line, state);
    if (n % 64 == 0)
      for (size_t k = 0; k < line.size(); ++k) check_prefix(line.substr(0, k), state);
  }
  // Sequence numbers of every length up to 11 digits (values read 8 digits at a time), with
  // and without room for a whole 8-byte word after them.
  for (int len = 1; len <= 11; ++len)
    for (int k = 0; k < 200; ++k) {
      std::string digits;
      for (int d = 0; d < len; ++d) digits += static_cast<char>('0' + rng() % 10);
      check_prefix(digits + ": x", state);
      check_prefix(digits + ": Nov 26 00:00:00.123 UTC: %SYS-5-CONFIG_I: Configured", state);
      check_prefix("Nov 26 00:00:00 10.0.0.1 " + digits + ": R1: *Mar  1 00:42:09.431: ISAKMP: x", state);
    }
}

TEST_CASE("ingest fast paths: clean_line and strip_note agree with the reference on generated lines") {
  std::mt19937 rng(7);
  for (int n = 0; n < 100000; ++n) {
    std::string line = random_line(rng);
    // lengths around the 16- and 17-byte steps of the SSE2 scan
    if (n % 4 == 0) line.resize(rng() % 40, 'M');
    check_clean(line);
    if (n % 32 == 0)
      for (size_t k = 0; k < line.size(); ++k) check_clean(line.substr(0, k));
  }
  // a control byte or a pager tag at every position of lines of every length up to 70
  for (size_t len = 1; len <= 70; ++len)
    for (size_t at = 0; at < len; ++at) {
      std::string line(len, 'x');
      line[at] = '\x01';
      check_clean(line);
      line[at] = '\x7f';
      check_clean(line);
      line.assign(len, 'M');
      line.replace(at, std::min<size_t>(6, len - at), std::string("-More-").substr(0, len - at));
      check_clean(line);
    }
}

namespace {

// Runs of debug-capture lines, as a router prints them: one prefix form repeated with the
// sequence number counting up and the clock moving on (digits that change width: 99999 ->
// 100000, day " 9" -> "10", ".5" -> ".50"; dates rolling over), bodies of every kind (short
// ones: lines under the shape's 48 characters; a second space; digits or '%' first), and in
// between: continuation lines, syslog-server lines, random lines, form changes, point
// mutations, cuts and a CR left at the end. ingest_prefix's shape of the last prefix
// (PrefixScanState::shape) must give what the reference gives, line after line.
struct DebugRun {
  std::mt19937 rng;
  int form = 0;
  uint64_t seq = 99990;
  int mon = 2, day = 9, h = 23, m = 59, s = 58, ms = 990, frac_digits = 3;
  explicit DebugRun(uint32_t seed) : rng(seed) {}

  std::string stamp_text() {
    static const char* const kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char frac[16];
    std::snprintf(frac, sizeof frac, "%0*d", frac_digits, ms % (frac_digits == 1 ? 10 : frac_digits == 2 ? 100 : 1000));
    std::string f = frac_digits == 0 ? "" : std::string(".") + frac;
    if (frac_digits == 7) f = ".1234567";  // more than the 6 digits the clock reads
    char buf[96];
    switch (form) {
      case 0: std::snprintf(buf, sizeof buf, "*%s %2d %02d:%02d:%02d%s", kMon[mon], day, h, m, s, f.c_str()); break;
      case 1: std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d", kMon[mon], day, h, m, s); break;
      case 2: std::snprintf(buf, sizeof buf, "%s %2d 2026 %02d:%02d:%02d%s UTC", kMon[mon], day, h, m, s, f.c_str()); break;
      case 3: std::snprintf(buf, sizeof buf, ".%s %d %d:%02d:%02d%s CHADT", kMon[mon], day, h, m, s, f.c_str()); break;
      case 4: std::snprintf(buf, sizeof buf, "%02d:%02d:%02d%s", h, m, s, f.c_str()); break;
      case 5: std::snprintf(buf, sizeof buf, "%dd%02dh", day, h); break;
      default: std::snprintf(buf, sizeof buf, "%dw%dd", day % 10, day % 7); break;
    }
    return buf;
  }

  void tick() {
    if (rng() % 3 == 0) return;  // the same stamp as the line before (most lines)
    ms += static_cast<int>(rng() % 400);
    if (ms >= 1000) { ms -= 1000; ++s; }
    if (rng() % 16 == 0) s += 50;
    if (s >= 60) { s -= 60; ++m; }
    if (m >= 60) { m = 0; ++h; }
    if (h >= 24) { h = 0; ++day; }
    if (day > 31) { day = 1; mon = (mon + 1) % 12; }
    if (rng() % 64 == 0) frac_digits = static_cast<int>(rng() % 4) + (rng() % 8 == 0 ? 4 : 0);
  }

  std::string line() {
    static const char* const kBody[] = {
        "ISAKMP (0:3597): processing SA payload. message ID = 0",
        "ISAKMP:      encryption AES-CBC",
        "ISAKMP-PAK: (0):received packet from 184.66.105.195 dport 500 sport 500 Global (R) MM_NO_STATE",
        "IPSEC(validate_proposal_request): proposal part #1",
        "%CRYPTO-4-IKMP_NO_SA: IKE message from 10.1.1.1 has no SA",
        "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
        "BGP neighbor 10.0.0.1 down (1)",
        " ISAKMP: a second space before the body",
        "12345 digits first ISAKMP",
        "UTC: ISAKMP looks like a zone",
        "x",
        "",
        "ISAKMP: vendor ID is DPD <-- here",
        "ISAKMP:(1001): Old State = IKE_READY  New State = IKE_I_MM1"};
    static const char* const kBetween[] = {
        "  (key eng. msg.) INBOUND local= 135.94.61.225, remote= 154.73.205.182,",
        "    local_proxy= 192.168.221.0/255.255.255.0/0/0 (type=4),",
        "Nov 26 00:00:00 10.0.59.38 084810: R1: *Mar  1 00:42:09.431: ISAKMP: x",
        "hq-sin-rtr01#debug crypto isakmp",
        "Crypto ISAKMP debugging is on"};
    std::string out;
    switch (rng() % 24) {
      case 0: out = kBetween[rng() % (sizeof kBetween / sizeof kBetween[0])]; break;
      case 1: out = random_line(rng); break;
      case 2: form = static_cast<int>(rng() % 7); [[fallthrough]];
      default: {
        tick();
        seq += rng() % 5 == 0 ? 2 : 1;
        if (rng() % 128 == 0) seq = seq < 1000 ? 99990 : seq / 1000;  // other widths
        bool with_seq = form != 4 || rng() % 2 == 0;
        char sq[32];
        std::snprintf(sq, sizeof sq, form == 1 ? "%llu: " : "%06llu: ", static_cast<unsigned long long>(seq));
        out = (with_seq ? std::string(sq) : "") + stamp_text() + ": " + kBody[rng() % (sizeof kBody / sizeof kBody[0])];
      }
    }
    switch (rng() % 16) {
      case 0: out += '\r'; break;
      case 1: if (!out.empty()) out.resize(rng() % out.size()); break;  // cut
      case 2: if (!out.empty()) {  // a character of the prefix changed
        const char alphabet[] = "0123456789: .*-<>TUCaMN%";
        out[rng() % std::min<size_t>(out.size(), 48)] = alphabet[rng() % (sizeof(alphabet) - 1)];
      } break;
      default: break;
    }
    return out;
  }
};

}  // namespace

TEST_CASE("ingest fast paths: the shape of a debug capture's prefixes gives the reference's prefix") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    DebugRun run(seed);
    PrefixScanState state;
    for (int n = 0; n < 60000; ++n) {
      std::string line = run.line();
      check_prefix(line, state);
      // every cut of a line, each followed by the whole line again (a hit after a cut)
      if (n % 256 == 0)
        for (size_t k = 0; k < line.size(); ++k) {
          check_prefix(line.substr(0, k), state);
          check_prefix(line, state);
        }
    }
  }
}

TEST_CASE("ingest fast paths: the prefix shape is used, and only on lines with the shape") {
  // Not a check of results (the test above compares every line with the reference): that the
  // fast path runs, so that the test above tests it.
  PrefixScanState state;
  LinePrefix p;
  bool other;
  std::string a = "018963: Nov 26 2026 00:00:01.204 UTC: ISAKMP (0:3597): processing SA payload";
  ingest_prefix(a, p, other, state);
  REQUIRE(state.shape.body == 38);
  REQUIRE(std::string_view(state.shape.key, 8) == "018963: ");
  std::string b = "018964: Nov 26 2026 00:00:01.205 UTC: ISAKMP (0:3597): processing vendor id payload";
  ingest_prefix(b, p, other, state);
  CHECK(std::string_view(state.shape.key, 8) == "018964: ");  // taken: the key is the line
  CHECK(p.seq == 18964);
  CHECK(p.stamp.text.view() == "Nov 26 2026 00:00:01.205 UTC");
  std::string c = "018965: Nov 26 2026 00:00:01.205 UTC:  ISAKMP (0:3597): a second space";
  ingest_prefix(c, p, other, state);
  CHECK(p.body == 39);
  CHECK(state.shape.body == 39);  // not the shape: scanned, and the new shape
}

namespace ipsecdoc {
void line_reader_use_avx2_for_tests(bool on);  // line_reader.cc: its SSE2 or AVX2 scan
}

TEST_CASE("ingest fast paths: LineReader::next's hints never say less than the line holds") {
  // The same lines as next(line), and for each: without kMayClean, clean_line has nothing to
  // do but remove a final CR; without kMayNote, no '<'. Lines of random characters (control
  // characters, CR, '<', '-', 'M', bytes >= 0x80) and of plain text, read through buffers of
  // several sizes, so lines end at every place of the 32-byte steps and cross refills, and
  // some are longer than the buffer. Plain lines must get no hint (else the fast path would
  // never run, and this test would test nothing).
  std::mt19937 rng(99);
  std::string text;
  for (int n = 0; n < 4000; ++n) {
    size_t len = rng() % 150;
    std::string line;
    bool plain = rng() % 2 == 0;
    for (size_t k = 0; k < len; ++k) {
      const char alphabet[] = "abcdefgh 0123:.*()=,ISAKMP";
      const char specials[] = "\x01\t\r\x1b\b\x7f<-M\x80\xff";
      line += (plain || rng() % 8 != 0) ? alphabet[rng() % (sizeof(alphabet) - 1)] : specials[rng() % (sizeof(specials) - 1)];
    }
    if (rng() % 4 == 0) line += '\r';
    if (rng() % 16 == 0) line += "--More--";
    text += line;
    text += '\n';
  }
  text += "last line without a newline";
  std::string path = write_temp("hints", "lines.log", text);
  for (bool avx2 : {false, true})
  for (size_t buffer : {size_t{64}, size_t{100}, size_t{4096}, size_t{1} << 20}) {
    CAPTURE(avx2);
    CAPTURE(buffer);
    line_reader_use_avx2_for_tests(avx2);
    LineReader a(path, buffer), b(path, buffer);
    std::string_view la, lb;
    uint8_t hints = 0;
    size_t quiet = 0, lines = 0;
    for (;;) {
      bool ga = a.next(la, hints), gb = b.next(lb);
      REQUIRE(ga == gb);
      if (!ga) break;
      ++lines;
      std::string line(lb);
      REQUIRE(std::string(la) == line);
      CAPTURE(line);
      if (!(hints & LineReader::kMayClean)) {
        std::string scratch;
        CleanStats full, plain;
        REQUIRE(clean_line(line, scratch, full) == clean_plain_line(line, plain));
        REQUIRE(full.cr == plain.cr);
        REQUIRE(full.ansi + full.backspaces + full.pager + full.control == 0);
      }
      if (!(hints & LineReader::kMayNote)) REQUIRE(line.find('<') == std::string::npos);
      if (hints == 0) ++quiet;
    }
    if (buffer >= 4096) {  // (smaller buffers cut the longer lines into pieces, each a line)
      CHECK(lines == 4001);
      CHECK(quiet > 1000);
    }
    CHECK(a.line_number() == b.line_number());
    CHECK(a.overlong() == b.overlong());
  }
  line_reader_use_avx2_for_tests(true);  // back to what the processor allows
  remove_temp(path);
}

namespace {

// Everything ingest hands its sink, in order, as text (records field by field).
struct Transcript : IngestSink {
  std::string out;
  void on_record(Record&& r) override {
    out += fmt::format("R {} {}-{} [{}] {} {:.17g} {} '{}' {} {} |{}|", r.where.input, r.where.line, r.where.last_line,
                       r.device, static_cast<int>(r.stamp.kind), r.stamp.seconds, r.stamp.clock_marker,
                       r.stamp.text.view(), r.seq, r.physical_lines, r.body);
    for (const auto& n : r.notes) out += "<" + n + ">";
    out += '\n';
  }
  void on_section(SectionKind kind, TextSection&& s) override {
    out += fmt::format("S {} {} {} {}\n", static_cast<int>(kind), s.device, s.command, s.lines.size());
    for (const auto& l : s.lines) out += fmt::format("  {} {}\n", l.line, l.text);
  }
  void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) override {
    out += fmt::format("U {} {} {}\n", input, line, text);
  }
};

std::string summary_text(const InputSummary& s) {
  return fmt::format("{} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", s.lines, s.blank, s.log_records,
                     s.other_syslog, s.config_lines, s.show_lines, s.overlong, s.long_records, s.nul_bytes, s.bytes,
                     s.no_final_newline, s.clean.cr, s.clean.ansi, s.clean.backspaces, s.clean.pager,
                     s.clean.control, fmt::join(s.devices, ","), fmt::join(s.sections, ";"), s.error);
}

}  // namespace

TEST_CASE("ingest fast paths: line blocks that keep the reader's lines give what ingest gives line by line") {
  // Line blocks hold views of the reader's two buffers, not copies: before the reader writes
  // into a buffer again, the blocks with lines in it are consumed (LineReader::on_reuse). With
  // small buffers that happens every few lines, with blocks being filled, published, or taken by
  // a helper thread. Everything ingest hands on (records with stamps, sections, unrecognized
  // lines, the input summary) must be what the line-by-line path gives with the same buffer.
  std::mt19937 rng(4711);
  std::string text;
  uint32_t seq = 18963;
  for (int n = 0; n < 6000; ++n) {
    int kind = static_cast<int>(rng() % 20);
    std::string ms = fmt::format("{:03}", rng() % 1000);
    std::string stamp = fmt::format("{:06}: Nov 26 2026 00:00:{:02}.{} UTC: ", seq++, n / 120 % 60, ms);
    std::string cr = rng() % 5 == 0 ? "\r" : "";
    switch (kind) {
      case 0: text += "        local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4)," + cr + "\n"; break;
      case 1: text += stamp + "%SYS-5-CONFIG_I: Configured from console by vty0" + cr + "\n"; break;
      case 2: text += stamp + "ISAKMP (0:" + std::to_string(n % 97) + "): atts are not acceptable <-- here\n"; break;
      case 3: text += "hq-rtr01#show crypto isakmp sa\n" "dst             src             state\n"
                      "10.0.0.1        10.0.0.2        QM_IDLE\n" "hq-rtr01#\n"; break;
      case 4: text += stamp + "IPSEC(validate_proposal_request): proposal part #1,\x1b[0m" + cr + "\n"; break;
      case 5: text += "\n"; break;
      case 6: text += stamp + std::string(200 + rng() % 300, 'x') + " ISAKMP long line --More-- end\n"; break;
      case 7: text += "*Mar  1 00:0" + std::to_string(n % 10) + ":09.431: ISAKMP:(1001): sending packet (" +
                      std::to_string(n % 99) + ")" + cr + "\n"; break;
      default: text += stamp + "ISAKMP (0:3597): processing SA payload. message ID = " + std::to_string(rng()) + cr + "\n";
    }
  }
  text += "018962: Nov 26 2026 00:00:01.204 UTC: ISAKMP (0:1): last line without a newline";
  std::string path = write_temp("blocks", "capture.log", text);
  size_t compared = 0;
  for (size_t buffer : {size_t{100}, size_t{333}, size_t{4096}, size_t{65536}, size_t{1} << 20}) {
    CAPTURE(buffer);
    IngestOptions opt;
    opt.read_buffer = buffer;
    Transcript alone;
    std::string alone_sum = summary_text(ingest_input(path, 0, alone, opt));
    REQUIRE(alone.out.size() > text.size() / 2);
    for (bool helper : {false, true}) {
      CAPTURE(helper);
      LineBlocks blocks;
      IngestOptions with = opt;
      with.blocks = &blocks;
      std::atomic<bool> stop{false};
      std::thread th;
      if (helper) {  // takes blocks as soon as they are published; the ingest thread waits for them
        blocks.helper_only(true);
        th = std::thread([&] {
          while (!stop.load()) {
            if (!blocks.help()) std::this_thread::yield();
          }
        });
      }
      Transcript got;
      std::string got_sum = summary_text(ingest_input(path, 0, got, with));
      stop = true;
      if (th.joinable()) th.join();
      CHECK(got_sum == alone_sum);
      CHECK(got.out == alone.out);
      ++compared;
    }
  }
  CHECK(compared == 10);
  remove_temp(path);
}

TEST_CASE("ingest fast paths: a shape whose stamp differs only in its clock reads only the clock") {
  // Not the check of results (the shape test above compares every line with the reference):
  // that the clock-only path runs on the lines it is for, and gives the reference's values.
  PrefixScanState state;
  LinePrefix p;
  bool other;
  const char* lines[] = {
      "018963: Nov 26 2026 00:00:01.204 UTC: ISAKMP (0:3597): processing SA payload",
      "018964: Nov 26 2026 00:00:01.205 UTC: ISAKMP (0:3597): processing vendor id payload",  // whole stamp read
      "018965: Nov 26 2026 00:00:59.999 UTC: ISAKMP (0:3597): processing vendor id payload",  // the clock
      "018966: Nov 26 2026 00:01:00.000 UTC: ISAKMP (0:3597): processing vendor id payload",  // the clock
      "018967: Nov 27 2026 00:01:00.000 UTC: ISAKMP (0:3597): processing vendor id payload"};  // another day
  for (size_t i = 0; i < std::size(lines); ++i) {
    CAPTURE(lines[i]);
    ingest_prefix(lines[i], p, other, state);
    LinePrefix want = parse_prefix(lines[i]);
    CHECK(!other);
    CHECK(p.stamp.seconds == want.stamp.seconds);
    CHECK(p.stamp.text.view() == want.stamp.text.view());
    if (i >= 1) {
      CHECK(state.shape.clock_len == 12);  // "00:00:01.205": known from the whole read on
      CHECK(state.shape.clock_at == 20);
    }
  }
}

TEST_CASE("ingest fast paths: when the sink throws, no line block is left for the helper") {
  // Blocks hold views of the reader's buffers: when ingest_input leaves by an exception, the
  // reader goes away, so no published block may remain for a helper to process.
  std::string text;
  for (int n = 0; n < 5000; ++n)
    text += fmt::format("{:06}: Nov 26 2026 00:00:01.{:03} UTC: ISAKMP (0:{}): processing SA payload\n", n, n % 1000, n);
  std::string path = write_temp("blocks-throw", "capture.log", text);
  struct Throwing : IngestSink {
    int left = 1000;
    void on_record(Record&&) override {
      if (--left == 0) throw std::runtime_error("sink failed");
    }
    void on_section(SectionKind, TextSection&&) override {}
    void on_unrecognized(uint32_t, uint32_t, std::string_view) override {}
  };
  for (size_t buffer : {size_t{4096}, size_t{1} << 20}) {
    CAPTURE(buffer);
    LineBlocks blocks;
    IngestOptions opt;
    opt.blocks = &blocks;
    opt.read_buffer = buffer;
    Throwing sink;
    CHECK_THROWS_AS(ingest_input(path, 0, sink, opt), std::runtime_error);
    CHECK(sink.left == 0);
    CHECK(!blocks.work_available());
    CHECK(!blocks.help());
    CHECK(!blocks.has_published());
    CHECK(!blocks.filling());
  }
  remove_temp(path);
}
