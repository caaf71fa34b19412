#include "app/reconstruct.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/config.h"
#include "config/patch.h"
#include "config/words.h"
#include "core/ip.h"
#include "core/transform.h"
#include "model/render.h"
#include "rules/proposals.h"
#include "tokenize/tokenizer.h"

namespace ipsecdoc {
namespace {

using model::Dialect;

bool is_one_of(const std::string& s, std::initializer_list<const char*> v) {
  return std::any_of(v.begin(), v.end(), [&](const char* x) { return s == x; });
}

// Rules decided by the responder's Quick Mode checks (reference §2.2): the ones whose
// captured events pin down what the responder's config must look like.
bool responder_qm_rule(const std::string& id) {
  return is_one_of(id, {"transform-mismatch", "proxy-id-mismatch", "invalid-local-address", "peer-not-found",
                        "crypto-map-overlap", "pfs-mismatch"});
}

std::string why_not_reconstructed(const std::string& rule, const std::string& role) {
  if (rule == "phase2-no-response")
    return "the peer completes Main Mode and then never answers Quick Mode: the model's responder always answers, so "
           "the silence cannot be reproduced; give both configs or the responder's log";
  if (rule == "peer-rejected-proposal")
    return "a PROPOSAL_NOT_CHOSEN received by the responder is not modelled (only an initiator receives one)";
  if (rule == "phase1-no-response")
    return "a responder's log cannot show that its peer never answered (only the initiator waits for an answer)";
  if (rule == "phase1-policy-mismatch")
    return "the initiator's side of a policy mismatch shows no policy check (the model's initiator only "
           "retransmits); give the responder's log or both configs";
  if (role == "initiator")
    return "the log is the initiator's side of the negotiation: the responder's decision is not in it";
  return fmt::format("no reconstruction for {} findings: only the responder's Quick Mode checks (transform, proxies, "
                     "local address, peer, overlap, PFS), the Phase-1 failures (policy, key mismatch, no key, no "
                     "response) and the initiator's side of a Quick Mode rejection are reconstructed from a log; give "
                     "both configs",
                     rule);
}

std::string ip(uint32_t a) { return format_ipv4(a); }


std::string tag(uint32_t a) {
  std::string t = ip(a);
  std::replace(t.begin(), t.end(), '.', '-');
  return t;
}

// One ACE "permit <proto> SRC [eq p] DST [eq p]" for a proxy pair (src = the router's own side).
std::string ace(const Proxy& src, const Proxy& dst) { return " permit " + acl_entry(src, dst); }

// The next block of the same size (a network the proposal does not fall in).
Proxy neighbour(const Proxy& p) {
  Proxy q = p;
  uint32_t span = ~p.mask + 1u;
  q.addr = (p.addr & p.mask) + (span ? span : 1u);
  if (q.addr == 0) q.addr = (p.addr & p.mask) - span;
  return q;
}

// Widened by 8 bits (at least to /24): the "broader" ACL of an overlapping entry.
Proxy widened(const Proxy& p) {
  int len = mask_prefix_len(p.mask);
  int wl = len < 0 ? 16 : std::max(0, std::min(24, len - 8));
  Proxy q = p;
  q.mask = prefix_mask(wl);
  q.addr = p.addr & q.mask;
  q.proto = q.port = 0;
  return q;
}

// An address for the router's inside interface within the proxy's block (the last usable
// one; for a host proxy, the /24 around it).
std::optional<std::pair<uint32_t, uint32_t>> inside_address(const Proxy& p) {
  int len = mask_prefix_len(p.mask);
  if (len < 8) return std::nullopt;
  uint32_t mask = len >= 31 ? prefix_mask(24) : p.mask;
  uint32_t net = p.addr & mask;
  uint32_t a = net + (~mask - 1u);
  if (p.is_host() && a == p.addr) --a;
  return std::make_pair(a, mask);
}

uint32_t gateway_for(uint32_t a, const std::vector<uint32_t>& avoid) {
  uint32_t net = a & 0xFFFFFF00u;
  for (uint32_t h = 254; h > 0; --h)
    if (std::find(avoid.begin(), avoid.end(), net | h) == avoid.end()) return net | h;
  return net | 254;
}

struct Itf {
  std::string name;
  uint32_t addr = 0, mask = 0;
  bool map = false;
  std::string description;
};

// The ISAKMP policy both routers get when the capture shows none (a strong, common suite).
IkePolicy assumed_policy(int priority = 10) {
  IkePolicy p;
  p.priority = priority;
  p.encryption = "aes";
  p.key_bits = 256;
  p.hash = "sha256";
  p.auth = "pre-share";
  p.group = 14;
  return p;
}


struct Router {
  std::string host, map = "VPN";
  std::vector<Itf> itfs;
  uint32_t gateway = 0;
  std::vector<IkePolicy> policies{assumed_policy()};
  std::vector<std::pair<uint32_t, std::string>> keys;  // peer address, secret (assumed: never in a log)
  std::vector<std::pair<std::string, std::string>> sets;  // name, keywords
  struct Entry {
    ReconEntry e;
    std::vector<std::string> aces;
    int pfs = 0;
  };
  std::vector<Entry> entries;

  // The config as a section of numbered lines, what text_section(text) makes of the text,
  // written line by line into one reused buffer (a replay renders two configs).
  TextSection render() const {
    TextSection t;
    t.path = "(reconstructed " + host + ")";
    t.device = host;
    t.lines.reserve(32 + 6 * policies.size() + keys.size() + sets.size() + 7 * entries.size() + 5 * itfs.size());
    std::string o;
    auto done = [&] {
      // A value holding a newline (never seen, but text_section would split it) still makes two lines.
      std::string_view v = o;
      for (size_t nl; (nl = v.find('\n')) != std::string_view::npos; v.remove_prefix(nl + 1))
        t.lines.push_back({static_cast<uint32_t>(t.lines.size() + 1), std::string(v.substr(0, nl))});
      t.lines.push_back({static_cast<uint32_t>(t.lines.size() + 1), std::string(v)});
      o.clear();
    };
    auto line = [&](std::string_view a, std::string_view b = {}) {
      o += a;
      o += b;
      done();
    };
    auto addr = [&](uint32_t a) { append_ipv4(o, a); };
    auto num = [&](long long v) {
      char b[24];
      o.append(b, static_cast<size_t>(std::to_chars(b, b + sizeof b, v).ptr - b));
    };
    line("hostname ", host);
    line("!");
    for (const auto& p : policies) {
      o += "crypto isakmp policy ";
      num(p.priority);
      done();
      line(" encr ", ike_encryption_words(p));
      line(" hash ", p.hash);
      line(" authentication ", p.auth);
      o += " group ";
      num(p.group);
      done();
      if (p.lifetime != 86400) {
        o += " lifetime ";
        num(p.lifetime);
        done();
      }
    }
    for (const auto& [a, secret] : keys) {
      o += "crypto isakmp key ";
      o += secret;
      o += " address ";
      addr(a);
      done();
    }
    line("!");
    for (auto& [n, w] : sets) {
      o += "crypto ipsec transform-set ";
      o += n;
      o += ' ';
      line(w);
    }
    line("!");
    for (auto& en : entries) {
      o += "crypto map ";
      o += map;
      o += ' ';
      num(en.e.seq);
      o += " ipsec-isakmp";
      done();
      for (uint32_t p : en.e.peers) {
        o += " set peer ";
        addr(p);
        done();
      }
      o += " set transform-set";
      for (auto& n : en.e.sets) {
        o += ' ';
        o += n;
      }
      done();
      if (en.pfs) {
        o += " set pfs group";
        num(en.pfs);
        done();
      }
      line(" match address ", en.e.acl);
    }
    line("!");
    for (auto& i : itfs) {
      line("interface ", i.name);
      if (!i.description.empty()) line(" description ", i.description);
      o += " ip address ";
      addr(i.addr);
      o += ' ';
      addr(i.mask);
      done();
      if (i.map) line(" crypto map ", map);
      line("!");
    }
    if (gateway) {
      o += "ip route 0.0.0.0 0.0.0.0 ";
      addr(gateway);
      done();
    }
    line("!");
    for (auto& en : entries) {
      line("ip access-list extended ", en.e.acl);
      for (auto& a : en.aces) line(a);
    }
    line("!");
    line("end");
    return t;
  }

