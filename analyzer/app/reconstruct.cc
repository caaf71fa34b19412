#include "app/reconstruct.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "config/config.h"
#include "config/patch.h"
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
  if (rule == "peer-rejected-proposal" || rule == "phase2-no-response")
    return "the log is the initiator's: it shows the peer's answer (or silence), not the responder's check, so the "
           "responder's config cannot be reconstructed from it; give both configs or the responder's log";
  if (rule.rfind("phase1-", 0) == 0)
    return "Phase-1 findings are not reconstructed from a log alone yet (the capture rarely shows both policy lists "
           "and never the keys); give both configs";
  if (role == "initiator")
    return "the log is the initiator's side of the negotiation: the responder's decision is not in it";
  return fmt::format("no reconstruction for {} findings: only the responder's Quick Mode checks (transform, proxies, "
                     "local address, peer, overlap, PFS) are reconstructed from a log; give both configs",
                     rule);
}

std::string ip(uint32_t a) { return format_ipv4(a); }


std::string tag(uint32_t a) {
  std::string t = ip(a);
  std::replace(t.begin(), t.end(), '.', '-');
  return t;
}

std::string proto_word(int p) {
  if (p == 0) return "ip";
  if (p == 6) return "tcp";
  if (p == 17) return "udp";
  if (p == 1) return "icmp";
  return std::to_string(p);
}

// One ACE "permit <proto> SRC [eq p] DST [eq p]" for a proxy pair (src = the router's own side).
std::string ace(const Proxy& src, const Proxy& dst) {
  int proto = src.proto ? src.proto : dst.proto;
  auto side = [&](const Proxy& p) {
    std::string s = p.acl_operand();
    if (p.port && (proto == 6 || proto == 17)) s += fmt::format(" eq {}", p.port);
    return s;
  };
  return fmt::format(" permit {} {} {}", proto_word(proto), side(src), side(dst));
}

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

struct Router {
  std::string host, map = "VPN";
  std::vector<Itf> itfs;
  uint32_t gateway = 0;
  std::vector<std::pair<std::string, std::string>> sets;  // name, keywords
  struct Entry {
    ReconEntry e;
    std::vector<std::string> aces;
    int pfs = 0;
  };
  std::vector<Entry> entries;
  std::vector<uint32_t> keys;

  std::string render() const {
    std::string o;
    auto line = [&](const std::string& l) { o += l + "\n"; };
    line("hostname " + host);
    line("!");
    line("crypto isakmp policy 10");
    line(" encr aes 256");
    line(" hash sha256");
    line(" authentication pre-share");
    line(" group 14");
    for (uint32_t k : keys) line(fmt::format("crypto isakmp key assumed-key address {}", ip(k)));
    line("!");
    for (auto& [n, w] : sets) line(fmt::format("crypto ipsec transform-set {} {}", n, w));
    line("!");
    for (auto& en : entries) {
      line(fmt::format("crypto map {} {} ipsec-isakmp", map, en.e.seq));
      for (uint32_t p : en.e.peers) line(" set peer " + ip(p));
      std::string s;
      for (auto& n : en.e.sets) s += " " + n;
      line(" set transform-set" + s);
      if (en.pfs) line(fmt::format(" set pfs group{}", en.pfs));
      line(" match address " + en.e.acl);
    }
    line("!");
    for (auto& i : itfs) {
      line("interface " + i.name);
      if (!i.description.empty()) line(" description " + i.description);
      line(fmt::format(" ip address {} {}", ip(i.addr), ip(i.mask)));
      if (i.map) line(" crypto map " + map);
      line("!");
    }
    if (gateway) line(fmt::format("ip route 0.0.0.0 0.0.0.0 {}", ip(gateway)));
    line("!");
    for (auto& en : entries) {
      line("ip access-list extended " + en.e.acl);
      for (auto& a : en.aces) line(a);
    }
    line("!");
    line("end");
    return o;
  }

  ReconRouter out() const {
    ReconRouter r;
    r.hostname = host;
    r.map = map;
    for (auto& en : entries) r.entries.push_back(en.e);
    for (auto& i : itfs) r.interfaces.emplace_back(i.name, i.addr);
    r.config = text_section(render(), "(reconstructed " + host + ")", host);
    return r;
  }
};

