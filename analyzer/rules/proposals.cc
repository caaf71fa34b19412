#include "rules/proposals.h"

#include <charconv>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace ipsecdoc {
namespace {

// The whole of `s` as a decimal number; 0 when it is not one.
int to_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// "0x0 0x1 0x51 0x80" -> 86400.
int vpi_value(std::string_view s) {
  std::istringstream in{std::string(s)};
  uint64_t v = 0;
  for (std::string b; in >> b;) v = v << 8 | std::strtoull(b.c_str(), nullptr, 16);
  return v > 0 && v < (1ull << 31) ? static_cast<int>(v) : 0;
}


// ESP_AES -> esp-aes, HMAC-SHA -> esp-sha-hmac (the debug names of reference §3.4), from
// tables of the names built once: esp_id_name builds a string for every id it is asked for,
// with fmt for those it does not know, and looking a name up that way cost ~7 M
// instructions on a 100 MB capture. (The first id of a name wins, as before.)
using NameTable = std::vector<std::pair<std::string, std::string>>;  // name, keyword
std::string keyword_of(const NameTable& table, std::string_view name) {
  for (const auto& [n, kw] : table)
    if (n == name) return kw;
  return "";
}
// The table of `count` ids' debug names and keywords.
template <class Name, class Keyword>
NameTable name_table(int count, Name name, Keyword keyword) {
  NameTable t;
  for (int id = 0; id < count; ++id) t.emplace_back(name(id), keyword(id));
  return t;
}
std::string esp_keyword_of_name(std::string_view name) {
  static const NameTable table =
      name_table(64, [](int id) { return esp_id_name(id); }, [](int id) { return esp_id_keyword(id); });
  return keyword_of(table, name);
}
std::string auth_keyword_of_name(std::string_view name) {
  static const NameTable table =
      name_table(16, [](int attr) { return auth_attr_name(attr); }, [](int attr) { return auth_attr_keyword(attr); });
  return keyword_of(table, name);
}

}  // namespace

std::vector<LoggedProposal> logged_proposals(const Negotiation& n) {
  std::vector<LoggedProposal> out;
  Transform t;
  bool parsed = true;
  auto close = [&]() {
    if (out.empty()) return;
    // A key length belongs to AES/GCM only: on another cipher it is a line of a concurrent
    // proposal printed in between (IOS-XE attribute lines carry no connection id).
    if (t.esp_enc != "esp-aes" && t.esp_enc != "esp-gcm" && t.esp_enc != "esp-gmac") t.key_bits = 0;
    if (!out.back().transform && parsed && !t.esp_enc.empty()) out.back().transform = t;
  };
  for (const auto& s : n.steps) {
    const Event& e = s.event;
    switch (e.kind) {
      case EventKind::P2ProposalCheck:
        close();
        out.emplace_back();
        t = Transform{};
        parsed = true;
        break;
      case EventKind::P2Attribute:
        if (out.empty()) break;
        if (auto id = e.get("esp_id"); !id.empty()) {
          t.esp_enc = esp_keyword_of_name(id);
          parsed = parsed && !t.esp_enc.empty();
        }
        if (auto a = e.get("auth"); !a.empty()) {
          t.esp_auth = auth_keyword_of_name(a);
          parsed = parsed && !t.esp_auth.empty();
        }
        if (auto k = e.get("key_length"); !k.empty()) t.key_bits = to_int(k) == 128 ? 0 : to_int(k);
        if (auto m = e.get("encaps"); !m.empty()) t.transport = m == "2" || m == "4";
        break;
      case EventKind::TransformNotSupported:
        if (out.empty()) break;
        out.back().transform_rejected = out.back().rejected = true;
        // The attribute lines come first and carry the key length, which 12.x's numeric form
        // `(port 3, trans 12, hmac_alg 5)` does not: that form only fills a gap. The keyword
        // form `{esp-aes 256 esp-sha-hmac }` names the refused transform whole: it wins.
        if (!e.has("trans") || !(parsed && !t.esp_enc.empty()))
          if (auto x = parse_transform(e.get("transform"))) out.back().transform = *x;
        break;
      case EventKind::PolicyInvalidated:
      case EventKind::AttsNotAcceptable:
        if (out.empty()) break;
        out.back().rejected = true;
        if (e.get("error") == "256") out.back().transform_rejected = true;
        break;
      default:
        break;
    }
  }
  close();
  return out;
}


P1Capture logged_phase1(const Negotiation& n) {
  P1Capture c;
  int cur = 0;
  for (const auto& s : n.steps) {
    const Event& e = s.event;
    if (e.kind == EventKind::P1PolicyCheck) {
      cur = to_int(e.get("transform_no"));
      int prio = to_int(e.get("priority"));
      c.checks.push_back({cur, prio, "", false});
      if (std::find(c.priorities.begin(), c.priorities.end(), prio) == c.priorities.end()) c.priorities.push_back(prio);
      c.offered[cur];  // (attributes the log does not print keep IkePolicy's defaults)
      continue;
    }
    // One verdict per check, the first: a later one is a stray line of another exchange.
    if (e.kind == EventKind::P1AttrMismatch && !c.checks.empty()) {
      if (c.checks.back().attr.empty() && !c.checks.back().accepted) c.checks.back().attr = std::string(e.get("attr"));
      continue;
    }
    if (e.kind == EventKind::AttsAcceptable && !c.checks.empty()) {
      if (c.checks.back().attr.empty()) c.checks.back().accepted = true;
      continue;
    }
    if (e.kind != EventKind::P1Attribute || !cur) continue;
    IkePolicy& p = c.offered[cur];
    auto& sh = c.shown[cur];
    auto first = [&](const char* k) { return !e.get(k).empty() && sh.insert(k).second; };
    if (first("encryption")) {
      std::string_view v = e.get("encryption");
      if (std::string k = ike_encryption_of_debug_name(v); !k.empty()) p.encryption = k;
      else c.unreadable = fmt::format("encryption {}", v);
      if (p.encryption != "aes") p.key_bits = 0;
      else if (!sh.count("keylength")) p.key_bits = 0;  // AES without `keylength of` is AES-128
    }
    if (first("keylength")) p.key_bits = to_int(e.get("keylength")) == 128 ? 0 : to_int(e.get("keylength"));
    if (first("hash")) {
      if (std::string k = ike_hash_of_debug_name(e.get("hash")); !k.empty()) p.hash = k;
      else c.unreadable = fmt::format("hash {}", e.get("hash"));
    }
    if (first("group")) p.group = to_int(e.get("group"));
    if (first("auth")) {
      if (std::string k = ike_auth_of_debug_name(e.get("auth")); !k.empty()) p.auth = k;
      else c.unreadable = fmt::format("authentication {}", e.get("auth"));
    }
    if (first("life_vpi")) p.lifetime = vpi_value(e.get("life_vpi")) ? vpi_value(e.get("life_vpi")) : p.lifetime;
    if (first("life_basic") && to_int(e.get("life_basic"))) p.lifetime = to_int(e.get("life_basic"));
  }
  return c;
}

}  // namespace ipsecdoc