  // The router as the reconstruction keeps it: the last use of this one (its parts are moved).
  ReconRouter out() && {
    ReconRouter r;
    r.config = render();
    r.entries.reserve(entries.size());
    for (auto& en : entries) r.entries.push_back(std::move(en.e));
    for (auto& i : itfs) r.interfaces.emplace_back(i.name, i.addr);
    r.hostname = std::move(host);
    r.map = std::move(map);
    r.policies = std::move(policies);
    r.keys = std::move(keys);
    return r;
  }
};

// The release the capture came from (reference §5.2): the ISAKMP header spelling decides;
// without one, the release-specific records and proxy notation.
Dialect detect_dialect(const Negotiation& n, std::string& why) {
  bool xe = false, v15 = false, v12 = false;
  for (const auto& s : n.steps) {
    // Each "ISAKMP" of the text and what follows it, in one pass (a search per spelling read
    // every line four times).
    std::string_view t = s.event.text;
    bool x = false, a15 = false, a12 = false;
    for (size_t p = t.find("ISAKMP"); p != std::string_view::npos; p = t.find("ISAKMP", p + 1)) {
      std::string_view rest = t.substr(p + 6);
      if (rest.starts_with(": (") || rest.starts_with("-ERROR: (") || rest.starts_with("-PAK: (")) x = true;
      else if (rest.starts_with(":(")) a15 = true;
      else if (rest.starts_with(" (")) a12 = true;
    }
    if (x) xe = true;
    else if (a15) v15 = true;
    else if (a12) v12 = true;
  }
  if (xe) { why = "ISAKMP headers printed as \"ISAKMP: (N)\" (IOS-XE)"; return Dialect::IosXe; }
  if (v15) { why = "ISAKMP headers printed as \"ISAKMP:(N)\" (15.x)"; return Dialect::Ios15; }
  if (v12) { why = "ISAKMP headers printed as \"ISAKMP (0:N)\" (12.x)"; return Dialect::Ios12; }
  for (const auto& s : n.steps) {
    auto k = s.event.kind;
    if (k == EventKind::AttsNotAcceptable || k == EventKind::SaNotAcceptable || k == EventKind::P1NoOffers) {
      why = "12.x-only records (atts not acceptable / SA not acceptable / no offers accepted)";
      return Dialect::Ios12;
    }
    if (k == EventKind::P2PolicyNotAcceptable || k == EventKind::P1PolicyNotAcceptable || !s.event.get("error").empty()) {
      why = "15.x/XE records (phase 1/2 SA policy not acceptable / policy invalidated with error N)";
      return Dialect::Ios15;
    }
    if (s.event.get("local_proxy").find("/256/") != std::string_view::npos) {
      why = "proxies printed with protocol 256 (IOS-XE)";
      return Dialect::IosXe;
    }
  }
  why = "no release-specific record in the capture: assumed 12.x (proxies printed with (type=N))";
  return Dialect::Ios12;
}

// The whole of `s` as a decimal number; 0 when it is not one.
int to_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// ---- Phase 1: what a responder's Main Mode log shows of both policy lists -----------------
// (rules/proposals.h logged_phase1; a transform's attributes the log did not print are the
// assumed policy's.)
P1Capture read_phase1(const Negotiation& n) {
  P1Capture c = logged_phase1(n);
  for (auto& [t, p] : c.offered) {
    IkePolicy a = assumed_policy(10 * t);
    const auto& sh = c.shown[t];
    if (!sh.count("encryption")) p.encryption = a.encryption;
    if (!sh.count("encryption") && !sh.count("keylength")) p.key_bits = a.key_bits;
    if (!sh.count("hash")) p.hash = a.hash;
    if (!sh.count("auth")) p.auth = a.auth;
    if (!sh.count("group")) p.group = a.group;
    if (!sh.count("life_vpi") && !sh.count("life_basic")) p.lifetime = a.lifetime;
    p.priority = a.priority;
  }
  return c;
}

// The attributes IOS compares, in its order (model.cc p1_mismatch): encryption, AES key
// length, hash, authentication, DH group. -1 = not one of them (a lifetime line: never a failure).
int attr_index(std::string_view a) {
  if (a == "Encryption algorithm") return 0;
  if (a == "Proposed key length") return 1;
  if (a == "Hash algorithm") return 2;
  if (a == "Preshared authentication" || a == "Authentication method") return 3;
  if (a == "Diffie-Hellman group") return 4;
  return -1;
}

std::string field_of(const IkePolicy& p, int i) {
  switch (i) {
    case 0: return p.encryption;
    case 1: return p.encryption == "aes" ? std::to_string(p.key_bits ? p.key_bits : 128) : "";
    case 2: return p.hash;
    case 3: return p.auth;
    default: return std::to_string(p.group);
  }
}

void set_field(IkePolicy& p, int i, const std::string& v) {
  switch (i) {
    case 0: p.encryption = v; break;
    case 1: p.key_bits = v == "128" || v.empty() ? 0 : to_int(v); break;
    case 2: p.hash = v; break;
    case 3: p.auth = v; break;
    default: p.group = to_int(v); break;
  }
}

// Would the model's responder accept offer `o` with policy `p`? (model.cc p1_mismatch)
bool p1_match(const IkePolicy& o, const IkePolicy& p) {
  for (int i = 0; i < 5; ++i)
    if (field_of(o, i) != field_of(p, i)) return false;
  return true;
}

// One policy of the logging router from what the log shows of its checks: the attributes before
// the one that differed equal the offer's, that one differs, an accepted check equals the offer.
// Returns "" or why no policy can say all of it.
std::string solve_policy(int priority, const std::vector<P1Check>& checks, const std::map<int, IkePolicy>& offered,
                         IkePolicy& out, std::string& said) {
  static const std::vector<std::vector<std::string>> kPrefer{{"aes", "3des", "des"},
                                                             {"256", "128", "192"},
                                                             {"sha256", "sha", "md5", "sha384", "sha512"},
                                                             {"pre-share", "rsa-sig", "rsa-encr"},
                                                             {"14", "5", "2", "1", "15", "16"}};
  std::vector<std::optional<std::string>> eq(5);
  std::vector<std::set<std::string>> ne(5);
  std::string why;
  auto must_eq = [&](int i, const std::string& v) {
    if (eq[static_cast<size_t>(i)] && *eq[static_cast<size_t>(i)] != v && why.empty())
      why = fmt::format("policy {} would need two values for one attribute ({} and {})", priority, *eq[static_cast<size_t>(i)], v);
    eq[static_cast<size_t>(i)] = v;
  };
  std::vector<std::string> parts;
  for (const auto& c : checks) {
    if (c.priority != priority) continue;
    auto it = offered.find(c.transform_no);
    if (it == offered.end()) continue;
    const IkePolicy& o = it->second;
    if (c.accepted) {
      for (int i = 0; i < 5; ++i) must_eq(i, field_of(o, i));
      parts.push_back(fmt::format("accepts transform {}", c.transform_no));
      continue;
    }
    int k = attr_index(c.attr);
    if (k < 0) {
      if (!c.attr.empty() && why.empty())
        why = fmt::format("the capture says `{} does not match policy`, which the model never prints (a lifetime is "
                          "never a failure, reference §4.1.5)", c.attr);
      continue;  // not shown: some attribute differs (checked below)
    }
    for (int i = 0; i < k; ++i)
      if (!(i == 1 && o.encryption != "aes")) must_eq(i, field_of(o, i));
    if (k == 1) must_eq(0, "aes");
    ne[static_cast<size_t>(k)].insert(field_of(o, k));
    parts.push_back(fmt::format("{} differs from transform {}", c.attr, c.transform_no));
  }
  IkePolicy p = assumed_policy(priority);
  for (int i = 0; i < 5; ++i) {
    auto& e = eq[static_cast<size_t>(i)];
    auto& n = ne[static_cast<size_t>(i)];
    static const char* kName[] = {"encryption", "the AES key length", "hash", "authentication", "DH group"};
    if (e && n.count(*e) && why.empty())
      why = fmt::format("policy {} would need its {} to be and not to be {}", priority, kName[i], *e);
    if (e) { set_field(p, i, *e); continue; }
    if (i == 1 && p.encryption != "aes") { p.key_bits = 0; continue; }
    for (const auto& v : kPrefer[static_cast<size_t>(i)])
      if (!n.count(v)) { set_field(p, i, v); break; }
  }
  // A pair the log does not show must not match either (it would have been accepted): the DH
  // group is the last attribute compared, so changing it alters no mismatch line shown.
  bool accepted = std::any_of(checks.begin(), checks.end(), [&](auto& c) { return c.priority == priority && c.accepted; });
  if (!accepted && !eq[4])
    for (const auto& [t, o] : offered)
      if (p1_match(o, p))
        for (const auto& g : kPrefer[4])
          if (std::none_of(offered.begin(), offered.end(), [&](auto& x) { return std::to_string(x.second.group) == g; })) {
            p.group = to_int(g);
            break;
          }
  out = p;
  bool differs = std::any_of(checks.begin(), checks.end(), [&](auto& c) { return c.priority == priority && !c.accepted; });
  said = parts.empty() ? "" : fmt::format(" ({})", fmt::join(parts, "; "));
  if (differs)
    said += fmt::format(": {} (IOS stops at the first attribute that differs: the ones after it are assumed)", p.str());
  else
    said += fmt::format(": {}", p.str());
  return why;
}

// Addresses the capture does not show: documentation ranges, away from everything it does show.
struct AddressPool {
  std::vector<uint32_t> used;
  uint32_t take(std::initializer_list<uint32_t> pool) {
    for (uint32_t a : pool)
      if (std::none_of(used.begin(), used.end(), [&](uint32_t u) { return (u & 0xFFFFFF00u) == (a & 0xFFFFFF00u); })) {
        used.push_back(a);
        return a;
      }
    used.push_back(*parse_ipv4("172.31.255.1"));
    return used.back();
  }
};

// What the capture shows of one exchange, in the responder / initiator frame (whoever logged it).
struct Frame {
  bool logger_responds = true;
  std::optional<uint32_t> resp, init, printed;  // IKE addresses; the address of the decisive event
  std::optional<Proxy> resp_proxy, init_proxy;  // each side's own network
  std::vector<Transform> offered;               // by the initiator, in order
  size_t accepted = 0;                          // the offered transform the responder's set equals
  int pfs = 0;                                  // the initiator's PFS group
  std::string accepted_note;                    // why `accepted` is not 0 (said after the offer)
  bool resp_absent = false;                     // no responder answers (nothing to assume about it)
  std::string logger_host, peer_host;
};

const uint32_t kDoc1 = 0xC0000201u, kDoc2 = 0xC6336402u, kDoc3 = 0xCB007101u;  // 192.0.2.1 198.51.100.2 203.0.113.1

// Both routers of the smallest scenario that fails with `fault` in Quick Mode ("" = none: the
// pair establishes), with everything the frame does not pin down listed in `A`. The responder's
// checks decide Quick Mode; the initiator offers exactly what the frame says.
void build_pair(const std::string& fault, Frame& fr, AddressPool& pool, std::vector<std::string>& A, Router& resp,
                Router& init) {
  const std::string R = fr.logger_responds ? "this router" : "the peer";
  const std::string I = fr.logger_responds ? "the peer" : "this router";
  for (auto a : {fr.resp, fr.init, fr.printed})
    if (a) pool.used.push_back(*a);
  if (!fr.resp) {
    fr.resp = pool.take({kDoc1, kDoc2, kDoc3});
    A.push_back(fmt::format("{}'s IKE address is not in the capture: assumed {}", R, ip(*fr.resp)));
  }
  if (!fr.init) {
    fr.init = pool.take({kDoc2, kDoc3, kDoc1});
    A.push_back(fmt::format("{}'s IKE address is not in the capture: assumed {}", I, ip(*fr.init)));
  }
  if (!fr.resp_proxy || !fr.init_proxy) {
    auto mine = parse_proxy("10.1.1.0/255.255.255.0/0/0"), theirs = parse_proxy("10.2.2.0/255.255.255.0/0/0");
    fr.resp_proxy = fr.logger_responds ? mine : theirs;
    fr.init_proxy = fr.logger_responds ? theirs : mine;
    A.push_back("the proxies are not in the capture: assumed 10.1.1.0/24 (this router's side) and 10.2.2.0/24 (the peer's side)");
  }
  A.push_back(fmt::format("inside networks assumed = the proxies; {}'s crypto ACL assumed = exactly the proposed proxies", I));
  if (fr.offered.empty()) {
    fr.offered.push_back(*parse_transform("esp-aes esp-sha-hmac"));
    fr.accepted = 0;
    A.push_back("the offered transform is not in the capture: assumed esp-aes esp-sha-hmac");
  }
  if (!fr.accepted_note.empty()) A.push_back(fr.accepted_note);
  const Proxy& lp = *fr.resp_proxy;  // the responder's own side
  const Proxy& rp = *fr.init_proxy;
  const uint32_t local = *fr.resp, sender = *fr.init;
  const int pfs = fr.pfs;

  // The initiator: offers exactly what the frame shows.
  init = Router{};
  init.host = fr.logger_responds ? fr.peer_host : fr.logger_host;
  init.itfs.push_back({"GigabitEthernet0/0", sender, 0xFFFFFF00u, true,
                       fr.logger_responds ? "outside (IKE address from the capture)" : "outside"});
  if (auto in = inside_address(rp)) init.itfs.push_back({"GigabitEthernet0/1", in->first, in->second, false, "inside"});
  Router::Entry pe;
  pe.e.seq = 10;
  pe.e.acl = "CRYPTO-ACL";
  pe.e.peers = {local};
  pe.aces = {ace(rp, lp)};
  for (size_t i = 0; i < fr.offered.size(); ++i) {
    init.sets.push_back({fmt::format("TS-OFFER-{}", i + 1), fr.offered[i].str()});
    pe.e.sets.push_back(init.sets.back().first);
  }
  pe.pfs = pfs;
  init.entries.push_back(pe);
  init.keys = {{local, "assumed-key"}};

  // The responder: accepts everything except what the fault says.
  Router& me = resp;
  me = Router{};
  me.host = fr.logger_responds ? fr.logger_host : fr.peer_host;
  uint32_t map_address = local;
  if (fault == "invalid-local-address") {
    map_address = pool.take({kDoc1, kDoc3, kDoc2});
    A.push_back(fmt::format("the crypto map is assumed applied to another interface (GigabitEthernet0/0, {}); "
                            "GigabitEthernet0/2 owns {} without a crypto map",
                            ip(map_address), ip(local)));
  }
  me.itfs.push_back({"GigabitEthernet0/0", map_address, 0xFFFFFF00u, true, "outside"});
  if (auto in = inside_address(lp)) me.itfs.push_back({"GigabitEthernet0/1", in->first, in->second, false, "inside"});
  if (fault == "invalid-local-address")
    me.itfs.push_back({"GigabitEthernet0/2", local, 0xFFFFFF00u, false, "owns the address the peer sends IKE to"});
  std::string my_set = fr.offered[fr.accepted].str();
  if (fault == "transform-mismatch") {
    my_set.clear();
    for (const char* c : {"esp-aes 256 esp-sha256-hmac", "esp-aes 256 esp-sha-hmac", "esp-3des esp-sha-hmac"}) {
      auto t = parse_transform(c);
      if (std::none_of(fr.offered.begin(), fr.offered.end(), [&](const Transform& o) { return o.same(*t); })) {
        my_set = c;
        break;
      }
    }
    A.push_back(fmt::format("{}'s transform set is unknown: assumed {}, i.e. not one offered", R, my_set));
  } else if (!fr.resp_absent) {
    A.push_back(fmt::format("{}'s transform set assumed to accept the offer ({})", R, my_set));
  }
  me.sets.push_back({"TS-LOCAL", my_set});
  Router::Entry me1;
  me1.e.seq = 10;
  me1.e.acl = "CRYPTO-ACL";
  me1.e.peers = {sender};
  me1.e.sets = {"TS-LOCAL"};
  me1.aces = {ace(lp, rp)};
  me1.pfs = pfs;
  if (pfs && fault != "pfs-mismatch" && !fr.resp_absent) A.push_back(fmt::format("{}'s entry assumed to ask for the same PFS group {}", R, pfs));
  me.keys = {{sender, "assumed-key"}};
  if (fault == "proxy-id-mismatch") {
    Proxy other = neighbour(rp);
    me1.aces = {ace(lp, other)};
    std::string a = fmt::format("{}'s crypto ACL is unknown: assumed to protect {} <-> {}, which does not cover the "
                                "proposed {} <-> {} (the finding's cause)",
                                R, lp.str(), other.str(), lp.str(), rp.str());
    if (lp.is_host() || rp.is_host())
      a += "; a network ACL around host proxies would accept them in the model (subset rule, reference §2.1.3), so the "
           "host-versus-network case is only a failure when the responder's ACL is the narrower one";
    A.push_back(a);
  } else if (fault == "pfs-mismatch") {
    me1.pfs = pfs ? (pfs == 14 ? 5 : 14) : 14;
    A.push_back(pfs ? fmt::format("{}'s PFS group is unknown: assumed group{}, not the offered group {}", R, me1.pfs, pfs)
                    : fmt::format("{} offers no PFS; {} assumed to require group{}", I, R, me1.pfs));
  } else if (fault == "peer-not-found") {
    uint32_t other = sender + 1;
    while (std::find(pool.used.begin(), pool.used.end(), other) != pool.used.end()) ++other;
    me1.e.peers = {other};
    A.push_back(fmt::format("no entry lists {}: the entry for this traffic assumed to name {} as its peer", ip(sender), ip(other)));
  }
  if (fault == "crypto-map-overlap") {
    uint32_t printed = *fr.printed;
    Router::Entry wide;
    wide.e.seq = 10;
    wide.e.acl = "ACL-TO-" + tag(printed);
    wide.e.peers = {printed};
    wide.e.sets = {"TS-LOCAL"};
    wide.aces = {ace(widened(lp), widened(rp))};
    wide.pfs = me1.pfs;
    me1.e.seq = 20;
    me1.e.acl = "ACL-TO-" + tag(sender);
    me.keys = {{printed, "assumed-key"}, {sender, "assumed-key"}};
    me.entries = {wide, me1};
    A.push_back(fmt::format("the entry for {} assumed at sequence 10 with a broader ACL ({} <-> {}); the intended entry for "
                            "{} at sequence 20 with the mirror of the proposal",
                            ip(printed), widened(lp).str(), widened(rp).str(), ip(sender)));
  } else {
    me.entries = {me1};
  }
  std::vector<uint32_t> all_addr = pool.used;
  for (auto& i : me.itfs) all_addr.push_back(i.addr);
  for (auto& i : init.itfs) all_addr.push_back(i.addr);
  me.gateway = gateway_for(map_address, all_addr);
  init.gateway = gateway_for(sender, all_addr);
  A.push_back(fr.resp_absent ? "this router assumed to reach the peer address through a default route on its crypto map interface"
                             : "both routers assumed to reach each other through a default route on their crypto map interface");
}

// Main Mode records only one side prints: 1 = the initiator, 2 = the responder, 0 = either.
int p1_record_side(const Event& e) {
  switch (e.kind) {
    case EventKind::MmBegin: case EventKind::P1Retransmit: case EventKind::P1RetransmitGiveUp:
    case EventKind::StartMmFailed:
      return 1;
    case EventKind::SanityFail: case EventKind::P1NoOffers: case EventKind::P1PolicyNotAcceptable:
    case EventKind::P1AttrMismatch:
      return 2;
    case EventKind::PacketSent: case EventKind::PacketReceived:
      return e.get("role") == "I" ? 1 : e.get("role") == "R" ? 2 : 0;
    default:
      return 0;
  }
}

// The peer addresses a Main Mode's failure records name (retransmission give-up, missing key,
// bad message, mode failure, `phase 1 SA policy not acceptable` remote).
std::set<uint32_t> p1_failure_peers(const Negotiation& n) {
  std::set<uint32_t> out;
  for (const auto& s : n.steps) {
    if (!event_kind_is_failure(s.event.kind)) continue;
    std::string_view a = s.event.kind == EventKind::P1PolicyNotAcceptable ? s.event.get("remote") : s.event.get("peer");
    if (auto x = parse_ipv4(a)) out.insert(*x);
  }
  return out;
}

// Which side logged a Phase-1 finding ("initiator" / "responder"), from the rule, the role the
// timeline gave it and the records only one side prints; "" when the capture cannot tell.
std::string phase1_side(const std::string& rule, const Negotiation& n) {
  if (rule == "phase1-policy-mismatch") return "responder";  // only the responder checks policies
  if (rule == "phase1-no-response") return "initiator";      // only the initiator waits for an answer
  // Records only one side prints decide over the role (which a stray line can set).
  int sides = 0;
  for (const auto& s : n.steps) sides |= p1_record_side(s.event);
  if (sides == 1) return "initiator";
  if (sides == 2) return "responder";
  if (n.role == "initiator" || n.role == "responder") return n.role;
  for (const auto& s : n.steps) {
    EventKind k = s.event.kind;
    if (k == EventKind::StartMmFailed || k == EventKind::MmBegin || k == EventKind::P1Retransmit ||
        k == EventKind::P1RetransmitGiveUp || s.event.get("role") == "I")
      return "initiator";
    if (k == EventKind::P1PolicyCheck || k == EventKind::SanityFail || k == EventKind::ModeFailure ||
        s.event.get("role") == "R")
      return "responder";
  }
  return "";
}

// The Quick Mode candidates a peer's PROPOSAL_NOT_CHOSEN can stand for (the model's responder
// checks), in the finding's order.
std::vector<std::string> qm_candidates(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& c : f.candidates)
    if (responder_qm_rule(c)) out.push_back(c);
  return out;
}

// Can a finding of this rule, logged by a router in this role, be reconstructed from the log
// alone (it then needs its negotiation's steps)? See the scope in reconstruct.h.
bool replayable_from_log(const std::string& rule, const std::string& role) {
  if (responder_qm_rule(rule)) return role != "initiator";
  if (rule == "peer-rejected-proposal") return role != "responder";
  if (rule == "phase1-policy-mismatch") return role != "initiator";
  if (rule == "phase1-no-response") return role != "responder";
  return rule == "phase1-psk-mismatch" || rule == "phase1-no-key";
}

}  // namespace

