#include "model/scenario_gen.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

namespace ipsecdoc::model {
namespace {

// splitmix64: tiny, portable, good enough for test data.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
  bool chance(uint32_t pct) { return below(100) < pct; }
  template <class T> const T& pick(const std::vector<T>& v) { return v[below(static_cast<uint32_t>(v.size()))]; }
};

std::string ip(uint32_t a) { return format_ipv4(a); }
uint32_t ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return a << 24 | b << 16 | c << 8 | d; }

struct Policy { std::string enc; std::string hash; int group; int lifetime; };
bool same_suite(const Policy& a, const Policy& b) { return a.enc == b.enc && a.hash == b.hash && a.group == b.group; }

struct Key { bool keyring = false; uint32_t addr = 0, mask = 0xFFFFFFFFu; std::string secret; };

struct Net { uint32_t addr, len; };
std::string operand(const Net& n) {
  if (n.len == 32) return "host " + ip(n.addr);
  return ip(n.addr) + " " + ip(~prefix_mask(static_cast<int>(n.len)));
}

struct AclLine { Net local, remote; int proto = 0; int port = 0; bool port_on_source = false; };

struct Entry {
  uint32_t seq = 10;
  std::string acl;
  std::vector<AclLine> lines;
  uint32_t peer = 0;
  std::vector<std::string> sets;  // transform-set names
  int pfs = 0;
  uint64_t life = 0;
};

struct Side {
  std::string host;
  uint32_t out = 0, gw = 0;
  uint32_t inside = 0;             // inside interface address (/17 region)
  std::optional<uint32_t> loopback;
  std::optional<uint32_t> extra;   // second outside interface without the crypto map
  std::string map;
  std::vector<Policy> policies;
  std::vector<Key> keys;
  std::vector<std::pair<std::string, std::string>> sets;  // name, keywords
  std::vector<Entry> entries;      // the main entry first
  uint32_t ike() const { return loopback ? *loopback : out; }
};

const std::vector<std::string> kTransforms{
    "esp-aes esp-sha-hmac", "esp-aes 256 esp-sha-hmac", "esp-3des esp-sha-hmac", "esp-3des esp-md5-hmac",
    "esp-des esp-md5-hmac", "esp-aes 192 esp-sha256-hmac", "esp-aes esp-sha256-hmac", "esp-aes 256 esp-sha512-hmac"};
const std::vector<std::string> kEnc{"des", "3des", "aes", "aes 192", "aes 256"};
const std::vector<std::string> kHash{"sha", "md5", "sha256"};
const std::vector<int> kGroups{1, 2, 5, 14};
const std::vector<int> kLifetimes{86400, 28800, 3600};

Policy random_policy(Rng& r) { return {r.pick(kEnc), r.pick(kHash), r.pick(kGroups), r.pick(kLifetimes)}; }

