// Between-peer checks: pair devices that point at each other and predict Phase 1 and Phase 2
// in both directions (reference §2.1-§2.3, §4.1).
//
// Pairing: device A's `set peer P` (static entry of a map applied to an interface) pairs with
// the device B that owns P. P must be one of B's IKE addresses for a crypto map (address of an
// interface carrying the map, or the map's local-address interface) — otherwise B would log
// `invalid local address`. B answers with its static entries naming A's IKE address (seq
// order), then the dynamic-map entries of that map; with neither it logs `peer address not
// found`. Tunnel interfaces pair when each one's destination is the other's source.
//
// Proxy check per initiator permit line p: the responder accepts when mirror(p) lies inside
// a permit line of one of its candidate entries (subset rule, §2.1.3). Only the responder's
// candidate entries' ACL lines are compared (a handful), never the whole configuration.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "lint/lint_util.h"

namespace ipsecdoc {

using namespace lintutil;

namespace {

std::string addr(uint32_t a) { return format_ipv4(a); }

struct Ctx {
  LintResult& r;
  std::set<std::string> keys;

  explicit Ctx(LintResult& res) : r(res) {
    for (auto& f : r.findings) if (!f.key.empty()) keys.insert(f.key);
  }
  void push(Finding f) {
    if (!f.key.empty() && !keys.insert(f.key).second) return;
    r.findings.push_back(std::move(f));
  }
};

// One side of a session: device, IKE address, and what it negotiates with.
struct Side {
  size_t dev = 0;
  uint32_t addr = 0;
  std::string map;                               // crypto-map kind
  std::vector<const CryptoMapEntry*> statics;    // entries naming the peer (can initiate)
  std::vector<const CryptoMapEntry*> dynamics;   // dynamic entries (respond only)
  const IsakmpProfile* profile = nullptr;        // initiator's `set isakmp-profile`
  const Interface* tunnel = nullptr;             // tunnel kind
  const IpsecProfile* ipsec_profile = nullptr;
};

std::string pfs_name(int g) { return g ? fmt::format("group{}", g) : "none"; }

// -------------------------------------------------------------------------------- Phase 1
void phase1(Ctx& c, const Side& I, const Side& R, DirectionPrediction& pred) {
  const DeviceConfig& di = c.r.devices[I.dev];
  const DeviceConfig& dr = c.r.devices[R.dev];
  auto pi = di.ike_policies(), pr = dr.ike_policies();
  const IkePolicy* chosen = nullptr;
  for (auto& rp : pr) {
    for (auto& ip : pi)
      if (rp.same_suite(ip)) { chosen = &rp; break; }
    if (chosen) break;
  }
  std::string lo = std::min(di.hostname, dr.hostname), hi = std::max(di.hostname, dr.hostname);
  if (!chosen) {
    pred.phase1_ok = false;
    pred.rules.push_back("phase1-policy-mismatch");
    Finding f = make("phase1-policy-mismatch", Severity::Error, dr, addr(I.addr),
                     fmt::format("{} and {} have no ISAKMP policy in common ({}: {}; {}: {})", di.hostname, dr.hostname,
                                 di.hostname, pi.front().str(), dr.hostname, pr.front().str()));
    for (auto& p : dr.isakmp_policies) add_ev(f, dr, p.src);
    for (auto& p : di.isakmp_policies) add_ev(f, di, p.src);
    const IkePolicy& want = pi.front();
    int prio = want.priority;
    for (auto& p : dr.isakmp_policies) if (p.policy.priority == prio) prio = dr.isakmp_policies.back().policy.priority + 10;
    if (prio > 10000 || want.is_default) prio = 10;
    FixStep s{dr.hostname, {fmt::format("crypto isakmp policy {}", prio)},
              fmt::format("identical to {}'s policy {}; adding a policy does not disturb existing SAs", di.hostname,
                          want.is_default ? std::string("(default)") : std::to_string(want.priority))};
    s.commands.push_back(" encryption " + want.encryption + (want.encryption == "aes" && want.key_bits ? " " + std::to_string(want.key_bits) : ""));
    s.commands.push_back(" hash " + want.hash);
    s.commands.push_back(" authentication " + want.auth);
    s.commands.push_back(fmt::format(" group {}", want.group));
    f.fix.push_back(s);
    f.next.push_back("debug crypto isakmp on " + dr.hostname + ": `atts are not acceptable` / `phase 1 SA policy not acceptable`");
    f.key = fmt::format("phase1-policy-mismatch|{}|{}", lo, hi);
    c.push(std::move(f));
    return;
  }
  if (chosen->auth != "pre-share") return;  // certificates: not verifiable from configs
  const PresharedKey* ki = di.key_for(R.addr, I.addr, I.profile);
  const IsakmpProfile* rprof = nullptr;
  const PresharedKey* kr = dr.key_for(I.addr, R.addr, rprof);
  if (!ki || !kr) {
    pred.phase1_ok = false;
    pred.rules.push_back("phase1-no-key");
    const DeviceConfig& missing = !ki ? di : dr;
    uint32_t peer = !ki ? R.addr : I.addr;
    uint32_t self = !ki ? I.addr : R.addr;
    Finding f = make("phase1-no-key", Severity::Error, missing, addr(peer),
                     fmt::format("{} has no pre-shared key for peer {} (local address {})", missing.hostname, addr(peer), addr(self)));
    // First the initiator's `set peer` that starts the session, then the key the other side has.
    for (auto* e : I.statics) for (auto& p : e->peers) if (p.addr == R.addr) add_ev(f, di, p.src);
    const PresharedKey* other = !ki ? kr : ki;
    if (other) add_ev(f, !ki ? dr : di, other->src);
    f.fix.push_back(FixStep{missing.hostname,
                            {fmt::format("crypto isakmp key <the key configured on {}> address {}", (!ki ? dr : di).hostname, addr(peer))},
                            "or a `pre-shared-key address` line in the keyring the peer's profile uses"});
    f.key = fmt::format("phase1-no-key|{}|{}", missing.hostname, addr(peer));
    c.push(std::move(f));
    return;
  }
  auto a = ki->clear(), b = kr->clear();
  if (!a || !b) {
    Finding f = make("phase1-psk-mismatch", Severity::Info, dr, addr(I.addr),
                     fmt::format("pre-shared keys of {} and {} cannot be compared (type {} key): unverifiable", di.hostname,
                                 dr.hostname, !a ? ki->type : kr->type));
    add_ev(f, dr, kr->src);
    add_ev(f, di, ki->src);
    f.extra["verifiable"] = false;
    f.key = fmt::format("phase1-psk-mismatch|{}|{}|unverifiable", lo, hi);
    c.push(std::move(f));
    return;
  }
  if (*a != *b) {
    pred.phase1_ok = false;
    pred.rules.push_back("phase1-psk-mismatch");
    Finding f = make("phase1-psk-mismatch", Severity::Error, dr, addr(I.addr),
                     fmt::format("pre-shared key for {} on {} differs from the key for {} on {}", addr(R.addr), di.hostname,
                                 addr(I.addr), dr.hostname));
    add_ev(f, dr, kr->src);
    add_ev(f, di, ki->src);
    FixStep s{dr.hostname, {}, "set the same key on both sides (the key values are not shown)"};
    if (!kr->keyring.empty()) {
      s.commands = {"crypto keyring " + kr->keyring,
                    fmt::format(" pre-shared-key address {} key <the key configured on {}>", addr(I.addr), di.hostname)};
    } else {
      s.commands = {fmt::format("crypto isakmp key <the key configured on {}> address {}", di.hostname, addr(I.addr))};
    }
    f.fix.push_back(s);
    f.next.push_back("show crypto isakmp sa on " + di.hostname + ": stuck in MM_KEY_EXCH; " + dr.hostname +
                     " logs `IKE message from " + addr(I.addr) + " failed its sanity check or is malformed`");
    f.key = fmt::format("phase1-psk-mismatch|{}|{}", lo, hi);
    c.push(std::move(f));
  }
}

// -------------------------------------------------------------------------------- Phase 2
struct Proposal {
  std::vector<std::string> ts;  // names on the initiator
  int pfs = 0;
};

const Acl* acl_of(const DeviceConfig& d, const CryptoMapEntry* e) { return e->acl.empty() ? nullptr : d.acl(e->acl); }

// Responder entry accepting proxies `m` (already mirrored to the responder's view).
const CryptoMapEntry* accepting_entry(const DeviceConfig& dr, const Side& R, const Region& m) {
  for (auto* list : {&R.statics, &R.dynamics})
    for (auto* e : *list) {
      const Acl* a = acl_of(dr, e);
      if (!a) {
        if (e->in_dynamic_map && e->acl.empty()) return e;  // dynamic entry without ACL accepts any proxies
        continue;
      }
      for (auto& ace : a->aces)
        if (ace.permit())
          for (auto& g : ace.regions)
            if (g.qualifiers.empty() && g.contains(m)) return e;
    }
  return nullptr;
}

void transforms_pfs(Ctx& c, const Side& I, const Side& R, const std::vector<std::string>& its, int ipfs,
                    const CryptoMapEntry* re, const IpsecProfile* rprof, DirectionPrediction& pred, std::string where,
                    std::string pair_key) {
  const DeviceConfig& di = c.r.devices[I.dev];
  const DeviceConfig& dr = c.r.devices[R.dev];
  const std::vector<std::string>& rts = re ? re->transform_sets : rprof->transform_sets;
  int rpfs = re ? re->pfs_group : rprof->pfs_group;
  bool r_pfs_implicit = re && re->pfs_src.present() && re->pfs_src.text == "set pfs";
  bool common = false, comparable = false;
  for (auto& a : its) {
    const TransformSet* ta = di.transform_set(a);
    if (!ta || !ta->valid) continue;
    for (auto& b : rts) {
      const TransformSet* tb = dr.transform_set(b);
      if (!tb || !tb->valid) continue;
      comparable = true;
      if (ta->transform.same(tb->transform)) common = true;
    }
  }
  std::string lo = std::min(di.hostname, dr.hostname), hi = std::max(di.hostname, dr.hostname);
  if (comparable && !common) {
    pred.phase2_ok = false;
    pred.rules.push_back("transform-mismatch");
    std::string offered, have;
    for (auto& a : its) if (auto* t = di.transform_set(a)) offered += (offered.empty() ? "" : ", ") + a + " {" + t->transform.str() + (t->transform.transport ? " transport" : "") + "}";
    for (auto& b : rts) if (auto* t = dr.transform_set(b)) have += (have.empty() ? "" : ", ") + b + " {" + t->transform.str() + (t->transform.transport ? " transport" : "") + "}";
    Finding f = make("transform-mismatch", Severity::Error, dr, addr(I.addr),
                     fmt::format("{} ({}) offers {}; {} accepts only {}", di.hostname, where, offered, dr.hostname, have));
    for (auto& a : its) if (auto* t = di.transform_set(a)) add_ev(f, di, t->src);
    for (auto& b : rts) if (auto* t = dr.transform_set(b)) add_ev(f, dr, t->src);
    if (re) for (auto& s : re->transform_srcs) add_ev(f, dr, s);
    const TransformSet* want = nullptr;
    for (auto& a : its) if (auto* t = di.transform_set(a); t && t->valid) { want = t; break; }
    if (want) {
      std::string name = want->name;
      if (auto* clash = dr.transform_set(name); clash && !clash->transform.same(want->transform)) name += "-" + di.hostname;
      FixStep s{dr.hostname, {fmt::format("crypto ipsec transform-set {} {}", name, want->transform.str()),
                              want->transform.transport ? " mode transport" : " mode tunnel"},
                "adds " + di.hostname + "'s first proposal to the accepted list; existing SAs are not affected"};
      if (re) {
        s.commands.push_back(fmt::format("crypto {} {} {}{}", re->in_dynamic_map ? "dynamic-map" : "map", re->map, re->seq,
                                         re->in_dynamic_map ? "" : " ipsec-isakmp"));
        std::string line = " set transform-set";
        for (auto& b : rts) line += " " + b;
        line += " " + name;
        s.commands.push_back(line);
      } else {
        s.commands.push_back("crypto ipsec profile " + rprof->name);
        std::string line = " set transform-set";
        for (auto& b : rts) line += " " + b;
        s.commands.push_back(line + " " + name);
      }
      f.fix.push_back(s);
    }
    f.next.push_back("debug crypto ipsec on " + dr.hostname + ": `transform proposal not supported`");
    f.key = fmt::format("transform-mismatch|{}|{}|{}", lo, hi, pair_key);
    c.push(std::move(f));
  }
  // PFS (§2.3): responder with PFS requires it from the initiator with the same group
  bool fail = false;
  std::string why;
  if (rpfs && !ipfs) { fail = true; why = fmt::format("{} requires PFS {} but {} offers none", dr.hostname, pfs_name(rpfs), di.hostname); }
  else if (rpfs && ipfs && rpfs != ipfs && !(r_pfs_implicit && (ipfs == 1 || ipfs == 2))) {
    fail = true;
    why = fmt::format("{} requires PFS {} but {} offers {}", dr.hostname, pfs_name(rpfs), di.hostname, pfs_name(ipfs));
  }
  if (fail) {
    pred.phase2_ok = false;
    pred.rules.push_back("pfs-mismatch");
    Finding f = make("pfs-mismatch", Severity::Error, dr, addr(I.addr), why + " (when " + di.hostname + " initiates)");
    if (re) add_ev(f, dr, re->pfs_src.present() ? re->pfs_src : re->src);
    for (auto* e : I.statics) add_ev(f, di, e->pfs_src.present() ? e->pfs_src : e->src);
    if (!I.statics.empty()) {
      const CryptoMapEntry* ie = I.statics.front();
      f.fix.push_back(FixStep{di.hostname,
                              {fmt::format("crypto map {} {} ipsec-isakmp", ie->map, ie->seq), " set pfs " + pfs_name(rpfs)},
                              "applies to new SAs at the next rekey"});
    }
    f.key = fmt::format("pfs-mismatch|{}>{}|{}", di.hostname, dr.hostname, where);
    c.push(std::move(f));
  } else if (ipfs && !rpfs) {
    Finding f = make("pfs-mismatch", Severity::Info, dr, addr(I.addr),
                     fmt::format("{} offers PFS {} and {} has no `set pfs`: accepted by IOS (responder follows the "
                                 "offer); unverified on IOS-XE", di.hostname, pfs_name(ipfs), dr.hostname));
    for (auto* e : I.statics) add_ev(f, di, e->pfs_src);
    if (re) add_ev(f, dr, re->src);
    f.key = fmt::format("pfs-mismatch|{}>{}|{}|initiator-only", di.hostname, dr.hostname, where);
    c.push(std::move(f));
  }
}

// A packet inside the region (first host of each side, lowest protocol and ports), as
// {src, dst, proto, sport, port}; proto 0 = any protocol (the model sends a ping).
nlohmann::json packet_in(const Region& g) {
  auto first = [](const AddrMatch& a) {
    if (a.is_host()) return a.value;
    uint32_t next = a.value + 1;
    return a.matches(next) ? next : a.value;
  };
  uint32_t proto = g.proto.is_all(kMaxProto) || g.proto.empty() ? 0 : g.proto.iv.front().first;
  auto lowest = [](const IntervalSet& ports) { return ports.is_all(kMaxPort) || ports.empty() ? 0 : ports.iv.front().first; };
  return {{"src", addr(first(g.src))}, {"dst", addr(first(g.dst))}, {"proto", proto},
          {"sport", lowest(g.sport)}, {"port", lowest(g.dport)}};
}

void proxies(Ctx& c, const Side& I, const Side& R, const CryptoMapEntry& ie, DirectionPrediction& pred,
             std::vector<std::pair<const CryptoMapEntry*, const CryptoMapEntry*>>& matched) {
  const DeviceConfig& di = c.r.devices[I.dev];
  const DeviceConfig& dr = c.r.devices[R.dev];
  const Acl* ia = acl_of(di, &ie);
  if (!ia) return;
  for (auto& p : ia->aces) {
    if (!p.permit()) continue;
    for (size_t ri = 0; ri < p.regions.size(); ++ri) {
      const Region& g = p.regions[ri];
      Region m = g.mirror();
      if (const CryptoMapEntry* re = accepting_entry(dr, R, m)) {
        matched.emplace_back(&ie, re);
        continue;
      }
      // Rejected. Is there a narrower responder line the responder itself could initiate with?
      const Ace* narrower = nullptr;
      const CryptoMapEntry* narrower_entry = nullptr;
      std::vector<std::pair<const CryptoMapEntry*, const Ace*>> touching;
      for (auto* list : {&R.statics, &R.dynamics})
        for (auto* e : *list)
          if (const Acl* a = acl_of(dr, e))
            for (auto& ra : a->aces) {
              if (!ra.permit()) continue;
              for (auto& rg : ra.regions) {
                if (!rg.intersects(m)) continue;
                touching.emplace_back(e, &ra);
                if (!narrower && m.contains(rg) && !e->in_dynamic_map) { narrower = &ra; narrower_entry = e; }
              }
            }
      Severity sev = narrower ? Severity::Warning : Severity::Error;
      pred.phase2_ok = false;
      if (std::find(pred.rules.begin(), pred.rules.end(), "proxy-id-mismatch") == pred.rules.end())
        pred.rules.push_back("proxy-id-mismatch");
      Finding f = make("proxy-id-mismatch", sev, dr, addr(I.addr), "");
      std::string mine = p.ios(ri);
      std::string mirrored = ace_text(m, true);
      if (narrower) {
        f.message = fmt::format("{} rejects {}'s proposal for `{}` (proxies not inside any permit line); {}'s narrower "
                                "line `{}` works only when {} initiates", dr.hostname, di.hostname, mine, dr.hostname,
                                narrower->ios(), dr.hostname);
      } else if (!touching.empty()) {
        f.message = fmt::format("{} rejects {}'s proposal for `{}`: its lines overlap the mirror `{}` but none contains it",
                                dr.hostname, di.hostname, mine, mirrored);
      } else {
        f.message = fmt::format("{} rejects {}'s proposal for `{}`: no permit line for the mirror `{}` in its entries "
                                "for {}", dr.hostname, di.hostname, mine, mirrored, addr(I.addr));
      }
      add_ev(f, di, p.src);
      for (auto& [e, ra] : touching) add_ev(f, dr, ra->src);
      for (auto* e : R.statics) add_ev(f, dr, e->acl_src.present() ? e->acl_src : e->src);
      for (auto* e : R.dynamics) add_ev(f, dr, e->src);
      f.explanation += fmt::format(" {} sends proxies local={} remote={} (from its line); {} needs them swapped inside "
                                   "one of its own permit lines.", di.hostname, g.src.str(), g.dst.str(), dr.hostname);
      // Fix on the responder: a line that is the exact mirror (replacing the narrower one).
      const CryptoMapEntry* target = narrower_entry ? narrower_entry
                                     : !R.statics.empty() ? R.statics.front()
                                     : !R.dynamics.empty() ? R.dynamics.front() : nullptr;
      const Acl* ta = target ? acl_of(dr, target) : nullptr;
      if (ta) {
        FixStep s{dr.hostname, {acl_header(*ta)}, ""};
        if (narrower) {
          s.commands.push_back(fmt::format(" no {}", narrower->seq));
          s.commands.push_back(fmt::format(" {} {}", narrower->seq, mirrored));
        } else {
          uint32_t seq = ta->aces.empty() ? 10 : ta->aces.back().seq + 10;
          s.commands.push_back(fmt::format(" {} {}", seq, mirrored));
        }
        s.note = fmt::format("makes {}'s crypto ACL {} the mirror of {}'s line; new SAs only, existing SAs stay", dr.hostname,
                             ta->name, di.hostname);
        f.fix.push_back(s);
      }
      if (narrower) {
        FixStep s2{di.hostname, {acl_header(*ia), fmt::format(" no {}", p.seq),
                                 fmt::format(" {} {}", p.seq, ace_text(narrower->regions[0].mirror(), true))},
                   "alternative: narrow " + di.hostname + "'s line to the mirror of " + dr.hostname + "'s instead"};
        f.fix.push_back(s2);
      }
      f.next.push_back("debug crypto ipsec on " + dr.hostname + ": `proxy identities not supported` (15.x/XE: "
                       "`IPSec policy invalidated proposal with error 32`)");
      f.extra["initiator_proxies"] = {{"local", g.src.str()}, {"remote", g.dst.str()}};
      // The direction this finding is about (the responder is `device`): replay (app/confirm)
      // sends this packet from the initiator; the other direction is a separate finding.
      f.extra["initiator"] = di.hostname;
      f.extra["initiator_packet"] = packet_in(g);
      f.extra["works_when"] = narrower ? dr.hostname + " initiates" : "never";
      f.key = fmt::format("proxy-id-mismatch|{}>{}|{}|{}", di.hostname, dr.hostname, p.src.line, ri);
      c.push(std::move(f));
    }
  }
}

// -------------------------------------------------------------------------------- sessions
DirectionPrediction predict_map(Ctx& c, const Side& I, const Side& R) {
  DirectionPrediction pred;
  if (I.statics.empty()) {
    pred.can_initiate = false;
    pred.summary = "cannot initiate (dynamic crypto map only)";
    return pred;
  }
  phase1(c, I, R, pred);
  const DeviceConfig& di = c.r.devices[I.dev];
  const DeviceConfig& dr = c.r.devices[R.dev];
  if (R.statics.empty() && R.dynamics.empty()) {
    pred.phase2_ok = false;
    pred.rules.push_back("peer-not-found");
  } else {
    for (auto* ie : I.statics) {
      std::vector<std::pair<const CryptoMapEntry*, const CryptoMapEntry*>> matched;
      proxies(c, I, R, *ie, pred, matched);
      const CryptoMapEntry* re = !matched.empty() ? matched.front().second
                                 : !R.statics.empty() ? R.statics.front() : R.dynamics.front();
      std::string x = di.hostname + " " + ie->label(), y = dr.hostname + " " + re->label();
      transforms_pfs(c, I, R, ie->transform_sets, ie->pfs_group, re, nullptr, pred, x + " -> " + y,
                     std::min(x, y) + "|" + std::max(x, y));
    }
  }
  if (pred.rules.empty()) pred.summary = "established";
  else {
    pred.summary = pred.phase1_ok ? "phase 2 fails:" : "phase 1 fails:";
    for (auto& x : pred.rules) pred.summary += " " + x;
  }
  return pred;
}

// peer-not-found where no entry of B protects A's traffic: a new entry of B's map for A (after
// the last one) with the mirror of A's crypto ACL, a transform set A offers (B's own when it has
// an identical one) and A's PFS group - every value taken from the two configs, none to fill in.
FixStep new_entry_for(const DeviceConfig& da, const CryptoMapEntry& ae, const DeviceConfig& db, const CryptoMap& mb,
                      uint32_t peer) {
  auto unused = [](const auto& names, const std::string& base) {
    std::string n = base;
    for (int i = 2; names.count(n); ++i) n = fmt::format("{}-{}", base, i);
    return n;
  };
  FixStep s{db.hostname, {}, ""};
  std::string acl = unused(db.acls, "CRYPTO-TO-" + da.hostname);
  s.commands.push_back("ip access-list extended " + acl);
  if (const Acl* a = da.acl(ae.acl))
    for (const auto& ace : a->aces)
      if (ace.permit())
        for (const auto& r : ace.regions) s.commands.push_back(" " + ace_text(r.mirror(), true));
  std::string ts;
  for (const auto& n : ae.transform_sets) {
    const TransformSet* t = da.transform_set(n);
    if (!t || !t->valid) continue;
    for (const auto& [bn, bt] : db.transform_sets)
      if (ts.empty() && bt.valid && bt.transform.same(t->transform)) ts = bn;
  }
  if (ts.empty())
    for (const auto& n : ae.transform_sets)
      if (const TransformSet* t = da.transform_set(n); t && t->valid) {
        ts = unused(db.transform_sets, "TS-" + da.hostname);
        s.commands.push_back(fmt::format("crypto ipsec transform-set {} {}", ts, t->transform.str()));
        if (t->transform.transport) s.commands.push_back(" mode transport");
        break;
      }
  uint32_t seq = 10;
  for (const auto& x : mb.entries) seq = std::max(seq, x.seq + 10);
  if (seq > 65535)  // no room after the last entry: the first free number
    for (seq = 1; mb.entry(seq); ++seq) {
    }
  s.commands.push_back(fmt::format("crypto map {} {} ipsec-isakmp", mb.name, seq));
  s.commands.push_back(" set peer " + addr(peer));
  if (!ts.empty()) s.commands.push_back(" set transform-set " + ts);
  s.commands.push_back(" match address " + acl);
  if (ae.pfs_group) s.commands.push_back(" set pfs " + pfs_name(ae.pfs_group));
  s.note = fmt::format("a new entry {} for {} with the mirror of its crypto ACL {}{}", seq, da.hostname, ae.acl,
                       ts.empty() ? "" : " and a transform set it offers");
  return s;
}

void pair_maps(Ctx& c) {
  auto& devs = c.r.devices;
  std::map<std::tuple<size_t, uint32_t, size_t, uint32_t>, size_t> pair_index;  // (a, a_addr, b, b_addr)
  for (size_t a = 0; a < devs.size(); ++a) {
    const DeviceConfig& da = devs[a];
    for (auto& [mname, m] : da.crypto_maps) {
      if (da.map_interfaces(mname).empty()) continue;
      for (auto& e : m.entries) {
        if (e.is_dynamic_ref()) continue;
        for (auto& p : e.peers) {
          if (!p.addr) continue;
          uint32_t P = *p.addr;
          size_t b = devs.size();
          for (size_t k = 0; k < devs.size(); ++k)
            if (k != a && devs[k].owns_address(P)) { b = k; break; }
          if (b == devs.size()) continue;
          const DeviceConfig& db = devs[b];
          uint32_t LA = local_address_for(da, mname, P);
          // B's map whose IKE address is P
          const CryptoMap* mb = nullptr;
          for (auto& [n2, m2] : db.crypto_maps) {
            auto la = db.map_local_addresses(n2);
            if (std::find(la.begin(), la.end(), P) != la.end()) { mb = &m2; break; }
          }
          if (!mb) {
            const Interface* pif = db.interface_with_address(P);
            Finding f = make("invalid-local-address", Severity::Error, db, LA ? addr(LA) : "",
                             fmt::format("{} (crypto {}) sends IKE to {} = {} {}, which carries no crypto map on {}",
                                         da.hostname, e.label(), addr(P), db.hostname, pif ? pif->name : "?", db.hostname));
            add_ev(f, da, p.src);
            if (pif) add_ev(f, db, pif->src);
            std::vector<uint32_t> good;
            std::string good_map;
            for (auto& [n2, m2] : db.crypto_maps) {
              auto la = db.map_local_addresses(n2);
              if (!la.empty() && good.empty()) { good = la; good_map = n2; add_ev(f, db, m2.local_address_src); }
            }
            for (auto& i : db.interfaces) if (i.crypto_map == good_map) add_ev(f, db, i.crypto_map_src);
            if (!good.empty()) {
              f.fix.push_back(FixStep{da.hostname,
                                      {fmt::format("crypto map {} {} ipsec-isakmp", e.map, e.seq), " set peer " + addr(good[0]),
                                       " no set peer " + addr(P)},
                                      fmt::format("{}'s IKE address for crypto map {} is {}", db.hostname, good_map, addr(good[0]))});
              if (pif)
                f.fix.push_back(FixStep{db.hostname, {fmt::format("crypto map {} local-address {}", good_map, pif->name)},
                                        "alternative: terminate IKE on " + addr(P) + "; every SA of the map is re-negotiated "
                                        "(brief interruption) and other peers must then point at " + addr(P)});
            }
            f.next.push_back("debug crypto ipsec on " + db.hostname + ": `IPSEC(validate_proposal): invalid local address " + addr(P) + "`");
            f.key = fmt::format("invalid-local-address|{}|{}|{}", db.hostname, addr(P), da.hostname);
            c.push(std::move(f));
            // Main Mode comes first and does not need a crypto map on P: a policy or key
            // problem between the two fails there, before Quick Mode's local-address check.
            Side I, R;
            I.dev = a; I.addr = LA; I.map = mname;
            I.statics = entries_for_peer(da, m, P);
            if (!e.isakmp_profile.empty()) I.profile = da.isakmp_profile(e.isakmp_profile);
            R.dev = b; R.addr = P;
            DirectionPrediction main_mode;
            phase1(c, I, R, main_mode);
            continue;
          }
          Side I, R;
          I.dev = a; I.addr = LA; I.map = mname;
          I.statics = entries_for_peer(da, m, P);
          I.dynamics = dynamic_entries(da, m);
          if (!e.isakmp_profile.empty()) I.profile = da.isakmp_profile(e.isakmp_profile);
          R.dev = b; R.addr = P; R.map = mb->name;
          R.statics = entries_for_peer(db, *mb, LA);
          R.dynamics = dynamic_entries(db, *mb);
          for (auto* re : R.statics)
            if (!re->isakmp_profile.empty()) { R.profile = db.isakmp_profile(re->isakmp_profile); break; }
          auto key = std::make_tuple(std::min(a, b), a < b ? LA : P, std::max(a, b), a < b ? P : LA);
          bool fresh = !pair_index.count(key);
          if (fresh) {
            PairInfo pi;
            pi.kind = "crypto-map";
            pi.a = a; pi.b = b; pi.a_addr = LA; pi.b_addr = P;
            pi.a_map = mname; pi.b_map = mb->name;
            pi.a_seq = I.statics.empty() ? 0 : I.statics.front()->seq;
            pi.b_seq = R.statics.empty() ? 0 : R.statics.front()->seq;
            pi.b_dynamic = R.statics.empty() && !R.dynamics.empty();
            pi.a_dynamic = false;
            if (auto* i = da.interface_with_address(LA)) pi.a_interface = i->name;
            if (auto* i = db.interface_with_address(P)) pi.b_interface = i->name;
            pair_index[key] = c.r.pairs.size();
            c.r.pairs.push_back(pi);
          } else {
            continue;  // the reverse direction was already evaluated from the other side
          }
          PairInfo& pi = c.r.pairs[pair_index[key]];
          pi.a_to_b = predict_map(c, I, R);
          pi.b_to_a = predict_map(c, R, I);
          if (R.statics.empty() && R.dynamics.empty()) {
            // peer-not-found on B; does B list another address of A?
            Finding f = make("peer-not-found", Severity::Error, db, addr(LA),
                             fmt::format("{} has no crypto map {} entry for peer {} ({}) and no dynamic map", db.hostname,
                                         mb->name, addr(LA), da.hostname));
            add_ev(f, da, p.src);
            std::string other;
            for (auto& e2 : mb->entries)
              for (auto& q : e2.peers)
                if (q.addr && da.owns_address(*q.addr) && *q.addr != LA) {
                  add_ev(f, db, q.src);
                  other = addr(*q.addr);
                  if (auto* oi = da.interface_with_address(*q.addr))
                    f.fix.push_back(FixStep{da.hostname, {fmt::format("crypto map {} local-address {}", mname, oi->name)},
                                            fmt::format("{} expects {} to use {} ({}); every SA of map {} is re-negotiated "
                                                        "(brief interruption)", db.hostname, da.hostname, other, oi->name, mname)});
                }
            if (!mb->entries.empty()) add_ev(f, db, mb->entries.front().src);
            // An existing entry of B whose crypto ACL already permits the mirror of A's traffic:
            // adding A's address as a peer of that entry is the whole fix.
            const CryptoMapEntry* covering = nullptr;
            if (const Acl* aacl = da.acl(e.acl))
              for (const auto& ace : aacl->aces) {
                if (!ace.permit() || covering) continue;
                auto px = ace.proxies();
                if (!px) continue;
                Packet mirror{px->second.first_host(), px->first.first_host(), static_cast<uint8_t>(px->first.proto ? px->first.proto : 1),
                              px->second.port, px->first.port};
                for (const auto& e2 : mb->entries) {
                  if (e2.acl.empty()) continue;
                  const Acl* bacl = db.acl(e2.acl);
                  const Ace* hit = bacl ? bacl->first_match(mirror) : nullptr;
                  if (hit && hit->permit()) { covering = &e2; break; }
                }
              }
            if (other.empty() && covering) {
              f.fix.push_back(FixStep{db.hostname,
                                      {fmt::format("crypto map {} {} ipsec-isakmp", mb->name, covering->seq), " set peer " + addr(LA)},
                                      fmt::format("entry {} already protects this traffic; this adds {} as a further peer of it "
                                                  "(the existing peers stay)", covering->seq, addr(LA))});
            } else if (other.empty() && !mb->entries.empty()) {
              f.fix.push_back(new_entry_for(da, e, db, *mb, LA));
            }
            f.next.push_back("debug crypto ipsec on " + db.hostname + ": `peer address " + addr(LA) + " not found`");
            f.key = fmt::format("peer-not-found|{}|{}", db.hostname, addr(LA));
            c.push(std::move(f));
          }
        }
      }
    }
  }
}

uint32_t tunnel_source(const DeviceConfig& d, const Interface& t) {
  if (auto a = parse_ipv4(t.tunnel_source)) return *a;
  if (const Interface* i = d.interface(t.tunnel_source)) return i->primary_address().value_or(0);
  return 0;
}

void pair_tunnels(Ctx& c) {
  auto& devs = c.r.devices;
  for (size_t a = 0; a < devs.size(); ++a)
    for (auto& ta : devs[a].interfaces) {
      if (ta.tunnel_protection.empty() || ta.shutdown || !ta.tunnel_destination) continue;
      uint32_t sa = tunnel_source(devs[a], ta);
      for (size_t b = a + 1; b < devs.size(); ++b)
        for (auto& tb : devs[b].interfaces) {
          if (tb.tunnel_protection.empty() || tb.shutdown || !tb.tunnel_destination) continue;
          uint32_t sb = tunnel_source(devs[b], tb);
          if (*ta.tunnel_destination != sb || *tb.tunnel_destination != sa) continue;
          auto pa = devs[a].ipsec_profiles.find(ta.tunnel_protection);
          auto pb = devs[b].ipsec_profiles.find(tb.tunnel_protection);
          if (pa == devs[a].ipsec_profiles.end() || pb == devs[b].ipsec_profiles.end()) continue;
          PairInfo pi;
          pi.kind = "tunnel";
          pi.a = a; pi.b = b; pi.a_addr = sa; pi.b_addr = sb;
          pi.a_interface = ta.name; pi.b_interface = tb.name;
          Side A, B;
          A.dev = a; A.addr = sa; A.tunnel = &ta; A.ipsec_profile = &pa->second;
          B.dev = b; B.addr = sb; B.tunnel = &tb; B.ipsec_profile = &pb->second;
          if (!pa->second.isakmp_profile.empty()) A.profile = devs[a].isakmp_profile(pa->second.isakmp_profile);
          if (!pb->second.isakmp_profile.empty()) B.profile = devs[b].isakmp_profile(pb->second.isakmp_profile);
          for (int dir = 0; dir < 2; ++dir) {
            const Side& I = dir == 0 ? A : B;
            const Side& R = dir == 0 ? B : A;
            DirectionPrediction pred;
            phase1(c, I, R, pred);
            transforms_pfs(c, I, R, I.ipsec_profile->transform_sets, I.ipsec_profile->pfs_group, nullptr, R.ipsec_profile,
                           pred, fmt::format("{} {} -> {} {}", devs[I.dev].hostname, I.tunnel->name, devs[R.dev].hostname,
                                             R.tunnel->name),
                           fmt::format("{} {}|{} {}", devs[a].hostname, ta.name, devs[b].hostname, tb.name));
            if (pred.rules.empty()) pred.summary = "established";
            else {
              pred.summary = pred.phase1_ok ? "phase 2 fails:" : "phase 1 fails:";
              for (auto& x : pred.rules) pred.summary += " " + x;
            }
            (dir == 0 ? pi.a_to_b : pi.b_to_a) = pred;
          }
          c.r.pairs.push_back(pi);
        }
    }
}

}  // namespace

void lint_peers(LintResult& result) {
  Ctx c(result);
  pair_maps(c);
  pair_tunnels(c);
}

}  // namespace ipsecdoc