Reconstruction reconstruct_from_log(const Finding& f, const Negotiation* n, const std::string& candidate) {
  Reconstruction r;
  auto& A = r.assumptions;
  const std::string& rule = f.rule;
  std::string role = n ? n->role : f.extra.value("role", "unknown");
  if (!replayable_from_log(rule, role)) {
    r.why = why_not_reconstructed(rule, role);
    return r;
  }
  if (!n) {
    r.why = "the events of this negotiation were not kept (the report keeps a bounded number): there is nothing "
            "to compare a replay with";
    return r;
  }
  r.dialect = detect_dialect(*n, r.dialect_why);
  r.cause = rule;
  Frame fr;
  fr.logger_host = n->device.empty() ? "THIS-ROUTER" : n->device;
  fr.peer_host = n->device == "PEER" ? "PEER-2" : "PEER";
  AddressPool pool;
  std::string fault;  // the Quick Mode fault built into the responder ("" = none)
  const bool phase1 = rule.rfind("phase1-", 0) == 0;
  auto event_address = [&](EventKind k) -> std::optional<uint32_t> {
    const Event* e = n->first_of(k);
    return e ? parse_ipv4(e->get("address")) : std::nullopt;
  };
  // Offered transforms, in the capture's order: one per `Checking IPSec proposal` block when
  // its attribute lines name the transform, else the transforms the records print.
  auto read_offer = [&]() {
    std::vector<LoggedProposal> props = logged_proposals(*n);
    bool from_blocks = !props.empty() && std::all_of(props.begin(), props.end(), [](auto& p) { return p.transform.has_value(); });
    if (from_blocks)
      for (const auto& p : props) fr.offered.push_back(*p.transform);
    else
      for (const auto& t : n->transforms)
        if (auto x = parse_transform(t)) fr.offered.push_back(*x);
    // The transform the responder accepts (for findings past the transform check): the first
    // proposal the capture does not show refused for its transform.
    if (from_blocks && !fr.offered.empty()) {
      size_t accepted = 0;
      while (accepted < props.size() && props[accepted].transform_rejected) ++accepted;
      if (accepted == props.size()) accepted = 0;
      if (accepted > 0)
        fr.accepted_note = fmt::format("{} refused for {} transform (the capture says so); this router's set assumed to "
                                       "equal proposal {} ({})",
                                       accepted == 1 ? "proposal 1 was" : fmt::format("proposals 1-{} were", accepted),
                                       accepted == 1 ? "its" : "their", accepted + 1, fr.offered[accepted].str());
      fr.accepted = accepted;
    }
    fr.pfs = to_int(n->pfs_group);
    const Event* pn = n->first_of(EventKind::PfsGroup);
    if (!fr.pfs && pn) fr.pfs = to_int(pn->get("group"));
  };

  if (responder_qm_rule(rule)) {
    // The responder's Quick Mode checks: the capture pins down its addresses, proxies and offer.
    if (role != "responder")
      A.push_back("the logging router is taken as the responder: the events are the responder's Quick Mode checks");
    A.push_back("Phase 1 assumed to succeed (same ISAKMP policy and pre-shared key on both routers): the log is in Quick Mode");
    std::optional<uint32_t> local = parse_ipv4(n->local), sender = parse_ipv4(n->peer);
    if (rule == "invalid-local-address") {
      fr.printed = event_address(EventKind::InvalidLocalAddress);
      if (!fr.printed) { r.why = "the log does not show which local address was invalid"; return r; }
      if (local && *local != *fr.printed)
        A.push_back(fmt::format("the capture names two local addresses ({} and {}); the one in `invalid local address` is used",
                                ip(*local), ip(*fr.printed)));
      local = fr.printed;
    }
    if (rule == "peer-not-found" || rule == "crypto-map-overlap") {
      fr.printed = event_address(EventKind::PeerNotFound);
      if (!fr.printed) { r.why = "the log does not show the address in `peer address X not found`"; return r; }
      if (rule == "crypto-map-overlap" && (!sender || *sender == *fr.printed)) {
        r.why = "an overlap needs the sender's address, different from the one IOS printed; the capture does not show it";
        return r;
      }
      if (!sender) {
        sender = fr.printed;
        A.push_back(fmt::format("the sender's address is not in the capture: assumed {}, the address IOS printed", ip(*fr.printed)));
      }
    }
    fr.resp = local;
    fr.init = sender;
    auto lp = parse_proxy(n->local_proxy), rp = parse_proxy(n->remote_proxy);
    if (lp && rp) { fr.resp_proxy = lp; fr.init_proxy = rp; }
    read_offer();
    fault = rule;
  } else if (rule == "peer-rejected-proposal") {
    // The initiator's side: it shows what was offered and that the peer said no, not why. The
    // peer is built with one candidate cause; replay_from_log tries each.
    if (n->phase != 2) {
      r.why = "the peer answered PROPOSAL_NOT_CHOSEN in Main Mode: the model's responder does not send that notify "
              "(a responder without a matching policy stays silent in the model), so this log cannot be reproduced; "
              "give the peer's log or both configs";
      return r;
    }
    auto cands = qm_candidates(f);
    std::string cause = candidate.empty() ? (cands.empty() ? std::string() : cands.front()) : candidate;
    if (!responder_qm_rule(cause)) {
      r.why = cause.empty() ? "the finding names no candidate cause the model can build"
                            : "no reconstruction of the candidate " + cause;
      return r;
    }
    r.cause = cause;
    fr.logger_responds = false;
    fr.init = parse_ipv4(n->local);
    fr.resp = parse_ipv4(n->peer);
    auto lp = parse_proxy(n->local_proxy), rp = parse_proxy(n->remote_proxy);
    if (lp && rp) { fr.init_proxy = lp; fr.resp_proxy = rp; }
    read_offer();
    A.push_back(fmt::format("the log is the initiator's: the peer's reason is not in it; assumed: {} on the peer (one of "
                            "the finding's candidates)", cause));
    A.push_back("Phase 1 assumed to succeed (same ISAKMP policy and pre-shared key on both routers): the log is in Quick Mode");
    A.push_back("the initiator's PFS setting is not printed in `sa_request`: " +
                (fr.pfs ? fmt::format("group {} from the capture", fr.pfs) : std::string("assumed none")));
    if (cause == "crypto-map-overlap" || cause == "peer-not-found" || cause == "invalid-local-address") {
      for (auto a : {fr.resp, fr.init})
        if (a) pool.used.push_back(*a);
    }
    if (cause == "crypto-map-overlap") {
      fr.printed = pool.take({kDoc3, kDoc1, kDoc2});
      A.push_back(fmt::format("the other peer of the peer's broader entry is not in the capture: assumed {}", ip(*fr.printed)));
    }
    fault = cause;
  } else if (phase1) {
    // A capture of concurrent Main Modes, all still at connection id 0, can leave one negotiation
    // holding records of several: both sides' records, or failures naming several peers. No
    // single exchange prints that, so there is nothing consistent to replay (not a refutation).
    bool by_initiator = false, by_responder = false;
    for (const auto& s : n->steps) {
      int side = p1_record_side(s.event);
      by_initiator |= side == 1;
      by_responder |= side == 2;
    }
    std::set<uint32_t> peers = p1_failure_peers(*n);
    if ((by_initiator && by_responder) || peers.size() > 1) {
      std::vector<std::string> names;
      for (uint32_t a : peers) names.push_back(ip(a));
      r.why = by_initiator && by_responder
                  ? "the negotiation holds both the initiator's and the responder's Main Mode records: the capture "
                    "interleaves concurrent exchanges the timeline could not separate, and no single exchange prints that"
                  : fmt::format("the negotiation's failure records name several peers ({}): the capture interleaves "
                                "concurrent exchanges the timeline could not separate",
                                fmt::join(names, ", "));
      return r;
    }
    std::string side = phase1_side(rule, *n);
    if (side.empty()) {
      side = "initiator";
      A.push_back("the capture does not say which side logged it: taken as the initiator (it looks the key up before "
                  "sending Main Mode message 1)");
    }
    if (side == "initiator" && rule == "phase1-policy-mismatch") {
      r.why = "the initiator's side of a policy mismatch shows no policy check";
      return r;
    }
    fr.logger_responds = side == "responder";
    fr.resp_absent = rule == "phase1-no-response";
    std::optional<uint32_t> mine = parse_ipv4(n->local), theirs = parse_ipv4(n->peer);
    if (peers.size() == 1 && theirs != *peers.begin()) {
      // The failure record names the peer; an earlier record (a key found, a packet) whose
      // address the timeline took belongs to another exchange.
      if (theirs)
        A.push_back(fmt::format("the negotiation's first address {} is not the one its failure records name ({}): "
                                "the peer is {}",
                                ip(*theirs), ip(*peers.begin()), ip(*peers.begin())));
      theirs = *peers.begin();
    }
    if (const Event* e = n->first_of(EventKind::P1PolicyNotAcceptable); e && !mine) mine = parse_ipv4(e->get("local"));
    (fr.logger_responds ? fr.resp : fr.init) = mine;
    (fr.logger_responds ? fr.init : fr.resp) = theirs;
    A.push_back(fr.resp_absent ? "the log ends in Main Mode (initiator): this router's Quick Mode side (crypto map, ACL, "
                                 "transform set) assumed"
                               : fmt::format("the log ends in Main Mode ({}): the Quick Mode side assumed to match on both "
                                             "routers", side));
  } else {
    r.why = why_not_reconstructed(rule, role);
    return r;
  }

  Router resp, init;
  build_pair(fault, fr, pool, A, resp, init);
  Router& me = fr.logger_responds ? resp : init;
  Router& peer = fr.logger_responds ? init : resp;
  const uint32_t me_addr = fr.logger_responds ? *fr.resp : *fr.init, peer_addr = fr.logger_responds ? *fr.init : *fr.resp;

  if (phase1) {
    // ISAKMP policies: the ones the responder's log shows checked, against the offer it shows.
    P1Capture c = fr.logger_responds ? read_phase1(*n) : P1Capture{};
    if (!c.unreadable.empty()) {
      r.why = fmt::format("the capture offers {}, which the model does not know", c.unreadable);
      return r;
    }
    if (!c.offered.empty()) {
      init.policies.clear();
      for (auto& [t, p] : c.offered) {
        IkePolicy q = p;
        q.priority = 10 * t;
        init.policies.push_back(q);
        static const std::vector<std::string> kAll{"encryption", "hash", "auth", "group", "life_vpi"};
        std::vector<std::string> unseen;
        for (const auto& k : kAll)
          if (!c.shown[t].count(k) && !(k == "life_vpi" && c.shown[t].count("life_basic"))) unseen.push_back(k == "life_vpi" ? "lifetime" : k);
        A.push_back(fmt::format("the peer's ISAKMP transform {} is its policy {}: {}{}", t, q.priority, q.str(),
                                unseen.empty() ? " (all from the capture)"
                                               : fmt::format(" (not in the capture, assumed: {})", fmt::join(unseen, ", "))));
      }
    } else {
      A.push_back(fmt::format("the ISAKMP policies are not in the capture: {} assumed to have {}",
                              fr.resp_absent ? "this router" : "both routers", init.policies[0].str()));
    }
    // The responder's "no policy matched" verdict: Main Mode ended at the policy check.
    const bool refused = n->has(EventKind::P1NoOffers) || n->has(EventKind::P1PolicyNotAcceptable);
    if (fr.logger_responds && rule == "phase1-no-key" && refused) {
      r.why = "the capture shows this router refusing the peer's pre-shared-key proposals at the policy check (no key "
              "for the peer, then `phase 1 SA policy not acceptable` / `no offers accepted`); the model's responder "
              "looks the key up after a policy matched (MM3), so it cannot print this";
      return r;
    }
    if (fr.logger_responds && rule != "phase1-policy-mismatch" && !refused &&
        std::none_of(c.checks.begin(), c.checks.end(), [](const P1Check& x) { return x.accepted; })) {
      // Main Mode went past the policy check, so a policy accepted the offer: the last check whose
      // verdict the capture does not show.
      for (auto it = c.checks.rbegin(); it != c.checks.rend(); ++it)
        if (it->attr.empty()) {
          it->accepted = true;
          A.push_back(fmt::format("the capture does not show the verdict of the check of transform {} against policy {}; "
                                  "Main Mode went on, so it was accepted",
                                  it->transform_no, it->priority));
          break;
        }
    }
    if (fr.logger_responds) {
      if (!c.priorities.empty()) me.policies.clear();
      for (int prio : c.priorities) {
        IkePolicy p;
        std::string said;
        if (std::string why = solve_policy(prio, c.checks, c.offered, p, said); !why.empty()) {
          r.why = "the capture's policy checks contradict each other: " + why;
          return r;
        }
        me.policies.push_back(p);
        A.push_back(fmt::format("this router's policy {} as its checks in the capture imply{}{}", prio, said,
                                prio == 65535 ? "; priority 65535 is IOS's default policy, written as a configured one" : ""));
      }
      if (!c.priorities.empty() && rule != "phase1-policy-mismatch" && !refused &&
          std::none_of(c.checks.begin(), c.checks.end(), [](const P1Check& x) { return x.accepted; })) {
        // Every check shown failed, yet Main Mode went on: the accepting policy is not in the capture.
        IkePolicy q = init.policies.front();
        q.priority = std::min(65535, *std::max_element(c.priorities.begin(), c.priorities.end()) + 10);
        me.policies.push_back(q);
        A.push_back(fmt::format("every policy check the capture shows failed, yet Main Mode went on: this router assumed "
                                "to have policy {} equal to the peer's first ({})",
                                q.priority, q.str()));
      }
      if (c.priorities.empty()) {
        me.policies = init.policies;
        if (rule == "phase1-policy-mismatch") {
          IkePolicy p;
          std::string said;
          solve_policy(10, {}, c.offered.empty() ? std::map<int, IkePolicy>{{1, init.policies[0]}} : c.offered, p, said);
          me.policies = {p};
          A.push_back(fmt::format("the capture does not show which policies were checked: this router assumed to have one "
                                  "policy, {}, that matches none offered", p.str()));
        }
      }
    }
    if (rule == "phase1-policy-mismatch")
      for (const auto& p : me.policies)
        for (const auto& o : init.policies)
          if (p1_match(o, p)) {
            r.why = fmt::format("this router's policy {} as the capture implies would accept the peer's {}: the capture "
                                "does not show a failure the model can make", p.priority, o.str());
            return r;
          }
    // Keys: never in a log.
    if (rule == "phase1-psk-mismatch") {
      me.keys = {{peer_addr, "assumed-key-A"}};
      peer.keys = {{me_addr, "assumed-key-B"}};
      A.push_back("the pre-shared keys are never printed: assumed different (assumed-key-A on this router, assumed-key-B "
                  "on the peer); the fix's key placeholders are filled with them");
    } else if (rule == "phase1-no-key") {
      me.keys.clear();
      A.push_back(fmt::format("this router has no pre-shared key for {} (the capture says so); the peer assumed to have "
                              "one for {}; the fix's key placeholder is filled with it",
                              ip(peer_addr), ip(me_addr)));
    } else if (!fr.resp_absent) {
      A.push_back("the same pre-shared key assumed on both routers");
    }
    if (rule == "phase1-no-response") {
      r.peer_absent = true;
      A.push_back(fmt::format("no device answers at {} (the capture shows nothing from it): the peer is modelled as "
                              "absent; the log cannot tell a peer that is down or unreachable from a path that drops "
                              "UDP 500 or a peer without ISAKMP on that address",
                              ip(peer_addr)));
    }
  }

  r.initiator = init.host;
  r.logger = std::move(me).out();
  r.peer = std::move(peer).out();
  r.logger_address = me_addr;
  r.peer_address = peer_addr;
  const Proxy& lp = *fr.resp_proxy;
  const Proxy& rp = *fr.init_proxy;
  r.local_acl = (fr.logger_responds ? lp : rp).acl_operand();
  r.remote_acl = (fr.logger_responds ? rp : lp).acl_operand();
  r.transform = fr.offered[fr.accepted].str();
  r.trigger.src = rp.first_host();
  r.trigger.dst = lp.first_host();
  r.trigger.proto = static_cast<uint8_t>(lp.proto ? lp.proto : rp.proto);
  r.trigger.port = static_cast<uint16_t>(lp.port);
  r.ok = true;
  return r;
}