// The release the capture came from (reference §5.2): the ISAKMP header spelling decides;
// without one, the release-specific records and proxy notation.
Dialect detect_dialect(const Negotiation& n, std::string& why) {
  bool xe = false, v15 = false, v12 = false;
  for (const auto& s : n.steps) {
    const std::string& t = s.event.text;
    if (t.find("ISAKMP: (") != std::string::npos || t.find("ISAKMP-ERROR: (") != std::string::npos ||
        t.find("ISAKMP-PAK: (") != std::string::npos)
      xe = true;
    else if (t.find("ISAKMP:(") != std::string::npos)
      v15 = true;
    else if (t.find("ISAKMP (") != std::string::npos)
      v12 = true;
  }
  if (xe) { why = "ISAKMP headers printed as \"ISAKMP: (N)\" (IOS-XE)"; return Dialect::IosXe; }
  if (v15) { why = "ISAKMP headers printed as \"ISAKMP:(N)\" (15.x)"; return Dialect::Ios15; }
  if (v12) { why = "ISAKMP headers printed as \"ISAKMP (0:N)\" (12.x)"; return Dialect::Ios12; }
  for (const auto& s : n.steps) {
    auto k = s.event.kind;
    if (k == EventKind::AttsNotAcceptable || k == EventKind::SaNotAcceptable) {
      why = "12.x-only records (atts not acceptable / SA not acceptable)";
      return Dialect::Ios12;
    }
    if (k == EventKind::P2PolicyNotAcceptable || !s.event.get("error").empty()) {
      why = "15.x/XE records (phase 2 SA policy not acceptable / policy invalidated with error N)";
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

}  // namespace

bool replayable_from_log(const std::string& rule, const std::string& role) {
  return responder_qm_rule(rule) && role != "initiator";
}

Reconstruction reconstruct_from_log(const Finding& f, const Negotiation* n) {
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
  if (role != "responder")
    A.push_back("the logging router is taken as the responder: the events are the responder's Quick Mode checks");
  A.push_back("Phase 1 assumed to succeed (same ISAKMP policy and pre-shared key on both routers): the log is in Quick Mode");
  r.dialect = detect_dialect(*n, r.dialect_why);

  auto event_address = [&](EventKind k) -> std::optional<uint32_t> {
    const Event* e = n->first_of(k);
    return e ? parse_ipv4(e->get("address")) : std::nullopt;
  };
  std::optional<uint32_t> local = parse_ipv4(n->local), sender = parse_ipv4(n->peer);
  std::optional<uint32_t> printed;  // the address in the decisive event
  if (rule == "invalid-local-address") {
    printed = event_address(EventKind::InvalidLocalAddress);
    if (!printed) { r.why = "the log does not show which local address was invalid"; return r; }
    if (local && *local != *printed)
      A.push_back(fmt::format("the capture names two local addresses ({} and {}); the one in `invalid local address` is used",
                              ip(*local), ip(*printed)));
    local = printed;
  }
  if (rule == "peer-not-found" || rule == "crypto-map-overlap") {
    printed = event_address(EventKind::PeerNotFound);
    if (!printed) { r.why = "the log does not show the address in `peer address X not found`"; return r; }
    if (rule == "crypto-map-overlap" && (!sender || *sender == *printed)) {
      r.why = "an overlap needs the sender's address, different from the one IOS printed; the capture does not show it";
      return r;
    }
    if (!sender) {
      sender = printed;
      A.push_back(fmt::format("the sender's address is not in the capture: assumed {}, the address IOS printed", ip(*printed)));
    }
  }
  // Addresses the capture does not show: documentation ranges, away from everything it does show.
  std::vector<uint32_t> used;
  for (auto a : {local, sender, printed})
    if (a) used.push_back(*a);
  auto free_address = [&](std::initializer_list<uint32_t> pool) {
    for (uint32_t a : pool)
      if (std::none_of(used.begin(), used.end(), [&](uint32_t u) { return (u & 0xFFFFFF00u) == (a & 0xFFFFFF00u); })) {
        used.push_back(a);
        return a;
      }
    used.push_back(*parse_ipv4("172.31.255.1"));
    return used.back();
  };
  const auto p1 = *parse_ipv4("192.0.2.1"), p2 = *parse_ipv4("198.51.100.2"), p3 = *parse_ipv4("203.0.113.1");
  if (!local) {
    local = free_address({p1, p2, p3});
    A.push_back(fmt::format("this router's IKE address is not in the capture: assumed {}", ip(*local)));
  }
  if (!sender) {
    sender = free_address({p2, p3, p1});
    A.push_back(fmt::format("the peer's IKE address is not in the capture: assumed {}", ip(*sender)));
  }
  // Proxies (this router's view: local = its own side).
  auto lp = parse_proxy(n->local_proxy), rp = parse_proxy(n->remote_proxy);
  if (!lp || !rp) {
    lp = parse_proxy("10.1.1.0/255.255.255.0/0/0");
    rp = parse_proxy("10.2.2.0/255.255.255.0/0/0");
    A.push_back("the proxies are not in the capture: assumed 10.1.1.0/24 (this router's side) and 10.2.2.0/24 (the peer's side)");
  }
  A.push_back("inside networks assumed = the proxies; the peer's crypto ACL assumed = exactly the proposed proxies");
  r.local_acl = lp->acl_operand();
  r.remote_acl = rp->acl_operand();
  // Offered transforms, in the capture's order: one per `Checking IPSec proposal` block when
  // its attribute lines name the transform, else the transforms the records print.
  std::vector<Transform> offered;
  std::vector<LoggedProposal> props = logged_proposals(*n);
  bool from_blocks = !props.empty() && std::all_of(props.begin(), props.end(), [](auto& p) { return p.transform.has_value(); });
  if (from_blocks)
    for (const auto& p : props) offered.push_back(*p.transform);
  else
    for (const auto& t : n->transforms)
      if (auto x = parse_transform(t)) offered.push_back(*x);
  if (offered.empty()) {
    offered.push_back(*parse_transform("esp-aes esp-sha-hmac"));
    A.push_back("the offered transform is not in the capture: assumed esp-aes esp-sha-hmac");
  }
  // The transform this router accepts (for findings past the transform check): the first
  // proposal the capture does not show refused for its transform.
  size_t accepted = 0;
  if (from_blocks) {
    while (accepted < props.size() && props[accepted].transform_rejected) ++accepted;
    if (accepted == props.size()) accepted = 0;
    if (accepted > 0)
      A.push_back(fmt::format("{} refused for {} transform (the capture says so); this router's set assumed to equal "
                              "proposal {} ({})",
                              accepted == 1 ? "proposal 1 was" : fmt::format("proposals 1-{} were", accepted),
                              accepted == 1 ? "its" : "their", accepted + 1, offered[accepted].str()));
  }
  r.transform = offered[accepted].str();
  int pfs = to_int(n->pfs_group);
  const Event* pn = n->first_of(EventKind::PfsGroup);
  if (!pfs && pn) pfs = to_int(pn->get("group"));

  // The peer (initiator): offers exactly what the capture shows.
  Router peer;
  peer.host = n->device == "PEER" ? "PEER-2" : "PEER";
  peer.itfs.push_back({"GigabitEthernet0/0", *sender, 0xFFFFFF00u, true, "outside (IKE address from the capture)"});
  if (auto in = inside_address(*rp)) peer.itfs.push_back({"GigabitEthernet0/1", in->first, in->second, false, "inside"});
  Router::Entry pe;
  pe.e.seq = 10;
  pe.e.acl = "CRYPTO-ACL";
  pe.e.peers = {*local};
  pe.aces = {ace(*rp, *lp)};
  for (size_t i = 0; i < offered.size(); ++i) {
    peer.sets.push_back({fmt::format("TS-OFFER-{}", i + 1), offered[i].str()});
    pe.e.sets.push_back(peer.sets.back().first);
  }
  pe.pfs = pfs;
  peer.entries.push_back(pe);
  peer.keys = {*local};

  // This router (responder): accepts everything except what the finding says.
  Router me;
  me.host = n->device.empty() ? "THIS-ROUTER" : n->device;
  uint32_t map_address = *local;
  if (rule == "invalid-local-address") {
    map_address = free_address({p1, p3, p2});
    A.push_back(fmt::format("the crypto map is assumed applied to another interface (GigabitEthernet0/0, {}); "
                            "GigabitEthernet0/2 owns {} without a crypto map",
                            ip(map_address), ip(*local)));
  }
  me.itfs.push_back({"GigabitEthernet0/0", map_address, 0xFFFFFF00u, true, "outside"});
  if (auto in = inside_address(*lp)) me.itfs.push_back({"GigabitEthernet0/1", in->first, in->second, false, "inside"});
  if (rule == "invalid-local-address")
    me.itfs.push_back({"GigabitEthernet0/2", *local, 0xFFFFFF00u, false, "owns the address the peer sends IKE to"});
  std::string my_set = offered[accepted].str();
  if (rule == "transform-mismatch") {
    my_set.clear();
    for (const char* c : {"esp-aes 256 esp-sha256-hmac", "esp-aes 256 esp-sha-hmac", "esp-3des esp-sha-hmac"}) {
      auto t = parse_transform(c);
      if (std::none_of(offered.begin(), offered.end(), [&](const Transform& o) { return o.same(*t); })) {
        my_set = c;
        break;
      }
    }
    A.push_back(fmt::format("this router's transform set is unknown: assumed {}, i.e. not one offered", my_set));
  } else {
    A.push_back(fmt::format("this router's transform set assumed to accept the offer ({})", my_set));
  }
  me.sets.push_back({"TS-LOCAL", my_set});
  Router::Entry me1;
  me1.e.seq = 10;
  me1.e.acl = "CRYPTO-ACL";
  me1.e.peers = {*sender};
  me1.e.sets = {"TS-LOCAL"};
  me1.aces = {ace(*lp, *rp)};
  me1.pfs = pfs;
  if (pfs && rule != "pfs-mismatch") A.push_back(fmt::format("this router's entry assumed to ask for the same PFS group {}", pfs));
  me.keys = {*sender};
  if (rule == "proxy-id-mismatch") {
    Proxy other = neighbour(*rp);
    me1.aces = {ace(*lp, other)};
    std::string a = fmt::format("this router's crypto ACL is unknown: assumed to protect {} <-> {}, which does not cover the "
                                "proposed {} <-> {} (the finding's cause)",
                                lp->str(), other.str(), lp->str(), rp->str());
    if (lp->is_host() || rp->is_host())
      a += "; a network ACL around host proxies would accept them in the model (subset rule, reference §2.1.3), so the "
           "host-versus-network case is only a failure when the responder's ACL is the narrower one";
    A.push_back(a);
  } else if (rule == "pfs-mismatch") {
    me1.pfs = pfs ? (pfs == 14 ? 5 : 14) : 14;
    A.push_back(pfs ? fmt::format("this router's PFS group is unknown: assumed group{}, not the offered group {}", me1.pfs, pfs)
                    : fmt::format("the peer offers no PFS; this router assumed to require group{}", me1.pfs));
  } else if (rule == "peer-not-found") {
    uint32_t other = *sender + 1;
    while (std::find(used.begin(), used.end(), other) != used.end()) ++other;
    me1.e.peers = {other};
    A.push_back(fmt::format("no entry lists {}: the entry for this traffic assumed to name {} as its peer", ip(*sender), ip(other)));
  }
  if (rule == "crypto-map-overlap") {
    Router::Entry wide;
    wide.e.seq = 10;
    wide.e.acl = "ACL-TO-" + tag(*printed);
    wide.e.peers = {*printed};
    wide.e.sets = {"TS-LOCAL"};
    wide.aces = {ace(widened(*lp), widened(*rp))};
    wide.pfs = me1.pfs;
    me1.e.seq = 20;
    me1.e.acl = "ACL-TO-" + tag(*sender);
    me.keys = {*printed, *sender};
    me.entries = {wide, me1};
    A.push_back(fmt::format("the entry for {} assumed at sequence 10 with a broader ACL ({} <-> {}); the intended entry for "
                            "{} at sequence 20 with the mirror of the proposal",
                            ip(*printed), widened(*lp).str(), widened(*rp).str(), ip(*sender)));
  } else {
    me.entries = {me1};
  }
  std::vector<uint32_t> all_addr = used;
  for (auto& i : me.itfs) all_addr.push_back(i.addr);
  for (auto& i : peer.itfs) all_addr.push_back(i.addr);
  me.gateway = gateway_for(map_address, all_addr);
  peer.gateway = gateway_for(*sender, all_addr);
  A.push_back("both routers assumed to reach each other through a default route on their crypto map interface");

  r.logger = me.out();
  r.peer = peer.out();
  r.trigger.src = rp->first_host();
  r.trigger.dst = lp->first_host();
  r.trigger.proto = static_cast<uint8_t>(lp->proto ? lp->proto : rp->proto);
  r.trigger.port = lp->port;
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
  auto resolve = [&](const std::string& p) -> std::optional<std::string> {
    const ReconEntry* only = me.entries.size() == 1 ? &me.entries[0] : nullptr;
    auto rest = [&](const char* prefix) -> std::optional<std::string> {
      std::string x(prefix);
      if (p.rfind(x, 0) != 0) return std::nullopt;
      return p.substr(x.size());
    };
    if (on_logger) {
      if (p == "map") return me.map;
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
      if (auto v = resolve(name)) s += *v;
      else {
        unresolved.push_back(name);
        s += c.substr(i, close - i + 1);
      }
      i = close;
    }
    // "crypto map M S set ..." is not an IOS command: IOS wants the entry, then the sub-command.
    std::istringstream in(s);
    std::vector<std::string> w;
    for (std::string x; in >> x;) w.push_back(x);
    bool one_line = w.size() > 4 && w[0] == "crypto" && w[1] == "map" &&
                    std::all_of(w[3].begin(), w[3].end(), ::isdigit) && w[4] != "ipsec-isakmp" && w[4] != "ipsec-manual";
    if (one_line) {
      out.push_back(fmt::format("crypto map {} {} ipsec-isakmp", w[2], w[3]));
      std::string sub;
      for (size_t k = 4; k < w.size(); ++k) sub += " " + w[k];
      out.push_back(sub);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

namespace {

std::string describe(const model::ReplayResult& r) { return r.outcome == "failed" ? r.failure : r.outcome; }

// What the logging router prints in the capture's release, as typed events.
std::vector<Event> rendered_events(const model::ReplayResult& res, const std::string& device, Dialect d,
                                   const Tokenizer* tok, std::vector<std::string>& unread) {
  std::vector<Event> out;
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

bool same_transform(std::string_view a, std::string_view b) {
  auto x = parse_transform(a), y = parse_transform(b);
  return x && y ? x->same(*y) : a == b;
}

bool same_proxy(std::string_view a, std::string_view b) {
  auto x = parse_proxy(a), y = parse_proxy(b);
  return x && y ? x->same_traffic(*y) : a == b;
}

// Does `got` say what the captured failure event `want` says? "" = yes, else the disagreement.
std::string disagreement(const Event& want, const Event& got, std::vector<std::string>& notes) {
  for (const char* k : {"address"})
    if (!want.get(k).empty() && want.get(k) != got.get(k))
      return fmt::format("{} {} vs {}", k, want.get(k), got.get(k).empty() ? "(none)" : got.get(k));
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

}  // namespace

nlohmann::json replay_from_log(const Finding& f, const Negotiation* n, const model::ModelOptions& opt, const Tokenizer* tok) {
  nlohmann::json rep{{"status", "not-replayable"}, {"scenario", "reconstructed from the log"},
                     {"assumptions", nlohmann::json::array()}};
  Reconstruction rc = reconstruct_from_log(f, n);
  rep["assumptions"] = rc.assumptions;
  if (!rc.ok) {
    rep["why"] = rc.why;
    return rep;
  }
  rep["dialect"] = std::string(model::dialect_name(rc.dialect));
  rep["dialect_why"] = rc.dialect_why;
  auto lines_of = [](const TextSection& s) {
    std::vector<std::string> v;
    for (const auto& l : s.lines) v.push_back(l.text);
    return v;
  };
  rep["configs"] = {{rc.logger.hostname, lines_of(rc.logger.config)}, {rc.peer.hostname, lines_of(rc.peer.config)}};
  DeviceConfig me = parse_config(rc.logger.config), peer = parse_config(rc.peer.config);
  auto res = model::replay({&me, &peer}, rc.trigger, rc.peer.hostname, opt);
  rep["traffic"] = fmt::format("{} from {}", model::trigger_text(rc.trigger), rc.peer.hostname);
  rep["before"] = describe(res);
  rep["failing_check"] = res.failing_check;
  if (res.outcome != "failed" || res.failure != f.rule) {
    rep["status"] = "refuted";
    rep["why"] = fmt::format("the reconstructed scenario, which agrees with everything the capture shows, {} instead of "
                             "failing with {}",
                             res.outcome == "failed" ? "fails with " + res.failure : "ends " + res.outcome, f.rule);
    return rep;
  }
  // The confirmation proper: the captured failure records, with their decisive values, must be
  // among what the logging router prints in the model (in the capture's release).
  std::vector<std::string> unread, notes;
  std::vector<Event> got = rendered_events(res, rc.logger.hostname, rc.dialect, tok, unread);
  for (auto& u : unread) notes.push_back("a rendered record the tokenizer does not read: " + u);
  nlohmann::json compared = nlohmann::json::array();
  std::set<EventKind> checked;
  std::string missing;
  for (const auto& s : n->steps) {
    const Event& want = s.event;
    bool proposal = want.kind == EventKind::ProposalRequest;
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
    if (proposal && !any_kind) {
      // Not a failure record: a model that rejects earlier is a difference worth showing, not a refutation.
      notes.push_back("the capture reaches validate_proposal_request; the model's responder rejects before printing it");
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
    if (checked.insert(want.kind).second) compared.push_back(std::string(event_kind_name(want.kind)));
  }
  // Steps (not failures) the capture shows and the model's log lacks: shown, not decisive.
  std::set<EventKind> got_kinds, listed;
  for (const auto& g : got) got_kinds.insert(g.kind);
  for (const auto& s : n->steps) {
    EventKind k = s.event.kind;
    if (event_kind_is_failure(k) || event_kind_is_noise(k) || k == EventKind::ProposalRequest || got_kinds.count(k) ||
        !listed.insert(k).second)
      continue;
    notes.push_back(fmt::format("the capture shows `{}` ({}); the model's log does not", event_kind_name(k), s.event.text));
  }
  rep["compared"] = compared;
  if (!notes.empty()) rep["differences"] = notes;
  if (!missing.empty()) {
    rep["status"] = "refuted";
    rep["why"] = missing;
    return rep;
  }
  if (checked.empty() || (checked.size() == 1 && *checked.begin() == EventKind::ProposalRequest))
    rep["why"] = "the capture has no failure record to compare (it stops after the proposal): the model's failure is "
                 "consistent with it, not proven by it";
  rep["status"] = "confirmed";
  // After: the finding's own fix, placeholders filled from the reconstructed names.
  std::string after = "not-applicable: the fix needs values that only the device has";
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& step : f.fix) {
    bool on_logger = (!f.device.empty() && step.device == f.device) || step.device.rfind("this router", 0) == 0;
    bool on_peer = step.device.rfind("the peer", 0) == 0;
    if (!on_logger && !on_peer) continue;
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
    auto r2 = on_logger ? model::replay({&fixed, &peer}, rc.trigger, rc.peer.hostname, opt)
                        : model::replay({&me, &fixed}, rc.trigger, rc.peer.hostname, opt);
    after = describe(r2);
    rep["fix_applied"] = {{"device", on_logger ? rc.logger.hostname : rc.peer.hostname}, {"commands", cmds}};
    if (r2.outcome == "established") break;
  }
  rep["after"] = after;
  if (!problems.empty()) rep["fix_problems"] = problems;
  return rep;
}

}  // namespace ipsecdoc
