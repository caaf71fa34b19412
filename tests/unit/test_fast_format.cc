// The hand-written formatters and splitters that replaced fmt / istringstream on the replay path
// (format_ipv4, Proxy::str/ios/acl_operand, split_words, redact_line) against the code they
// replaced, kept here as the reference, on many generated inputs.
#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/config.h"
#include "config/words.h"
#include "core/ip.h"
#include "core/transform.h"

using namespace ipsecdoc;

namespace {

// Deterministic generator (tests must be reproducible).
struct Rng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 32);
  }
  uint32_t below(uint32_t n) { return next() % n; }
};

// ---- the replaced implementations ---------------------------------------------------------
std::string ref_ipv4(uint32_t a) { return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255); }

std::string ref_str(const Proxy& p) {
  int len = mask_prefix_len(p.mask);
  std::string s = len >= 0 ? fmt::format("{}/{}", ref_ipv4(p.addr), len) : fmt::format("{}/{}", ref_ipv4(p.addr), ref_ipv4(p.mask));
  if (p.proto != 0 || p.port != 0) s += fmt::format(" prot {} port {}", p.proto, p.port);
  return s;
}

std::string ref_ios(const Proxy& p) {
  return fmt::format("{}/{}/{}/{}", ref_ipv4(p.addr), ref_ipv4(p.mask), p.proto_raw ? p.proto_raw : p.proto, p.port);
}

std::string ref_acl_operand(const Proxy& p) {
  if (p.mask == 0) return "any";
  if (p.is_host()) return "host " + ref_ipv4(p.addr);
  return ref_ipv4(p.addr) + " " + ref_ipv4(~p.mask);
}

std::vector<std::string> ref_words(std::string_view s) {
  std::istringstream in{std::string(s)};
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

// redact_line as it was (istringstream words, five `find`s for the keywords).
std::string ref_redact(std::string_view line) {
  bool may_hold_secret = false;
  for (std::string_view kw : {"key", "password", "secret", "community", "md5"})
    may_hold_secret = may_hold_secret || line.find(kw) != std::string_view::npos;
  if (!may_hold_secret) return std::string(line);
  size_t indent = 0;
  while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
  std::vector<std::string> w = ref_words(line.substr(indent));
  if (w.empty()) return std::string(line);
  auto is_type = [](const std::string& t) { return t == "0" || t == "5" || t == "6" || t == "7" || t == "8" || t == "9"; };
  auto stop = [](const std::string& t) { return t == "address" || t == "hostname"; };
  bool changed = false;
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& k = w[i];
    bool secret_kw = k == "key" || k == "password" || k == "secret" || k == "key-string" || k == "community" ||
                     k == "pre-shared-key" || k == "md5";
    if (!secret_kw || i + 1 >= w.size()) continue;
    if (k == "pre-shared-key" && (w[i + 1] == "address" || w[i + 1] == "hostname")) continue;
    if (k == "key" && i > 0 && (w[i - 1] == "crypto" || w[i - 1] == "tunnel")) continue;
    if (k == "key" && i + 1 < w.size() && (w[i + 1] == "chain" || w[i + 1] == "config-key")) continue;
    size_t j = i + 1;
    if (is_type(w[j]) && j + 1 < w.size() && !stop(w[j + 1])) ++j;
    if (stop(w[j])) continue;
    if (w[j] != "<redacted>") { w[j] = "<redacted>"; changed = true; }
    i = j;
  }
  if (!changed) return std::string(line);
  std::string out(line.substr(0, indent));
  for (size_t i = 0; i < w.size(); ++i) {
    if (i) out += ' ';
    out += w[i];
  }
  return out;
}

// An address whose octets take the values where digit counts change (0, 9, 10, 99, 100, 255).
uint32_t edgy_addr(Rng& r) {
  static const uint32_t kOctets[] = {0, 1, 9, 10, 11, 99, 100, 101, 199, 200, 249, 250, 255};
  uint32_t a = 0;
  for (int i = 0; i < 4; ++i) a = a << 8 | (r.below(2) ? kOctets[r.below(13)] : r.below(256));
  return a;
}

// A line of config-like words joined by assorted whitespace (all six "C" isspace characters).
std::string config_line(Rng& r) {
  static const char* kWords[] = {"key", "password", "secret", "community", "md5", "key-string", "pre-shared-key",
                                 "crypto", "isakmp", "address", "hostname", "tunnel", "chain", "config-key",
                                 "0", "5", "6", "7", "8", "9", "<redacted>", "1.2.3.4", "username", "bob",
                                 "snmp-server", "RO", "keyring", "mykey", "secretly", "md5sum", "x", "é",
                                 "a\x01b", "\x1f"};  // control characters that are not white space
  static const char* kSpace[] = {" ", "  ", "\t", "\v", "\f", "\r", "\n", " \t "};
  std::string s;
  if (r.below(3) == 0) s += r.below(2) ? " " : "\t";
  int n = static_cast<int>(r.below(9));
  for (int i = 0; i < n; ++i) {
    if (i) s += r.below(4) ? " " : kSpace[r.below(8)];
    s += kWords[r.below(34)];
  }
  if (r.below(5) == 0) s += kSpace[r.below(8)];
  return s;
}

}  // namespace

TEST_CASE("fast format: format_ipv4 and append_ipv4 print what fmt printed") {
  for (uint32_t v = 0; v < 256; ++v)
    for (int shift = 0; shift < 32; shift += 8) {
      uint32_t a = v << shift | (0x01020304u & ~(255u << shift));
      REQUIRE(format_ipv4(a) == ref_ipv4(a));
    }
  Rng r{7};
  std::string buf = "prefix ";
  for (int i = 0; i < 200000; ++i) {
    uint32_t a = i % 2 ? r.next() : edgy_addr(r);
    REQUIRE(format_ipv4(a) == ref_ipv4(a));
    buf.resize(7);
    append_ipv4(buf, a);
    REQUIRE(buf == "prefix " + ref_ipv4(a));
  }
  CHECK(format_ipv4(0) == "0.0.0.0");
  CHECK(format_ipv4(0xFFFFFFFFu) == "255.255.255.255");
}