std::vector<std::string> fill_fix_placeholders(const std::vector<std::string>& commands, const Reconstruction& r,
                                               bool on_logger, std::vector<std::string>& unresolved) {
  const ReconRouter& me = on_logger ? r.logger : r.peer;
  auto entry_for = [&](const std::string& who) -> const ReconEntry* {
    auto a = parse_ipv4(who);
    if (!a) return me.entries.size() == 1 ? &me.entries[0] : nullptr;  // "the peer": only when there is one entry
    for (const auto& e : me.entries)
      if (std::find(e.peers.begin(), e.peers.end(), *a) != e.peers.end()) return &e;
    return nullptr;
  };
  // "that entry" = the one another placeholder of the same step names.
  const ReconEntry* named = nullptr;
  for (const auto& c : commands)
    for (const char* k : {"<acl-of-the-entry-for-", "<old-seq-of-the-entry-for-", "<crypto-acl-of-the-entry-for-"}) {
      size_t at = c.find(k);
      if (at == std::string::npos) continue;
      size_t b = at + std::string(k).size(), e = c.find('>', b);
      if (e != std::string::npos && !named) named = entry_for(c.substr(b, e - b));
    }
  auto sets_of = [](const ReconEntry& e) {
    std::string s;
    for (const auto& n : e.sets) s += (s.empty() ? "" : " ") + n;
    return s;
  };
  // Keys: the reconstruction's own (assumed) secrets, never a router's.
  auto key_of = [](const ReconRouter& rt, uint32_t addr) -> std::optional<std::string> {
    for (const auto& [a, secret] : rt.keys)
      if (a == addr) return secret;
    return std::nullopt;
  };
  auto resolve = [&](const std::string& p, const std::string& cmd) -> std::optional<std::string> {
    const ReconEntry* only = me.entries.size() == 1 ? &me.entries[0] : nullptr;
    auto rest = [&](const char* prefix) -> std::optional<std::string> {
      std::string x(prefix);
      if (p.rfind(x, 0) != 0) return std::nullopt;
      return p.substr(x.size());
    };
    if (on_logger) {
      if (p == "map") return me.map;
      // Phase 1: a key as the peer has it; a policy as the peer offers it (its first).
      if (p == "old-key") return key_of(me, r.peer_address);
      if ((p.rfind("the key configured on ", 0) == 0 || p == "same-key-as-on-the-peer") && !r.peer_absent)
        return key_of(r.peer, r.logger_address);
      if (p == "free-priority") {
        for (int prio = 1; prio < 10000; ++prio)
          if (std::none_of(me.policies.begin(), me.policies.end(), [&](const IkePolicy& x) { return x.priority == prio; }))
            return std::to_string(prio);
      }
      if (p.rfind("as on the peer", 0) == 0 && !r.peer_absent && !r.peer.policies.empty()) {
        const IkePolicy& o = r.peer.policies.front();
        std::vector<std::string_view> cw;
        split_words(cmd, cw);
        std::string_view verb = cw.empty() ? std::string_view() : cw[0];
        if (verb == "encryption" || verb == "encr") return ike_encryption_words(o);
        if (verb == "hash") return o.hash;
        if (verb == "group") return std::to_string(o.group);
        if (verb == "authentication") return o.auth;
      }
      if (p == "seq" && only) return std::to_string(only->seq);
      if (p == "sets-already-there" && only) return sets_of(*only);
      if (p == "local_acl") return r.local_acl;
      if (p == "remote_acl") return r.remote_acl;
      if (p == "transform") return r.transform;
      if (p == "lower-seq" && !me.entries.empty()) {
        uint32_t low = me.entries.front().seq;
        if (low > 1) return std::to_string(low > 5 ? low - 5 : low - 1);
      }
      if (auto who = rest("old-seq-of-the-entry-for-"))
        if (auto* e = entry_for(*who)) return std::to_string(e->seq);
      if (auto who = rest("crypto-acl-of-the-entry-for-"))
        if (auto* e = entry_for(*who)) return e->acl;
      if (auto who = rest("acl-of-the-entry-for-"))
        if (auto* e = entry_for(*who)) return e->acl;
      if (p == "transform-sets-of-that-entry" && named) return sets_of(*named);
      if (auto who = rest("interface-with-")) {
        std::string addr = who->substr(0, who->find(','));
        auto a = parse_ipv4(addr);
        for (const auto& [name, ia] : me.interfaces)
          if (a && ia == *a) return name;
      }
    } else {
      if (p == "its-map") return me.map;
      if (p == "its-seq" && only) return std::to_string(only->seq);
      if (p == "its-crypto-acl" && only) return only->acl;
    }
    return std::nullopt;
  };
  std::vector<std::string> out;
  for (const auto& c : commands) {
    std::string s;
    for (size_t i = 0; i < c.size(); ++i) {
      size_t close = c[i] == '<' ? c.find('>', i) : std::string::npos;
      if (close == std::string::npos) {
        s += c[i];
        continue;
      }
      std::string name = c.substr(i + 1, close - i - 1);
      if (auto v = resolve(name, c)) s += *v;
      else {
        unresolved.push_back(name);
        s += c.substr(i, close - i + 1);
      }
      i = close;
    }
    // "crypto map M S set ..." is not an IOS command: IOS wants the entry, then the sub-command.
    // (The words `istream >> string` reads, as views: no stream per command.)
    std::vector<std::string_view> w;
    split_words(s, w);
    bool one_line = w.size() > 4 && w[0] == "crypto" && w[1] == "map" &&
                    std::all_of(w[3].begin(), w[3].end(), ::isdigit) && w[4] != "ipsec-isakmp" && w[4] != "ipsec-manual";
    if (one_line) {
      out.push_back(fmt::format("crypto map {} {} ipsec-isakmp", w[2], w[3]));
      std::string sub;
      for (size_t k = 4; k < w.size(); ++k) {
        sub += ' ';
        sub += w[k];
      }
      out.push_back(sub);
    } else {
      out.push_back(s);
    }
  }
  return out;
}


