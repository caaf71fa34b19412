#include "tokenize/normalize.h"

#include <cstring>
#include <initializer_list>

#include "tokenize/copy_short.h"

namespace ipsecdoc {
namespace {

// Whether `s` starts with the literal `p` (a fixed-size compare the compiler inlines).
template <size_t N>
inline bool starts(std::string_view s, const char (&p)[N]) {
  return s.size() >= N - 1 && std::memcmp(s.data(), p, N - 1) == 0;
}
inline bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
inline bool digit(char c) { return c >= '0' && c <= '9'; }

// out = the parts joined, with one size change (`out` keeps its buffer between records;
// assigning and appending part by part cost a strlen and a string call per part of every
// record) and the short parts copied without a call.
void set_text(std::string& out, std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view part : parts) n += part.size();
  out.resize(n);
  char* w = out.data();
  for (std::string_view part : parts) {
    copy_short(w, part.data(), part.size());  // (nothing read for an empty part, whose data may be null)
    w += part.size();
  }
}

// Drops the leading characters that are one of Cs. (Compared directly: a string_view::find
// per character was a memchr call per character of every record.)
template <char... Cs>
void skip(std::string_view& s) {
  while (!s.empty() && ((s.front() == Cs) || ...)) s.remove_prefix(1);
}

bool normalize_isakmp(std::string_view b, HeadParts& out) {
  b.remove_prefix(6);  // ISAKMP
  if (!b.empty() && b[0] == '-') {  // ISAKMP-ERROR / ISAKMP-PAK / ISAKMP-EVT
    size_t e = 1;
    while (e < b.size() && b[e] >= 'A' && b[e] <= 'Z') ++e;
    out.level.assign(b.substr(1, e - 1));
    b.remove_prefix(e);
  }
  skip<' '>(b);
  if (!b.empty() && b[0] == ':') b.remove_prefix(1);
  skip<' '>(b);
  if (!b.empty() && b[0] == '(') {
    // "(0:2)", "(1001)": digits and colons up to a ')' before position 24; the id is the
    // number after the last colon. One pass (finding the ')', checking the characters,
    // finding the last colon and reading the number were four, on every ISAKMP record).
    size_t close = 0;
    unsigned v = 0;
    bool num = false;  // digits since the last colon
    for (size_t k = 1; k < b.size() && k < 24; ++k) {
      char c = b[k];
      if (digit(c)) {
        v = v * 10 + static_cast<unsigned>(c - '0');
        num = true;
      } else if (c == ':') {
        v = 0;
        num = false;
      } else {
        if (c == ')') close = k;
        break;
      }
    }
    if (close > 1) {
      if (num) out.conn_id = static_cast<int>(v);
      b.remove_prefix(close + 1);
      skip<' '>(b);
      if (!b.empty() && b[0] == ':') b.remove_prefix(1);
      skip<' '>(b);
    }
  }
  out.lead = "ISAKMP: ";
  out.rest = b;
  return true;
}

bool normalize_ipsec(std::string_view b, HeadParts& out) {
  // IPSEC / IPsec / IPSec, optional "-ERROR"
  b.remove_prefix(5);
  if (starts(b, "-ERROR")) {
    out.level = "ERROR";
    b.remove_prefix(6);
  }
  skip<' '>(b);
  std::string_view func;
  if (!b.empty() && b[0] == ':') {
    b.remove_prefix(1);
    skip<' '>(b);
    if (starts(b, "(SESSION_ID")) {  // IPSEC:(SESSION_ID = 1) (key_engine) ...
      size_t close = b.find(')');
      if (close != std::string_view::npos) b.remove_prefix(close + 1);
      skip<' '>(b);
    }
  }
  if (!b.empty() && b[0] == '(') {
    size_t close = b.find(')');
    if (close != std::string_view::npos && close < 64) {
      func = b.substr(1, close - 1);
      b.remove_prefix(close + 1);
    }
  }
  skip<' ', ':', ','>(b);
  set_text(out.lead_buf, {"IPSEC(", func, "): "});
  out.lead = out.lead_buf;
  out.rest = b;
  return true;
}

}  // namespace

bool normalize_parts(std::string_view b, HeadParts& out) {
  // Reset field by field (not `out = HeadParts{}`) so a reused `out` keeps its buffers;
  // every branch that returns true sets the lead and the rest.
  out.conn_id = -1;
  out.level.clear();
  out.lead = out.rest = {};
  if (starts(b, "ISAKMP")) return normalize_isakmp(b, out);
  if (starts(b, "IPSEC") || starts(b, "IPsec") || starts(b, "IPSec")) return normalize_ipsec(b, out);
  if (starts(b, "(ipsec_") || starts(b, "(crypto_")) {  // XE: "(ipsec_process_proposal)Map Accepted: CMAP, 10"
    size_t close = b.find(')');
    if (close == std::string_view::npos) return false;
    std::string_view rest = b.substr(close + 1);
    skip<' ', ':', ','>(rest);
    set_text(out.lead_buf, {"IPSEC(", b.substr(1, close - 1), "): "});
    out.lead = out.lead_buf;
    out.rest = rest;
    return true;
  }
  if (starts(b, "map_db_")) {  // 15.x: "map_db_find_best did not find matching map" -> IPSEC(map_db_find_best):
    size_t end = 0;
    while (end < b.size() && b[end] != ' ' && b[end] != ':') ++end;
    std::string_view rest = b.substr(end);
    skip<' ', ':'>(rest);
    set_text(out.lead_buf, {"IPSEC(", b.substr(0, end), "): "});
    out.lead = out.lead_buf;
    out.rest = rest;
    return true;
  }
  if (starts(b, "%CRYPTO") || starts(b, "%IPSEC") || starts(b, "%ISAKMP")) {
    out.lead = "";
    out.rest = b;
    return true;
  }
  if (starts(b, "Crypto mapdb")) {
    std::string_view rest = b.substr(12);
    skip<' ', ':'>(rest);
    out.lead = "MAPDB: ";
    out.rest = rest;
    return true;
  }
  for (std::string_view e : {"CryptoEngine", "crypto_engine", "CRYPTO_ENGINE", "crypto_ipsec"}) {
    if (starts(b, e)) {
      std::string_view rest = b.substr(e.size());
      while (!rest.empty() && digit(rest[0])) rest.remove_prefix(1);
      skip<' ', ':'>(rest);
      out.lead = "ENGINE: ";
      out.rest = rest;
      return true;
    }
  }
  return false;
}

bool normalize_head(std::string_view b, NormalizedHead& out) {
  HeadParts parts;
  bool ok = normalize_parts(b, parts);
  out.conn_id = parts.conn_id;
  out.level = std::move(parts.level);
  if (ok) set_text(out.text, {parts.lead, parts.rest});
  else out.text.clear();
  return ok;
}

}  // namespace ipsecdoc