std::string render(const Side& s) {
  std::string o;
  auto line = [&](std::string l) { o += l; o += '\n'; };
  line("hostname " + s.host);
  line("!");
  for (size_t i = 0; i < s.policies.size(); ++i) {
    const Policy& p = s.policies[i];
    line(fmt::format("crypto isakmp policy {}", 10 * (i + 1)));
    line(" encr " + p.enc);
    if (p.hash != "sha") line(" hash " + p.hash);
    line(" authentication pre-share");
    line(fmt::format(" group {}", p.group));
    if (p.lifetime != 86400) line(fmt::format(" lifetime {}", p.lifetime));
  }
  bool any_keyring = std::any_of(s.keys.begin(), s.keys.end(), [](auto& k) { return k.keyring; });
  for (auto& k : s.keys)
    if (!k.keyring) line(fmt::format("crypto isakmp key {} address {} {}", k.secret, ip(k.addr), ip(k.mask)));
  if (any_keyring) {
    line("crypto keyring KR");
    for (auto& k : s.keys)
      if (k.keyring) line(fmt::format("  pre-shared-key address {} {} key {}", ip(k.addr), ip(k.mask), k.secret));
  }
  line("!");
  for (auto& [n, w] : s.sets) line(fmt::format("crypto ipsec transform-set {} {}", n, w));
  line("!");
  if (s.loopback) line(fmt::format("crypto map {} local-address Loopback0", s.map));
  for (auto& e : s.entries) {
    line(fmt::format("crypto map {} {} ipsec-isakmp", s.map, e.seq));
    line(" set peer " + ip(e.peer));
    std::string sets;
    for (auto& n : e.sets) sets += " " + n;
    line(" set transform-set" + sets);
    if (e.pfs) line(fmt::format(" set pfs group{}", e.pfs));
    if (e.life) line(fmt::format(" set security-association lifetime seconds {}", e.life));
    line(" match address " + e.acl);
  }
  line("!");
  if (s.loopback) {
    line("interface Loopback0");
    line(fmt::format(" ip address {} 255.255.255.255", ip(*s.loopback)));
  }
  line("interface GigabitEthernet0/0");
  line(fmt::format(" ip address {} 255.255.255.0", ip(s.out)));
  line(" crypto map " + s.map);
  line("interface GigabitEthernet0/1");
  line(fmt::format(" ip address {} 255.255.128.0", ip(s.inside)));
  if (s.extra) {
    line("interface GigabitEthernet0/2");
    line(fmt::format(" ip address {} 255.255.255.0", ip(*s.extra)));
  }
  line("!");
  line(fmt::format("ip route 0.0.0.0 0.0.0.0 {}", ip(s.gw)));
  line("!");
  for (auto& e : s.entries) {
    line("ip access-list extended " + e.acl);
    for (auto& l : e.lines) {
      if (l.proto == 6 && l.port_on_source)
        line(fmt::format(" permit tcp {} eq {} {}", operand(l.local), l.port, operand(l.remote)));
      else if (l.proto == 6)
        line(fmt::format(" permit tcp {} {} eq {}", operand(l.local), operand(l.remote), l.port));
      else
        line(fmt::format(" permit ip {} {}", operand(l.local), operand(l.remote)));
    }
  }
  line("!");
  line("end");
  return o;
}

// Mirror of the initiator's ACL lines as the responder writes them.
std::vector<AclLine> mirror(const std::vector<AclLine>& v) {
  std::vector<AclLine> out;
  for (auto& l : v) out.push_back({l.remote, l.local, l.proto, l.port, !l.port_on_source});
  return out;
}

DeviceConfig parse_text(const std::string& text, const std::string& name) {
  return parse_config(text_section(text, name, name));
}

// IOS check order (model.h failure_ids_in_check_order, with the side of phase1-no-key).
int rank(const std::string& f, const std::string& side) {
  static const std::map<std::string, int> r{
      {"phase1-no-response", 1}, {"phase1-policy-mismatch", 2}, {"phase1-psk-mismatch", 4},
      {"invalid-local-address", 5}, {"peer-not-found", 6}, {"crypto-map-overlap", 7},
      {"proxy-id-mismatch", 8}, {"transform-mismatch", 9}, {"pfs-mismatch", 10}};
  if (f == "phase1-no-key") return side == "initiator" ? 0 : 3;
  auto it = r.find(f);
  return it == r.end() ? 99 : it->second;
}

}  // namespace

const std::vector<std::string>& scenario_fault_ids() {
  static const std::vector<std::string> ids{
      "transform-mismatch", "proxy-id-mismatch", "invalid-local-address", "peer-not-found", "crypto-map-overlap",
      "pfs-mismatch", "phase1-policy-mismatch", "phase1-psk-mismatch", "phase1-no-key", "phase1-no-response"};
  return ids;
}

std::string Scenario::describe() const {
  std::string f;
  for (auto& x : faults) f += (f.empty() ? "" : ",") + x;
  return fmt::format("seed {} faults [{}] expected \"{}\" trigger {} -> {} proto {} port {} from {}\n--- {} ---\n{}--- {} ---\n{}",
                     seed, f, expected, ip(trigger.src), ip(trigger.dst), trigger.proto, trigger.port, initiator,
                     initiator, initiator_text, responder, responder_text);
}