bool same_lines(const TextSection& t, std::string_view text) {
  for (const auto& l : t.lines) {
    const std::string& x = l.text;
    if (text.size() <= x.size() || text[x.size()] != '\n' || text.compare(0, x.size(), x) != 0) return false;
    text.remove_prefix(x.size() + 1);
  }
  return text.empty();
}

namespace {

std::string describe(const model::ReplayResult& r) { return r.outcome == "failed" ? r.failure : r.outcome; }

// What the logging router prints in the capture's release, as typed events.
std::vector<Event> rendered_events(const model::ReplayResult& res, const std::string& device, Dialect d,
                                   const Tokenizer* tok, std::vector<std::string>& unread) {
  std::vector<Event> out;
  // (At most one event per record of the trace: growing the vector moved every event so far.)
  out.reserve(res.trace.size());
  for (const auto& te : res.trace) {
    if (te.device != device || !te.printed_by(d)) continue;
    if (!tok) {
      out.push_back(te.event);
      continue;
    }
    auto lines = model::render_event(te, d);
    if (lines.empty()) continue;
    Event e;
    if (tok->tokenize_lines(lines, e)) out.push_back(std::move(e));
    else unread.push_back(lines.front());
  }
  return out;
}

// A Phase-1 verdict belongs to the check before it: `_check` = "transform/priority" on each
// `... does not match policy`, so the comparison is per pair, in whatever order IOS walks them.
void annotate_checks(std::vector<Event>& events) {
  std::string cur;
  for (auto& e : events) {
    if (e.kind == EventKind::P1PolicyCheck) cur = fmt::format("{}/{}", e.get("transform_no"), e.get("priority"));
    else if (e.kind == EventKind::P1AttrMismatch && !cur.empty()) e.set("_check", cur);
  }
}

bool same_transform(std::string_view a, std::string_view b) {
  auto x = parse_transform(a), y = parse_transform(b);
  return x && y ? x->same(*y) : a == b;
}

bool same_proxy(std::string_view a, std::string_view b) {
  auto x = parse_proxy(a), y = parse_proxy(b);
  return x && y ? x->same_traffic(*y) : a == b;
}

// Does `got` say what the captured failure event `want` says? "" = yes, else the disagreement.
// The decisive values: addresses printed, the attribute that differed (and for which policy and
// transform), the state a retransmission was in, the mode that failed, the notify's protocol.
std::string disagreement(const Event& want, const Event& got, std::vector<std::string>& notes) {
  auto value = [](const Event& e, std::string_view k) {
    std::string_view v = e.get(k);
    if (!v.empty() || k[0] == '_') return v;
    std::string hint = "_";  // the model's typed events keep some as rendering hints
    hint += k;
    return e.get(hint);
  };
  // (A fixed list: a vector of strings cost seven allocations per comparison.)
  static constexpr std::string_view kKeys[] = {"address", "peer", "attr", "_check", "state", "mode", "protocol",
                                               "local", "remote"};
  const size_t keys = want.kind == EventKind::P1PolicyNotAcceptable ? 9 : 7;  // local, remote: that record only
  for (size_t i = 0; i < keys; ++i) {
    std::string_view k = kKeys[i], w = want.get(k);
    if (w.empty()) continue;
    std::string_view g = value(got, k);
    if (w != g)
      return fmt::format("{} {} vs {}", k == "_check" ? std::string_view("transform/priority") : k, w,
                         g.empty() ? std::string_view("(none)") : g);
  }
  if (!want.get("transform").empty() && !got.get("transform").empty() && !same_transform(want.get("transform"), got.get("transform")))
    return fmt::format("transform {} vs {}", want.get("transform"), got.get("transform"));
  if (!want.get("error").empty()) {
    if (got.get("error").empty())
      notes.push_back(fmt::format("the capture's `{}` carries error {}; the model's record prints no error code",
                                  event_kind_name(want.kind), want.get("error")));
    else if (want.get("error") != got.get("error"))
      return fmt::format("error {} vs {}", want.get("error"), got.get("error"));
  }
  return "";
}

// A set of event kinds, one bit each (a replay fills three: a std::set allocated a node per kind).
class KindSet {
 public:
  bool has(EventKind k) const { return bits_.test(static_cast<size_t>(k)); }
  // Adds k; true when it was not in the set yet (std::set::insert(k).second).
  bool add(EventKind k) {
    if (has(k)) return false;
    bits_.set(static_cast<size_t>(k));
    return true;
  }
  // Every kind in the set is one of `allowed` (true for an empty set).
  bool only(std::initializer_list<EventKind> allowed) const {
    auto rest = bits_;
    for (EventKind k : allowed) rest.reset(static_cast<size_t>(k));
    return rest.none();
  }

