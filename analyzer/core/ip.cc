#include "core/ip.h"

#include <charconv>

namespace ipsecdoc {

std::optional<uint32_t> parse_ipv4(std::string_view s) {
  uint32_t out = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  for (int i = 0; i < 4; ++i) {
    unsigned v = 0;
    auto [q, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || q == p || q - p > 3 || v > 255) return std::nullopt;
    out = (out << 8) | v;
    p = q;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return out;
}

namespace {

// Appends the decimal digits of v (0..65535) to `out`.
void append_uint(std::string& out, unsigned v) {
  char b[8];
  char* e = b + sizeof b;
  char* p = e;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  out.append(p, static_cast<size_t>(e - p));
}

}  // namespace

// Written by hand, not through fmt: it is called for every address printed (replays render
// whole configs and debug logs), and fmt's argument machinery cost ~1k instructions a call.
void append_ipv4(std::string& out, uint32_t a) {
  char b[16];
  char* p = b;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned v = (a >> shift) & 255u;
    if (v >= 100) { *p++ = static_cast<char>('0' + v / 100); v %= 100; *p++ = static_cast<char>('0' + v / 10); }
    else if (v >= 10) *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
    if (shift) *p++ = '.';
  }
  out.append(b, static_cast<size_t>(p - b));
}

std::string format_ipv4(uint32_t a) {
  std::string s;
  append_ipv4(s, a);
  return s;
}

int mask_prefix_len(uint32_t mask) {
  int n = 0;
  while (n < 32 && (mask & (0x80000000u >> n))) ++n;
  return prefix_mask(n) == mask ? n : -1;
}

bool Proxy::contains(const Proxy& o) const {
  if ((mask & o.mask) != mask) return false;             // o must be at least as narrow
  if ((o.addr & mask) != (addr & mask)) return false;
  if (proto != 0 && proto != o.proto) return false;
  if (port != 0 && port != o.port) return false;
  return true;
}

bool Proxy::same_traffic(const Proxy& o) const {
  return mask == o.mask && (addr & mask) == (o.addr & o.mask) && proto == o.proto && port == o.port;
}

std::string Proxy::str() const {
  int len = mask_prefix_len(mask);
  std::string s;
  append_ipv4(s, addr);
  s += '/';
  if (len >= 0) append_uint(s, static_cast<unsigned>(len));
  else append_ipv4(s, mask);
  if (proto != 0 || port != 0) {
    s += " prot ";
    append_uint(s, proto);
    s += " port ";
    append_uint(s, port);
  }
  return s;
}

std::string Proxy::ios() const {
  std::string s;
  append_ipv4(s, addr);
  s += '/';
  append_ipv4(s, mask);
  s += '/';
  append_uint(s, proto_raw ? proto_raw : proto);
  s += '/';
  append_uint(s, port);
  return s;
}

std::string Proxy::acl_operand() const {
  if (mask == 0) return "any";
  std::string s;
  if (is_host()) {
    s = "host ";
    append_ipv4(s, addr);
    return s;
  }
  append_ipv4(s, addr);
  s += ' ';
  append_ipv4(s, ~mask);
  return s;
}

std::optional<Proxy> parse_proxy(std::string_view s) {
  // a.b.c.d/m.m.m.m/prot/port[ (type=N)]   (IOS-XE may print a.b.c.d/m/256/0)
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  Proxy p;
  auto take = [&](char sep) -> std::string_view {
    size_t i = s.find(sep);
    std::string_view part = s.substr(0, i);
    s = i == std::string_view::npos ? std::string_view{} : s.substr(i + 1);
    return part;
  };
  auto a = parse_ipv4(take('/'));
  if (!a) return std::nullopt;
  std::string_view m = take('/');
  auto mv = parse_ipv4(m);
  if (!mv) {
    unsigned len = 0;
    auto [q, ec] = std::from_chars(m.data(), m.data() + m.size(), len);
    if (ec != std::errc() || q != m.data() + m.size() || len > 32) return std::nullopt;
    mv = prefix_mask(static_cast<int>(len));
  }
  p.addr = *a;
  p.mask = *mv;
  std::string_view prot = take('/');
  unsigned v = 0;
  if (std::from_chars(prot.data(), prot.data() + prot.size(), v).ec != std::errc()) return std::nullopt;
  p.proto_raw = static_cast<uint16_t>(v);
  p.proto = v == 256 ? 0 : static_cast<uint16_t>(v);
  // port, possibly followed by " (type=N)" and trailing punctuation
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  std::from_chars(s.data(), s.data() + i, v);
  p.port = static_cast<uint16_t>(v);
  size_t t = s.find("(type=");
  if (t != std::string_view::npos) {
    int ty = 0;
    std::from_chars(s.data() + t + 6, s.data() + s.size(), ty);
    p.id_type = ty;
  }
  p.valid = true;
  return p;
}

}  // namespace ipsecdoc
