#include "tokenize/normalize.h"

#include <cstring>
#include <initializer_list>

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
// record).
void set_text(std::string& out, std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view part : parts) n += part.size();
  out.resize(n);
  char* w = out.data();
  for (std::string_view part : parts) {
    if (!part.empty()) std::memcpy(w, part.data(), part.size());
    w += part.size();
  }
}

// Drops the leading characters that are one of Cs. (Compared directly: a string_view::find
// per character was a memchr call per character of every record.)
template <char... Cs>
void skip(std::string_view& s) {
  while (!s.empty() && ((s.front() == Cs) || ...)) s.remove_prefix(1);
}

bool normalize_isakmp(std::string_view b, NormalizedHead& out) {
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
    size_t close = b.find(')');
    if (close != std::string_view::npos && close < 24) {
      std::string_view inner = b.substr(1, close - 1);
      bool ok = !inner.empty();
      for (char c : inner) ok &= digit(c) || c == ':';
      if (ok) {
        size_t colon = inner.rfind(':');
        std::string_view num = colon == std::string_view::npos ? inner : inner.substr(colon + 1);
        int v = 0;
        for (char c : num) v = v * 10 + (c - '0');
        if (!num.empty()) out.conn_id = v;
        b.remove_prefix(close + 1);
        skip<' '>(b);
        if (!b.empty() && b[0] == ':') b.remove_prefix(1);
        skip<' '>(b);
      }
    }
  }
  set_text(out.text, {"ISAKMP: ", b});
  return true;
}

bool normalize_ipsec(std::string_view b, NormalizedHead& out) {
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
  set_text(out.text, {"IPSEC(", func, "): ", b});
  return true;
}

}  // namespace

bool normalize_head(std::string_view b, NormalizedHead& out) {
  // Reset field by field (not `out = NormalizedHead{}`) so a reused `out` keeps its buffers;
  // every branch that returns true sets the text.
  out.conn_id = -1;
  out.level.clear();
  if (starts(b, "ISAKMP")) return normalize_isakmp(b, out);
  if (starts(b, "IPSEC") || starts(b, "IPsec") || starts(b, "IPSec")) return normalize_ipsec(b, out);
  if (starts(b, "(ipsec_") || starts(b, "(crypto_")) {  // XE: "(ipsec_process_proposal)Map Accepted: CMAP, 10"
    size_t close = b.find(')');
    if (close == std::string_view::npos) {
      out.text.clear();
      return false;
    }
    std::string_view rest = b.substr(close + 1);
    skip<' ', ':', ','>(rest);
    set_text(out.text, {"IPSEC(", b.substr(1, close - 1), "): ", rest});
    return true;
  }
  if (starts(b, "%CRYPTO") || starts(b, "%IPSEC") || starts(b, "%ISAKMP")) {
    set_text(out.text, {b});
    return true;
  }
  if (starts(b, "Crypto mapdb")) {
    std::string_view rest = b.substr(12);
    skip<' ', ':'>(rest);
    set_text(out.text, {"MAPDB: ", rest});
    return true;
  }
  for (std::string_view e : {"CryptoEngine", "crypto_engine", "CRYPTO_ENGINE", "crypto_ipsec"}) {
    if (starts(b, e)) {
      std::string_view rest = b.substr(e.size());
      while (!rest.empty() && digit(rest[0])) rest.remove_prefix(1);
      skip<' ', ':'>(rest);
      set_text(out.text, {"ENGINE: ", rest});
      return true;
    }
  }
  out.text.clear();
  return false;
}

}  // namespace ipsecdoc