 private:
  std::bitset<static_cast<size_t>(EventKind::Count_)> bits_;
};

// The config's lines as a JSON array of strings (built directly: no vector copied into it).
nlohmann::json lines_of(const TextSection& s) {
  nlohmann::json v = nlohmann::json::array();
  v.get_ref<nlohmann::json::array_t&>().reserve(s.lines.size());
  for (const auto& l : s.lines) v.push_back(l.text);
  return v;
}

// Parsed reconstructed configs, by text: the candidates of one finding share the logging
// router's config, and the fix step replays the configs already parsed for `before`. A lookup
// compares the section's lines with each text kept (a handful per finding) instead of joining
// them into a key first: most lookups hit, and the key cost ~2.3 K instructions each.
class ParsedConfigs {
 public:
  const DeviceConfig& get(const TextSection& t) {
    for (const auto& [text, cfg] : cache_)
      if (same_lines(t, text)) return cfg;
    std::string key;
    size_t n = 0;
    for (const auto& l : t.lines) n += l.text.size() + 1;
    key.reserve(n);
    for (const auto& l : t.lines) {
      key += l.text;
      key += '\n';
    }
    // (A deque: the references returned so far stay valid as it grows.)
    return cache_.emplace_back(std::move(key), parse_config(t)).second;
  }

