#include "tokenize/normalize.h"

namespace ipsecdoc {
namespace {

inline bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
inline bool digit(char c) { return c >= '0' && c <= '9'; }

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
    out.level = std::string(b.substr(1, e - 1));
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
  out.text = "ISAKMP: ";
  out.text.append(b.data(), b.size());
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
  out.text.assign("IPSEC(");
  out.text.append(func.data(), func.size());
  out.text.append("): ");
  out.text.append(b.data(), b.size());
  return true;
}

}  // namespace

bool normalize_head(std::string_view b, NormalizedHead& out) {
  // Reset field by field (not `out = NormalizedHead{}`) so a reused `out` keeps its buffers.
  out.text.clear();
  out.conn_id = -1;
  out.level.clear();
  if (starts(b, "ISAKMP")) return normalize_isakmp(b, out);
  if (starts(b, "IPSEC") || starts(b, "IPsec") || starts(b, "IPSec")) return normalize_ipsec(b, out);
  if (starts(b, "(ipsec_") || starts(b, "(crypto_")) {  // XE: "(ipsec_process_proposal)Map Accepted: CMAP, 10"
    size_t close = b.find(')');
    if (close == std::string_view::npos) return false;
    std::string_view rest = b.substr(close + 1);
    skip<' ', ':', ','>(rest);
    out.text.assign("IPSEC(");
    out.text.append(b.data() + 1, close - 1);
    out.text.append("): ");
    out.text.append(rest.data(), rest.size());
    return true;
  }
  if (starts(b, "%CRYPTO") || starts(b, "%IPSEC") || starts(b, "%ISAKMP")) {
    out.text.assign(b.data(), b.size());
    return true;
  }
  if (starts(b, "Crypto mapdb")) {
    std::string_view rest = b.substr(12);
    skip<' ', ':'>(rest);
    out.text = "MAPDB: ";
    out.text.append(rest.data(), rest.size());
    return true;
  }
  for (std::string_view e : {"CryptoEngine", "crypto_engine", "CRYPTO_ENGINE", "crypto_ipsec"}) {
    if (starts(b, e)) {
      std::string_view rest = b.substr(e.size());
      while (!rest.empty() && digit(rest[0])) rest.remove_prefix(1);
      skip<' ', ':'>(rest);
      out.text = "ENGINE: ";
      out.text.append(rest.data(), rest.size());
      return true;
    }
  }
  return false;
}

}  // namespace ipsecdoc