Scenario generate_scenario(uint64_t seed, const std::vector<std::string>& faults) {
  Rng r{seed * 0x2545F4914F6CDD1DULL + 17};
  Scenario sc;
  sc.seed = seed;
  sc.faults = faults;
  Side a, b;
  a.host = fmt::format("SITE-A-{}", seed % 1000);
  b.host = fmt::format("SITE-B-{}", seed % 1000);
  // Outside addresses in different /24s; inside regions 192.168.0.0/17 (A) and 192.168.128.0/17 (B).
  uint32_t a2 = 1 + r.below(120), b2 = 130 + r.below(120);
  a.out = ipv4(10, a2, r.below(256), 1);
  a.gw = (a.out & 0xFFFFFF00u) | 254;
  b.out = ipv4(10, b2, r.below(256), 1);
  b.gw = (b.out & 0xFFFFFF00u) | 254;
  a.inside = ipv4(192, 168, 127, 254);
  b.inside = ipv4(192, 168, 255, 254);
  if (r.chance(25)) a.loopback = ipv4(172, 16, r.below(256), 1);
  if (r.chance(25)) b.loopback = ipv4(172, 17, r.below(256), 1);
  const std::vector<std::string> maps{"CMAP", "VPN", "OUTSIDE_MAP", "mymap"};
  a.map = r.pick(maps);
  b.map = r.pick(maps);
  // Crypto ACL: 1-3 mirrored lines over disjoint blocks (block k = third octet 32k..32k+15).
  const std::vector<uint32_t> lens{20, 24, 26, 32};
  auto net_in = [&](uint32_t base3, uint32_t k) {
    uint32_t len = r.pick(lens);
    uint32_t addr = ipv4(192, 168, base3 + 32 * k + r.below(16), r.below(256)) & prefix_mask(static_cast<int>(len));
    return Net{addr, len};
  };
  Entry ea;
  ea.seq = 10 * (1 + r.below(10));
  ea.acl = "VPN-TRAFFIC";
  uint32_t nlines = 1 + r.below(3);
  for (uint32_t k = 0; k < nlines; ++k) {
    AclLine l{net_in(0, k), net_in(128, k)};
    if (k == 0 && r.chance(20)) { l.proto = 6; l.port = r.chance(50) ? 80 : 443; }
    ea.lines.push_back(l);
  }
  Entry eb;
  eb.seq = 10 * (1 + r.below(10));
  eb.acl = "TO-SITE-A";
  eb.lines = mirror(ea.lines);
  // Trigger: a host of line 1 on each side.
  auto host_in = [&](const Net& n) {
    uint32_t span = n.len >= 32 ? 1u : (1u << (32 - n.len));
    return n.addr + (span > 2 ? 1 + r.below(span - 2) : 0);
  };
  sc.trigger.src = host_in(ea.lines[0].local);
  sc.trigger.dst = host_in(ea.lines[0].remote);
  if (ea.lines[0].proto == 6) { sc.trigger.proto = 6; sc.trigger.port = static_cast<uint16_t>(ea.lines[0].port); }
  // Transform sets: A offers 1-3, B has 1-3 with at least one in common.
  std::vector<std::string> pool = kTransforms;
  for (size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[r.below(static_cast<uint32_t>(i))]);
  uint32_t na = 1 + r.below(3), nb = 1 + r.below(3);
  for (uint32_t i = 0; i < na; ++i) { a.sets.push_back({fmt::format("TS-A{}", i + 1), pool[i]}); ea.sets.push_back(a.sets.back().first); }
  std::vector<std::string> bw{pool[r.below(na)]};
  for (uint32_t i = 1; i < nb; ++i) bw.push_back(pool[na + i]);
  for (size_t i = bw.size(); i > 1; --i) std::swap(bw[i - 1], bw[r.below(static_cast<uint32_t>(i))]);
  for (size_t i = 0; i < bw.size(); ++i) { b.sets.push_back({fmt::format("TS-B{}", i + 1), bw[i]}); eb.sets.push_back(b.sets.back().first); }
  // IKE policies: 1-3 each, at least one suite in common.
  uint32_t pa = 1 + r.below(3), pb = 1 + r.below(3);
  for (uint32_t i = 0; i < pa; ++i) a.policies.push_back(random_policy(r));
  for (uint32_t i = 0; i < pb; ++i) b.policies.push_back(random_policy(r));
  Policy common = a.policies[r.below(pa)];
  common.lifetime = r.pick(kLifetimes);
  b.policies[r.below(pb)] = common;
  // PFS (same group both sides) and lifetimes.
  if (r.chance(40)) ea.pfs = eb.pfs = r.pick(kGroups);
  if (r.chance(30)) ea.life = 1800 + 600 * r.below(10);
  if (r.chance(30)) eb.life = 1800 + 600 * r.below(10);
  // Keys (exact peer address, wildcard, or in a keyring).
  std::string secret = fmt::format("k{}ey{}", r.below(100000), r.below(1000));
  auto make_key = [&](uint32_t peer) {
    Key k;
    k.keyring = r.chance(30);
    if (r.chance(20)) { k.addr = 0; k.mask = 0; } else k.addr = peer;
    k.secret = secret;
    return k;
  };
  a.keys.push_back(make_key(b.ike()));
  b.keys.push_back(make_key(a.ike()));
  ea.peer = b.ike();
  eb.peer = a.ike();
  a.entries.push_back(ea);
  b.entries.push_back(eb);
  sc.no_key_side = r.chance(50) ? "initiator" : "responder";

  // Faults, applied from the last in IOS check order to the first so the earliest one dominates.
  std::vector<std::string> order = faults;
  std::sort(order.begin(), order.end(), [&](auto& x, auto& y) { return rank(x, sc.no_key_side) > rank(y, sc.no_key_side); });
  auto crypto_of = [](const std::string& w) { return *parse_transform(w); };
  for (const std::string& f : order) {
    Entry& A = a.entries[0];
    Entry& B = b.entries.back();  // the main entry (an overlap entry is inserted in front)
    if (f == "pfs-mismatch") {
      if (r.chance(50)) { A.pfs = 0; B.pfs = r.pick(kGroups); }
      else { A.pfs = 2; B.pfs = 14; if (r.chance(50)) std::swap(A.pfs, B.pfs); }
    } else if (f == "transform-mismatch") {
      std::vector<std::string> other;
      for (auto& t : kTransforms) {
        bool clash = false;
        for (auto& [n, w] : a.sets) clash = clash || crypto_of(w).str() == crypto_of(t).str();
        if (!clash) other.push_back(t);
      }
      b.sets.clear();
      B.sets.clear();
      uint32_t k = 1 + r.below(std::min<uint32_t>(2, static_cast<uint32_t>(other.size())));
      for (uint32_t i = 0; i < k; ++i) { b.sets.push_back({fmt::format("TS-B{}", i + 1), other[i]}); B.sets.push_back(b.sets.back().first); }
    } else if (f == "proxy-id-mismatch") {
      // The responder's line protects another block of site A (block 3 is never used by A's ACL).
      B.lines[0].remote = Net{ipv4(192, 168, 96 + r.below(16), 0), 24};
    } else if (f == "crypto-map-overlap") {
      Entry o;
      o.seq = B.seq - 5;
      o.acl = "WIDE";
      o.lines.push_back({Net{ipv4(192, 168, 128, 0), 17}, Net{ipv4(192, 168, 0, 0), 17}});
      o.peer = ipv4(10, 251, r.below(256), 1);
      o.sets = B.sets;
      b.entries.insert(b.entries.begin(), o);
    } else if (f == "peer-not-found") {
      B.peer = a.ike() + 1 + r.below(50);
    } else if (f == "invalid-local-address") {
      b.extra = ipv4(10, 252, r.below(256), 2);
      A.peer = *b.extra;
      for (auto& k : a.keys) if (k.mask) k.addr = *b.extra;
    } else if (f == "phase1-psk-mismatch") {
      for (auto& k : b.keys) k.secret += "x";
    } else if (f == "phase1-no-key") {
      (sc.no_key_side == "initiator" ? a : b).keys.clear();
    } else if (f == "phase1-policy-mismatch") {
      std::vector<Policy> np;
      while (np.size() < 1 + r.below(3)) {
        Policy p = random_policy(r);
        bool clash = std::any_of(a.policies.begin(), a.policies.end(), [&](auto& q) { return same_suite(p, q); });
        if (!clash) np.push_back(p);
      }
      b.policies = np;
    } else if (f == "phase1-no-response") {
      A.peer = (b.out & 0xFFFFFF00u) | (100 + r.below(100));
      for (auto& k : a.keys) if (k.mask) k.addr = A.peer;
    } else {
      continue;
    }
    if (sc.expected.empty() || rank(f, sc.no_key_side) < rank(sc.expected, sc.no_key_side)) sc.expected = f;
  }
  sc.initiator = a.host;
  sc.responder = b.host;
  sc.initiator_text = render(a);
  sc.responder_text = render(b);
  sc.initiator_cfg = parse_text(sc.initiator_text, a.host);
  sc.responder_cfg = parse_text(sc.responder_text, b.host);
  return sc;
}

}  // namespace ipsecdoc::model