 private:
  std::deque<std::pair<std::string, DeviceConfig>> cache_;
};

// The reconstructed configs as the replay record shows them: {hostname: [lines]}.
void add_configs(const Reconstruction& rc, nlohmann::json& rep) {
  rep["configs"] = nlohmann::json::object();
  rep["configs"][rc.logger.hostname] = lines_of(rc.logger.config);
  if (!rc.peer_absent) rep["configs"][rc.peer.hostname] = lines_of(rc.peer.config);
}

// Replays a reconstruction and compares the logging router's rendered log with the capture.
// Fills rep (dialect, traffic, before, failing_check, compared, differences, why; not the
// configs: add_configs) and returns the status.
std::string replay_before(const Reconstruction& rc, const Negotiation& n, const model::ModelOptions& opt,
                          const Tokenizer* tok, ParsedConfigs& parsed, nlohmann::json& rep) {
  rep["dialect"] = std::string(model::dialect_name(rc.dialect));
  rep["dialect_why"] = rc.dialect_why;
  std::vector<const DeviceConfig*> devs{&parsed.get(rc.logger.config)};
  if (!rc.peer_absent) devs.push_back(&parsed.get(rc.peer.config));
  // (Only the logging router's records are rendered below: the peer's are not built.)
  auto res = model::replay(devs, rc.trigger, rc.initiator, opt, model::Keep::device_only(rc.logger.hostname));
  rep["traffic"] = fmt::format("{} from {}", model::trigger_text(rc.trigger), rc.initiator);
  rep["before"] = describe(res);
  rep["failing_check"] = res.failing_check;
  if (res.outcome != "failed" || res.failure != rc.cause) {
    rep["why"] = fmt::format("the reconstructed scenario, which agrees with everything the capture shows, {} instead of "
                             "failing with {}",
                             res.outcome == "failed" ? "fails with " + res.failure : "ends " + res.outcome, rc.cause);
    return "refuted";
  }
  // The confirmation proper: the captured failure records, with their decisive values, must be
  // among what the logging router prints in the model (in the capture's release).
  std::vector<std::string> unread, notes;
  std::vector<Event> got = rendered_events(res, rc.logger.hostname, rc.dialect, tok, unread);
  annotate_checks(got);
  // The capture's records the comparison below looks at (failures and offers), and the policy
  // checks annotate_checks needs to name each verdict's check: copying every step cost more.
  auto is_wanted = [](EventKind k) {
    return event_kind_is_failure(k) || k == EventKind::ProposalRequest || k == EventKind::SaRequest ||
           k == EventKind::P1PolicyCheck;
  };
  std::vector<Event> wanted;  // (counted first: regrowing moved every event copied so far)
  wanted.reserve(static_cast<size_t>(
      std::count_if(n.steps.begin(), n.steps.end(), [&](const auto& s) { return is_wanted(s.event.kind); })));
  for (const auto& s : n.steps)
    if (is_wanted(s.event.kind)) wanted.push_back(s.event);
  annotate_checks(wanted);
  for (auto& u : unread) notes.push_back("a rendered record the tokenizer does not read: " + u);
  nlohmann::json compared = nlohmann::json::array();
  KindSet checked;
  std::string missing;
  for (const auto& want : wanted) {
    // The offer (validate_proposal_request on a responder, sa_request on an initiator): its proxies.
    bool proposal = want.kind == EventKind::ProposalRequest || want.kind == EventKind::SaRequest;
    if (!event_kind_is_failure(want.kind) && !proposal) continue;
    if (proposal && want.get("local_proxy").empty()) continue;  // 15.x/XE print a head-only line first
    std::string last;
    bool found = false, any_kind = false;
    for (const auto& g : got) {
      if (g.kind != want.kind) continue;
      any_kind = true;
      if (proposal) {
        found = same_proxy(want.get("local_proxy"), g.get("local_proxy")) && same_proxy(want.get("remote_proxy"), g.get("remote_proxy"));
        if (!found) last = fmt::format("proxies {} <-> {} vs {} <-> {}", want.get("local_proxy"), want.get("remote_proxy"),
                                       g.get("local_proxy"), g.get("remote_proxy"));
      } else {
        std::vector<std::string> n2;
        last = disagreement(want, g, n2);
        found = last.empty();
        if (found) for (auto& x : n2) notes.push_back(x);
      }
      if (found) break;
    }
    if (want.kind == EventKind::ModeFailure && !any_kind) {
      // %CRYPTO-6-IKMP_MODE_FAILURE is the syslog summary of a failure, printed or not by the
      // router's logging settings (the 12.x rendering has none): it decides nothing.
      notes.push_back(fmt::format("the capture shows `{}` ({}); the model's log does not", event_kind_name(want.kind), want.text));
      continue;
    }
    bool retransmission = want.kind == EventKind::P1Retransmit || want.kind == EventKind::P1RetransmitGiveUp ||
                          want.kind == EventKind::P2Retransmit;
    if (retransmission && !found && !is_one_of(rc.cause, {"phase1-no-response", "phase1-psk-mismatch", "phase2-no-response"})) {
      // A message resent before the answer came is timing (the model's peer answers at once):
      // decisive only for the findings about an answer that never comes.
      notes.push_back(fmt::format("the capture shows `{}` ({}): a message resent before the peer's answer; the model "
                                  "does not model timing",
                                  event_kind_name(want.kind), want.text));
      continue;
    }
    if ((want.kind == EventKind::P1NoOffers || want.kind == EventKind::P1PolicyNotAcceptable) && !any_kind) {
      // Main Mode's "no policy matched" verdict: 12.x prints `no offers accepted!`, 15.x/XE
      // `phase 1 SA policy not acceptable!` (reference §4.1); a capture may print the other one.
      EventKind other = want.kind == EventKind::P1NoOffers ? EventKind::P1PolicyNotAcceptable : EventKind::P1NoOffers;
      if (std::any_of(got.begin(), got.end(), [&](const Event& g) { return g.kind == other; })) {
        notes.push_back(fmt::format("the capture prints `{}` ({}) where the model's {} prints `{}`: the same verdict",
                                    event_kind_name(want.kind), want.text, model::dialect_name(rc.dialect),
                                    event_kind_name(other)));
        if (checked.add(want.kind)) compared.push_back(std::string(event_kind_name(want.kind)));
        continue;
      }
    }
    if (want.kind == EventKind::SaNotAcceptable && n.phase == 1 && !any_kind) {
      // 12.x's summary after `no offers accepted!` in Main Mode (reference §4.1, inferred): the
      // model prints the `no offers` record, compared on its own; this one decides nothing more.
      notes.push_back(fmt::format("the capture shows `{}` ({}) after the Main Mode checks; the model's log does not",
                                  event_kind_name(want.kind), want.text));
      continue;
    }
    if (proposal && !any_kind) {
      // Not a failure record: a model that rejects earlier is a difference worth showing, not a refutation.
      notes.push_back(want.kind == EventKind::SaRequest
                          ? "the capture shows the initiator's sa_request; the model's initiator does not print it"
                          : "the capture reaches validate_proposal_request; the model's responder rejects before printing it");
      continue;
    }
    if (!found) {
      missing = any_kind ? fmt::format("the capture's `{}` ({}) disagrees with the model's: {}", event_kind_name(want.kind),
                                       want.text, last)
                         : fmt::format("the capture shows `{}` ({}), which the reconstructed scenario's {} log does not "
                                       "contain",
                                       event_kind_name(want.kind), want.text, model::dialect_name(rc.dialect));
      break;
    }
    if (checked.add(want.kind)) compared.push_back(std::string(event_kind_name(want.kind)));
  }
  // Steps (not failures) the capture shows and the model's log lacks: shown, not decisive.
  KindSet got_kinds, listed;
  for (const auto& g : got) got_kinds.add(g.kind);
  for (const auto& s : n.steps) {
    EventKind k = s.event.kind;
    if (event_kind_is_failure(k) || event_kind_is_noise(k) || k == EventKind::ProposalRequest || k == EventKind::SaRequest ||
        got_kinds.has(k) || !listed.add(k))
      continue;
    notes.push_back(fmt::format("the capture shows `{}` ({}); the model's log does not", event_kind_name(k), s.event.text));
  }
  rep["compared"] = compared;
  if (!notes.empty()) rep["differences"] = notes;
  if (!missing.empty()) {
    rep["why"] = missing;
    return "refuted";
  }
  bool only_offer = checked.only({EventKind::ProposalRequest, EventKind::SaRequest});
  if (only_offer)
    rep["why"] = "the capture has no failure record to compare (it stops after the proposal): the model's failure is "
                 "consistent with it, not proven by it";
  return "confirmed";
}

}  // namespace