TEST_CASE("fast format: Proxy::str, ios and acl_operand print what the fmt versions printed") {
  Rng r{11};
  for (int i = 0; i < 100000; ++i) {
    Proxy p;
    p.addr = i % 2 ? r.next() : edgy_addr(r);
    switch (r.below(4)) {
      case 0: p.mask = prefix_mask(static_cast<int>(r.below(33))); break;  // contiguous, incl. 0 and /32
      case 1: p.mask = r.next(); break;                                     // mostly non-contiguous
      case 2: p.mask = 0xFFFFFFFFu; break;
      default: p.mask = 0; break;
    }
    static const uint16_t kProto[] = {0, 1, 6, 17, 50, 255, 256, 65535};
    p.proto = kProto[r.below(8)];
    p.proto_raw = r.below(3) == 0 ? 256 : (r.below(2) ? p.proto : static_cast<uint16_t>(r.below(65536)));
    p.port = r.below(3) == 0 ? 0 : static_cast<uint16_t>(r.below(65536));
    REQUIRE(p.str() == ref_str(p));
    REQUIRE(p.ios() == ref_ios(p));
    REQUIRE(p.acl_operand() == ref_acl_operand(p));
  }
}

TEST_CASE("fast format: split_words finds the words istream >> string finds") {
  Rng r{13};
  std::vector<std::string_view> w;
  for (int i = 0; i < 50000; ++i) {
    std::string line = config_line(r);
    split_words(line, w);
    std::vector<std::string> ref = ref_words(line);
    REQUIRE(w.size() == ref.size());
    for (size_t k = 0; k < w.size(); ++k) REQUIRE(w[k] == ref[k]);
  }
  split_words("", w);
  CHECK(w.empty());
  split_words(" \t\v\f\r\n", w);
  CHECK(w.empty());
}

TEST_CASE("fast format: redact_line redacts as the istringstream version did") {
  Rng r{17};
  int redacted = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string line = config_line(r);
    std::string got = redact_line(line);
    REQUIRE(got == ref_redact(line));
    redacted += got != line;
  }
  CHECK(redacted > 1000);  // the generator reaches the redacting branch, not only the fast path
}

TEST_CASE("fast format: a line line_may_hold_secret clears is its own redaction") {
  // parse_config copies a command's text into its references without redact_line when
  // line_may_hold_secret says no: that must never skip a redaction.
  Rng r{23};
  int cleared = 0, redacted_flagged = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string line = config_line(r);
    std::string red = redact_line(line);
    if (!line_may_hold_secret(line)) {
      REQUIRE(red == line);
      ++cleared;
    } else {
      redacted_flagged += red != line;
    }
  }
  for (const char* l : {"crypto isakmp key cisco123 address 1.2.3.4", " pre-shared-key address 1.2.3.4 key s3cr3t",
                        "username bob password 0 x", "snmp-server community public RO", " key-string abc"})
    CHECK(line_may_hold_secret(l));
  for (const char* l : {"crypto isakmp policy 10", " set peer 1.2.3.4", "interface GigabitEthernet0/0"})
    CHECK_FALSE(line_may_hold_secret(l));
  CHECK(cleared > 1000);
  CHECK(redacted_flagged > 1000);
}

TEST_CASE("fast format: parse_transform splits words as the istringstream version did") {
  // The per-word decisions did not change, only the split: parsing a text and parsing the words
  // the old split found in it, joined by single spaces, must give the same transform.
  auto old_words = [](std::string_view text) {
    std::string buf(text);
    for (char& c : buf)
      if (c == '{' || c == '}' || c == ',') c = ' ';
    std::string joined;
    for (const auto& w : ref_words(buf)) joined += (joined.empty() ? "" : " ") + w;
    return joined;
  };
  auto same = [](const std::optional<Transform>& a, const std::optional<Transform>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return a->esp_enc == b->esp_enc && a->key_bits == b->key_bits && a->esp_auth == b->esp_auth && a->ah == b->ah &&
           a->comp == b->comp && a->transport == b->transport;
  };
  static const char* kWords[] = {"esp-aes", "esp-3des", "esp-des", "esp-gcm", "esp-null", "128", "192", "256",
                                 "esp-sha-hmac", "esp-md5-hmac", "esp-sha256-hmac", "ah-sha-hmac", "comp-lzs",
                                 "(Tunnel)", "(Transport)", "(Tunnel-UDP)", "esp-bogus", "512", "x"};
  static const char* kSep[] = {" ", "  ", "\t", "{", "}", ",", ", ", "\v", "\r\n", " { "};
  Rng r{19};
  int parsed = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    if (r.below(3) == 0) text += kSep[r.below(10)];
    int n = 1 + static_cast<int>(r.below(4));
    for (int k = 0; k < n; ++k) {
      if (k) text += kSep[r.below(10)];
      text += kWords[r.below(r.below(2) ? 8 : 19)];
    }
    if (r.below(3) == 0) text += kSep[r.below(10)];
    auto got = parse_transform(text);
    REQUIRE(same(got, parse_transform(old_words(text))));
    parsed += got.has_value();
  }
  CHECK(parsed > 5000);
  auto t = parse_transform("{esp-aes 256 esp-sha-hmac ,}");
  REQUIRE(t);
  CHECK(t->str() == "esp-aes 256 esp-sha-hmac");
  CHECK(t->key_bits == 256);
}
