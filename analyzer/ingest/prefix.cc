#include "ingest/prefix.h"

#include <array>
#include <cstring>

namespace ipsecdoc {
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

size_t parse_stamp(std::string_view s, Stamp& out) {
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

LinePrefix parse_prefix(std::string_view line) {
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
      size_t m = parse_stamp(line.substr(after), probe);
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
    n = parse_stamp(line.substr(i), st);
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
  }
  Stamp dev;
  size_t m = parse_stamp(line.substr(k), dev);
  if (m > 0 && k + m < line.size() && line[k + m] == ':') {
    p.stamp = std::move(dev);
    k += m + 1;
  }
  while (k < line.size() && line[k] == ' ') ++k;
  p.body = k;
  return p;
}

}  // namespace ipsecdoc