nlohmann::json replay_from_log(const Finding& f, const Negotiation* n, const model::ModelOptions& opt, const Tokenizer* tok) {
  nlohmann::json rep{{"status", "not-replayable"}, {"scenario", "reconstructed from the log"},
                     {"assumptions", nlohmann::json::array()}};
  // A finding with candidate causes (the initiator's side of a rejection) is replayed with each
  // candidate built into the peer; the first that reproduces the capture is the one shown.
  std::vector<std::string> causes{""};
  if (f.rule == "peer-rejected-proposal" && n && n->phase == 2 && !qm_candidates(f).empty()) causes = qm_candidates(f);
  Reconstruction rc;
  std::vector<std::string> reproduced, not_reproduced;
  nlohmann::json chosen;
  size_t built = 0;
  ParsedConfigs parsed;
  for (const auto& cause : causes) {
    Reconstruction x = reconstruct_from_log(f, n, cause);
    if (!x.ok) {
      if (causes.size() == 1) {
        rep["assumptions"] = x.assumptions;
        rep["why"] = x.why;
        return rep;
      }
      not_reproduced.push_back(fmt::format("{}: {}", cause, x.why));
      continue;
    }
    ++built;
    nlohmann::json attempt = rep;
    attempt["assumptions"] = x.assumptions;
    // The candidate shown is compared through the tokenizer (the path a real capture takes);
    // once one is, the others are compared on the model's typed events (same records, read
    // back identically - model render tests), which saves rendering and tokenizing each.
    attempt["status"] = replay_before(x, *n, opt, chosen.is_null() ? tok : nullptr, parsed, attempt);
    // The configs go into the records that can be shown: a finding's only one, and the first
    // candidate confirmed (of the other candidates only the cause and the why are kept).
    if (causes.size() == 1 || (chosen.is_null() && attempt["status"] == "confirmed")) add_configs(x, attempt);
    if (attempt["status"] == "confirmed") {
      reproduced.push_back(x.cause);
      if (chosen.is_null()) {
        chosen = std::move(attempt);
        rc = std::move(x);
      }
    } else {
      not_reproduced.push_back(fmt::format("{}: {}", x.cause, attempt.value("why", "")));
      if (causes.size() == 1) return attempt;
    }
  }
  if (chosen.is_null()) {
    // No candidate reproduces the capture (peer-rejected-proposal only: one cause returns above).
    rep["status"] = built ? "refuted" : "not-replayable";
    rep["why"] = "no candidate cause reproduces the captured log: " + fmt::format("{}", fmt::join(not_reproduced, "; "));
    return rep;
  }
  rep = std::move(chosen);
  if (causes.size() > 1) {
    rep["candidates_reproduced"] = reproduced;
    rep["assumed_cause"] = rc.cause;
    rep["assumptions"].push_back(
        reproduced.size() > 1
            ? fmt::format("the capture cannot tell these candidates apart, each reproduces it in the model (the initiator "
                          "only sees PROPOSAL_NOT_CHOSEN): {}; replayed with the first, {}",
                          fmt::join(reproduced, ", "), rc.cause)
            : fmt::format("of the candidates only {} reproduces the capture ({})", rc.cause, fmt::join(not_reproduced, "; ")));
  }
  // After: the finding's own fix, placeholders filled from the reconstructed names.
  const DeviceConfig& me = parsed.get(rc.logger.config);
  const DeviceConfig* peer = rc.peer_absent ? nullptr : &parsed.get(rc.peer.config);
  std::string after = "not-applicable: the fix needs values that only the device has";
  if (f.fix.empty())
    after = f.rule == "phase1-no-response"
                ? "not-applicable: nothing in the configs to change; UDP 500 does not reach the peer (routing, ACL, "
                  "firewall, NAT)"
                : f.rule == "peer-rejected-proposal"
                      ? "not-applicable: the finding names candidate causes on the peer, not a fix; the peer's log or "
                        "config names the cause"
                      : "not-applicable: the finding has no fix to apply";
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& step : f.fix) {
    bool on_logger = (!f.device.empty() && step.device == f.device) || step.device.rfind("this router", 0) == 0;
    bool on_peer = step.device.rfind("the peer", 0) == 0;
    if (!on_logger && !on_peer) continue;
    if (on_peer && rc.peer_absent) {
      problems.push_back("the fix is for the peer, which the reconstruction models as absent");
      continue;
    }
    std::vector<std::string> unresolved;
    auto cmds = fill_fix_placeholders(step.commands, rc, on_logger, unresolved);
    if (!unresolved.empty()) {
      for (auto& u : unresolved) problems.push_back(fmt::format("<{}> cannot be named from the reconstruction", u));
      continue;
    }
    const TextSection& target = on_logger ? rc.logger.config : rc.peer.config;
    PatchResult patched = apply_commands(target, cmds);
    if (!patched.problems.empty()) {
      for (auto& p : patched.problems) problems.push_back(p);
      continue;
    }
    DeviceConfig fixed = parse_config(patched.config);
    std::vector<const DeviceConfig*> devs{on_logger ? &fixed : &me};
    if (peer) devs.push_back(on_logger ? peer : &fixed);
    auto r2 = model::replay(devs, rc.trigger, rc.initiator, opt, model::Keep::verdict());  // only its outcome is read
    after = describe(r2);
    rep["fix_applied"] = {{"device", on_logger ? rc.logger.hostname : rc.peer.hostname}, {"commands", cmds}};
    if (r2.outcome == "established") break;
  }
  rep["after"] = after;
  if (!problems.empty()) rep["fix_problems"] = problems;
  return rep;
}

}  // namespace ipsecdoc
