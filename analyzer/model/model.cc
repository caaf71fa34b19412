// The IKEv1 crypto-map reference model. Structure: the initiator picks entry/peer/proxies
// (§1), Main Mode runs MM1-MM6 (§4), then the responder decides Quick Mode (§2.2) and both
// sides log what IOS logs. Decisions are computed first (pure functions), then the trace is
// emitted from them, so the order of checks is visible in one place (decide_qm, main_mode).
#include "model/model.h"

#include <algorithm>
#include <new>

#include <fmt/format.h>

namespace ipsecdoc::model {
namespace {

// Values as views: the temporaries they may view live until the end of the `add` call.
using KV = std::pair<const char*, std::string_view>;

std::string ip(uint32_t a) { return format_ipv4(a); }

// Deterministic "random" numbers (SPIs, message ids) so traces are reproducible.
uint32_t mix(uint64_t h) {
  h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL; h ^= h >> 33;
  return static_cast<uint32_t>(h);
}
uint32_t spi_for(uint32_t a, uint32_t b, uint32_t salt) {
  uint32_t v = mix((uint64_t(a) << 32 | b) ^ (uint64_t(salt) * 0x9E3779B97F4A7C15ULL));
  return v < 0x1000 ? v + 0x10000000u : v;
}
std::string hex_spi(uint32_t v) { return fmt::format("0x{:X}", v); }

struct Out {
  ReplayResult& r;
  const Keep& keep;
  bool keeps(const std::string& dev) const { return keep.trace && (keep.device.empty() || dev == keep.device); }
  void add(const std::string& dev, EventKind k, int conn, uint8_t mask, std::initializer_list<KV> f) {
    // (A record not kept stops here: building it was about a third of a fix check's run.)
    if (!keeps(dev)) return;
    TraceEvent& te = r.trace.emplace_back();
    te.device = dev;
    te.dialects = mask;
    te.event.kind = k;
    te.event.device = dev;
    te.event.conn_id = conn;
    // Encoded in one pass and one allocation (`assign`: the same bytes as appending each).
    // Raw storage: only the f.size() entries used are constructed (zeroing all 16 cost more
    // than encoding them).
    alignas(Fields::Entry) unsigned char raw[16 * sizeof(Fields::Entry)];
    std::vector<Fields::Entry> more;
    Fields::Entry* at = f.size() <= 16 ? reinterpret_cast<Fields::Entry*>(raw) : (more.resize(f.size()), more.data());
    size_t n = 0;
    for (auto& [a, b] : f) new (at + n++) Fields::Entry{a, b};
    te.event.fields.assign(at, n);
  }
};

// ---- Routing and initiator entry selection (§1.1, §1.2, §1.3) --------------------------------

bool in_subnet(uint32_t a, const InterfaceAddress& ia) { return (a & ia.mask) == (ia.addr & ia.mask); }

const Interface* connected_to(const DeviceConfig& d, uint32_t a, int* len) {
  const Interface* best = nullptr;
  int best_len = -1;
  for (auto& i : d.interfaces) {
    if (i.shutdown || !i.vrf.empty()) continue;
    for (auto& x : i.addresses)
      if (in_subnet(a, x) && mask_prefix_len(x.mask) > best_len) { best = &i; best_len = mask_prefix_len(x.mask); }
  }
  if (len) *len = best_len;
  return best;
}

// Longest match over connected subnets and global static routes (connected wins ties).
const Interface* egress(const DeviceConfig& d, uint32_t dst) {
  int best_len = -1;
  const Interface* best = connected_to(d, dst, &best_len);
  for (auto& r : d.routes) {
    if (!r.vrf.empty() || (dst & r.mask) != (r.prefix & r.mask)) continue;
    int l = mask_prefix_len(r.mask);
    if (l <= best_len) continue;
    const Interface* via = nullptr;
    if (!r.interface.empty()) via = d.interface(r.interface);
    else if (r.next_hop) via = connected_to(d, *r.next_hop, nullptr);
    if (via && !via->shutdown) { best = via; best_len = l; }
  }
  return best;
}

std::vector<uint32_t> ordered_peers(const CryptoMapEntry& e) {
  std::vector<uint32_t> out;
  for (auto& p : e.peers) if (p.is_default && p.addr) out.push_back(*p.addr);
  for (auto& p : e.peers) if (!p.is_default && p.addr) out.push_back(*p.addr);
  return out;
}

bool lists_peer(const CryptoMapEntry& e, uint32_t p) {
  for (auto& x : e.peers) if (x.addr && *x.addr == p) return true;
  return false;
}

Region proposal_region(const Proxy& local, const Proxy& remote) {
  Region q;
  if (local.proto != 0) q.proto = IntervalSet::one(local.proto);
  q.src = AddrMatch{local.addr & local.mask, local.mask};
  q.dst = AddrMatch{remote.addr & remote.mask, remote.mask};
  if (local.port) q.sport = IntervalSet::one(local.port);
  if (remote.port) q.dport = IntervalSet::one(remote.port);
  return q;
}

// Does the ACL send every packet of q to a permit line (first-match)? Direct walk first; the
// exact set algebra only when earlier lines cut the region partially.
bool covers(const Acl& acl, const Region& q) {
  bool cut = false;
  for (auto& a : acl.aces) {
    if (a.inactive) continue;
    for (auto& g : a.regions) {
      if (!g.intersects(q)) continue;
      if (!g.qualifiers.empty()) { cut = true; continue; }
      if (a.permit()) {
        if (!cut && g.contains(q)) return true;
      } else if (!cut) {
        return false;
      }
      cut = true;
    }
  }
  if (!cut) return false;
  auto d = acl.decide(q, 2048);
  if (!d) return false;
  for (auto& x : *d)
    if (x.ace < 0 || !acl.aces[static_cast<size_t>(x.ace)].permit()) return false;
  return true;
}

bool same_crypto(const Transform& a, const Transform& b) {
  return a.esp_enc == b.esp_enc && a.effective_key_bits() == b.effective_key_bits() && a.esp_auth == b.esp_auth &&
         a.ah == b.ah && a.comp == b.comp;
}

bool crypto_enabled(const DeviceConfig& d) {
  if (!d.isakmp_policies.empty() || !d.keys.empty()) return true;
  for (auto& i : d.interfaces) if (!i.crypto_map.empty()) return true;
  return false;
}

// ---- Responder Quick Mode decision (§2.1-§2.3) -----------------------------------------------

enum class QmFail { None, LocalAddress, PeerNotFound, Overlap, Proxy, Transform, Pfs };
enum : uint8_t { kOk = 0, kBadTransform = 1, kBadPfs = 2 };

struct Candidate {
  const CryptoMapEntry* e;
  std::string map;   // static map name (dynamic entries: the set that references them)
  uint32_t seq;      // static seq (dynamic: the referencing entry)
  bool dynamic;
};

struct QmDecision {
  QmFail fail = QmFail::None;
  const CryptoMap* map = nullptr;
  Candidate entry{nullptr, "", 0, false};
  uint32_t printed_peer = 0;
  int accepted = -1;
  std::vector<uint8_t> status;
  std::vector<std::string> notes;
};

uint8_t proposal_status(const DeviceConfig& d, const CryptoMapEntry& e, const Transform& t, int pfs_i,
                        const ModelOptions& o) {
  bool tr = false;
  for (auto& n : e.transform_sets)
    if (const TransformSet* ts = d.transform_set(n); ts && ts->valid && same_crypto(ts->transform, t)) tr = true;
  if (!tr) return kBadTransform;
  int gr = e.pfs_group;
  if (gr && !pfs_i) return kBadPfs;
  if (gr && pfs_i && gr != pfs_i && o.pfs_groups_must_match) return kBadPfs;
  if (!gr && pfs_i && !o.accept_initiator_pfs_when_responder_has_none) return kBadPfs;
  return kOk;
}

// The crypto map whose IKE address is `local` (interface address, or its local-address).
const CryptoMap* map_at(const DeviceConfig& d, uint32_t local) {
  for (auto& [name, m] : d.crypto_maps) {
    if (!m.local_address.empty()) {
      if (const Interface* i = d.interface(m.local_address); i && i->has_address(local)) return &m;
      continue;
    }
    for (auto* i : d.map_interfaces(name))
      if (!i->shutdown && i->has_address(local)) return &m;
  }
  return nullptr;
}

QmDecision decide_qm(const DeviceConfig& d, uint32_t local, uint32_t peer, const Proxy& rl, const Proxy& rr,
                     const std::vector<Transform>& props, int pfs_i, const ModelOptions& o) {
  QmDecision q;
  q.status.assign(props.size(), kBadTransform);
  // Step 2: the address the IKE SA terminates on must carry a crypto map (§2.2).
  q.map = map_at(d, local);
  if (!q.map) { q.fail = QmFail::LocalAddress; return q; }
  // Candidates: static entries in seq order, then the referenced dynamic entries (§2.1.2).
  std::vector<Candidate> cands;
  bool any_dynamic = false;
  for (auto& e : q.map->entries) {
    if (e.ipsec_manual || e.is_dynamic_ref()) continue;
    if (e.acl.empty() || !d.acl(e.acl)) continue;  // incomplete entry: inactive (§1.1.10)
    cands.push_back({&e, q.map->name, e.seq, false});
  }
  for (auto& e : q.map->entries) {
    if (!e.is_dynamic_ref()) continue;
    if (const CryptoMap* dm = d.dynamic_map(e.dynamic_ref))
      for (auto& de : dm->entries) { cands.push_back({&de, q.map->name, e.seq, true}); any_dynamic = true; }
  }
  auto accepts_peer = [&](const Candidate& c) { return c.dynamic ? (c.e->peers.empty() || lists_peer(*c.e, peer)) : lists_peer(*c.e, peer); };
  Region region = proposal_region(rl, rr);
  auto covers_c = [&](const Candidate& c) {
    if (c.e->acl.empty()) return c.dynamic;  // a dynamic entry without ACL takes any proxies
    const Acl* a = d.acl(c.e->acl);
    return a && covers(*a, region);
  };
  // Step 3: some entry lists the peer (dynamic entries accept any peer).
  bool listed = any_dynamic;
  for (auto& c : cands) listed = listed || (!c.dynamic && lists_peer(*c.e, peer));
  // Step 4: the first entry whose ACL covers the proxies is selected (subset rule §2.1.3).
  int sel = -1;
  for (size_t i = 0; i < cands.size() && sel < 0; ++i) if (covers_c(cands[i])) sel = static_cast<int>(i);
  if (!listed) {
    q.fail = QmFail::PeerNotFound;
    q.printed_peer = peer;
    if (o.peer_not_found_prints_entry_peer && sel >= 0) {
      auto ps = ordered_peers(*cands[static_cast<size_t>(sel)].e);
      if (!ps.empty()) q.printed_peer = ps[0];
    }
    if (sel >= 0) q.entry = cands[static_cast<size_t>(sel)];
    return q;
  }
  if (sel < 0) { q.fail = QmFail::Proxy; return q; }
  q.entry = cands[static_cast<size_t>(sel)];
  // Step 4b: the selected entry must list the peer; IOS prints the entry's peer (Example 19-16).
  if (!accepts_peer(q.entry)) {
    q.fail = QmFail::Overlap;
    auto ps = ordered_peers(*q.entry.e);
    q.printed_peer = ps.empty() ? peer : ps[0];
    return q;
  }
  // Steps 5-6: transforms then PFS, per proposal in the initiator's order (§1.3.4).
  auto evaluate = [&](const Candidate& c, std::vector<uint8_t>& st) {
    int acc = -1;
    for (size_t i = 0; i < props.size(); ++i) {
      st[i] = proposal_status(d, *c.e, props[i], pfs_i, o);
      if (st[i] == kOk) { acc = static_cast<int>(i); break; }
    }
    return acc;
  };
  q.accepted = evaluate(q.entry, q.status);
  if (q.accepted < 0 && o.responder_keeps_searching) {
    for (size_t i = static_cast<size_t>(sel) + 1; i < cands.size(); ++i) {
      if (!accepts_peer(cands[i]) || !covers_c(cands[i])) continue;
      std::vector<uint8_t> st(props.size(), kBadTransform);
      int acc = evaluate(cands[i], st);
      if (acc >= 0) {
        q.notes.push_back(fmt::format("responder: entry {} {} fails the proposal; later entry {} {} accepts it "
                                      "(responder_keeps_searching)", q.entry.map, q.entry.seq, cands[i].map, cands[i].seq));
        q.entry = cands[i];
        q.status = st;
        q.accepted = acc;
        break;
      }
    }
  }
  if (q.accepted < 0) {
    bool pfs = std::find(q.status.begin(), q.status.end(), kBadPfs) != q.status.end();
    q.fail = pfs ? QmFail::Pfs : QmFail::Transform;
  }
  return q;
}

// ---- The replay ------------------------------------------------------------------------------

struct Side {
  const DeviceConfig* cfg = nullptr;
  std::string name;
  int ike = 0;  // IKE SA counter
};

std::string dev_name(const DeviceConfig* d, size_t i) {
  return d->hostname.empty() ? fmt::format("device{}", i + 1) : d->hostname;
}

const DeviceConfig* initiator_for(const std::vector<const DeviceConfig*>& devs, const Trigger& t, std::string& why) {
  // Inside network: a connected subnet holding src on an interface without a crypto map.
  const DeviceConfig* best = nullptr;
  int best_len = -1;
  for (auto* d : devs) {
    for (auto& i : d->interfaces) {
      if (!i.crypto_map.empty()) continue;
      for (auto& a : i.addresses)
        if (in_subnet(t.src, a) && mask_prefix_len(a.mask) > best_len) { best = d; best_len = mask_prefix_len(a.mask); }
    }
  }
  if (best) { why = "its inside interface holds the source"; return best; }
  for (auto* d : devs)
    for (auto& [n, acl] : d->acls)
      for (auto& a : acl.aces)
        for (auto& g : a.regions)
          if (a.permit() && g.src.matches(t.src) && g.dst.matches(t.dst)) {
            bool used = false;
            for (auto& [mn, m] : d->crypto_maps) for (auto& e : m.entries) used = used || e.acl == n;
            if (used) { why = "its crypto ACL holds the source"; return d; }
          }
  return nullptr;
}

class Replay {
 public:
  Replay(const std::vector<const DeviceConfig*>& devs, const Trigger& t, const ModelOptions& o, const Keep& keep)
      : devs_(devs), opt_(o), out_{res_, keep} {
    res_.trigger = t;
    if (keep.trace) res_.trace.reserve(64);  // a two-router negotiation logs about 40 records: no regrowth
  }

  ReplayResult run(const std::string& from) {
    const DeviceConfig* di = nullptr;
    if (!from.empty()) {
      for (size_t i = 0; i < devs_.size(); ++i) if (dev_name(devs_[i], i) == from) di = devs_[i];
      if (!di) { no_crypto("no device named " + from); return std::move(res_); }
    } else {
      std::string why;
      di = initiator_for(devs_, res_.trigger, why);
      if (!di) { no_crypto("no device holds the source " + ip(res_.trigger.src)); return std::move(res_); }
      res_.notes.push_back(fmt::format("initiator {}: {}", name_of(di), why));
    }
    I_.cfg = di;
    I_.name = name_of(di);
    res_.initiator = I_.name;
    if (!select_entry()) return std::move(res_);
    for (size_t k = 0; k < peers_.size(); ++k) {
      peer_ = peers_[k];
      res_.peer_address = peer_;
      if (k > 0) res_.notes.push_back(fmt::format("initiator fails over to the next peer {}", ip(peer_)));
      res_.failure.clear();
      res_.failing_check.clear();
      bool p1 = main_mode();
      if (p1) { quick_mode(); break; }
      if (!opt_.peer_failover) break;
    }
    return std::move(res_);
  }

 private:
  std::string name_of(const DeviceConfig* d) const {
    for (size_t i = 0; i < devs_.size(); ++i) if (devs_[i] == d) return dev_name(d, i);
    return "";
  }
  void no_crypto(std::string why) {
    res_.outcome = "no-crypto";
    res_.notes.push_back(std::move(why));
  }
  void fail(const char* id, const char* check) {
    res_.outcome = "failed";
    res_.failure = id;
    res_.failing_check = check;
  }

  // §1.1-§1.3: egress interface, crypto map set, first permitting entry, proxies, proposals.
  bool select_entry() {
    const DeviceConfig& d = *I_.cfg;
    const Trigger& t = res_.trigger;
    const Interface* eg = egress(d, t.dst);
    if (!eg) {
      for (auto& i : d.interfaces) if (!i.crypto_map.empty() && !i.shutdown) { eg = &i; break; }
      if (!eg) { no_crypto("no route to " + ip(t.dst) + " and no interface carries a crypto map"); return false; }
      res_.notes.push_back(fmt::format("no route to {}: assumed to leave through {} (it carries crypto map {})",
                                       ip(t.dst), eg->name, eg->crypto_map));
    }
    if (eg->crypto_map.empty()) { no_crypto(fmt::format("the packet leaves {} which has no crypto map: sent in clear", eg->name)); return false; }
    const CryptoMap* m = d.crypto_map(eg->crypto_map);
    if (!m) { no_crypto(fmt::format("crypto map {} on {} is not defined: sent in clear", eg->crypto_map, eg->name)); return false; }
    Packet p{t.src, t.dst, static_cast<uint8_t>(t.proto ? t.proto : 1), t.sport, t.port};
    for (auto& e : m->entries) {
      if (e.ipsec_manual) continue;
      if (e.is_dynamic_ref()) {
        if (const CryptoMap* dm = d.dynamic_map(e.dynamic_ref))
          for (auto& de : dm->entries)
            if (const Acl* a = d.acl(de.acl); a && a->first_match(p) && a->first_match(p)->permit()) {
              res_.outcome = "no-crypto";
              res_.failing_check = "initiator-dynamic-entry";
              res_.notes.push_back(fmt::format("the packet matches dynamic entry {} {}: a dynamic map only answers, "
                                               "the packet is dropped (§1.3.10)", de.map, de.seq));
              return false;
            }
        continue;
      }
      const Acl* acl = d.acl(e.acl);
      if (!acl || e.peers.empty()) {
        res_.notes.push_back(fmt::format("entry {} is inactive (needs a peer and a defined ACL)", e.label()));
        continue;
      }
      const Ace* ace = acl->first_match(p);
      if (!ace || !ace->permit()) continue;  // deny / no match: next entry (§1.1.5-6)
      entry_ = &e;
      map_ = m;
      auto px = ace->proxies();
      if (px) {
        lp_ = px->first;
        rp_ = px->second;
      } else {
        lp_ = Proxy{t.src, 0xFFFFFFFFu, 0, 0, 0, 1, true};
        rp_ = Proxy{t.dst, 0xFFFFFFFFu, 0, 0, 0, 1, true};
        res_.notes.push_back("the matching ACE cannot be sent as one proxy pair; host proxies assumed");
      }
      break;
    }
    if (!entry_) { no_crypto(fmt::format("no entry of crypto map {} permits the packet: sent in clear", m->name)); return false; }
    // Later entries that would also take this packet are shadowed (overlap, §1.1.11).
    for (auto& e : m->entries) {
      if (e.seq <= entry_->seq || e.is_dynamic_ref()) continue;
      if (const Acl* a = d.acl(e.acl); a && a->first_match(p) && a->first_match(p)->permit())
        res_.notes.push_back(fmt::format("entry {} also permits the packet but {} comes first (overlap)", e.label(), entry_->label()));
    }
    res_.initiator_entry = entry_->label();
    res_.local_proxy = lp_;
    res_.remote_proxy = rp_;
    // Local address: local-address interface, else the egress interface (§1.3.7-8).
    if (!m->local_address.empty()) {
      const Interface* li = d.interface(m->local_address);
      if (li && li->primary_address()) local_ = *li->primary_address();
    }
    if (!local_) {
      if (eg->primary_address()) local_ = *eg->primary_address();
      else for (uint32_t a : d.map_local_addresses(m->name)) { local_ = a; break; }
    }
    res_.initiator_address = local_;
    for (auto& n : entry_->transform_sets) {
      const TransformSet* ts = d.transform_set(n);
      if (ts && ts->valid) props_.push_back(ts->transform);
      else res_.notes.push_back(fmt::format("transform set {} of {} is not defined", n, entry_->label()));
    }
    if (props_.empty()) { no_crypto(fmt::format("entry {} has no usable transform set: IOS keeps it inactive", entry_->label())); return false; }
    pfs_ = entry_->pfs_group;
    life_s_ = d.sa_lifetime_seconds(*entry_);
    life_kb_ = d.sa_lifetime_kb(*entry_);
    peers_ = ordered_peers(*entry_);
    if (peers_.empty()) { no_crypto(fmt::format("entry {} names its peer by hostname only: not modelled", entry_->label())); return false; }
    return true;
  }

  const DeviceConfig* owner_of(uint32_t a) const {
    for (auto* d : devs_) {
      if (d == I_.cfg) continue;
      for (auto& i : d->interfaces) if (!i.shutdown && i.has_address(a)) return d;
    }
    return nullptr;
  }

  // ---- Main Mode (§4) ----
  void retransmit(const std::string& state, bool sanity_on_responder) {
    for (int k = 0; k < opt_.p1_retransmits; ++k) {
      out_.add(I_.name, EventKind::P1Retransmit, icon_, kAllDialects, {{"state", state}});
      if (sanity_on_responder) out_.add(R_.name, EventKind::SanityFail, -1, kAllDialects, {{"peer", ip(local_)}});
    }
    out_.add(I_.name, EventKind::P1RetransmitGiveUp, icon_, kAllDialects,
             {{"_state", state}, {"_peer", ip(peer_)}});
  }
  // The emitters below only add records: one whose records are not kept returns before
  // formatting their values.
  void pkt(const Side& s, bool sent, uint32_t to, const char* role, const char* state, int conn) {
    if (!out_.keeps(s.name)) return;
    if (sent)
      out_.add(s.name, EventKind::PacketSent, conn, kAllDialects,
               {{"peer", ip(to)}, {"my_port", "500"}, {"peer_port", "500"}, {"role", role}, {"state", state}});
    else
      out_.add(s.name, EventKind::PacketReceived, conn, kAllDialects,
               {{"peer", ip(to)}, {"dport", "500"}, {"sport", "500"}, {"vrf", "Global"}, {"role", role}, {"state", state}});
  }
  void p1_attributes(const IkePolicy& p) {
    auto& n = R_.name;
    if (!out_.keeps(n)) return;
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"encryption", ike_encryption_debug_name(p)}});
    if (p.encryption == "aes")
      out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"keylength", std::to_string(p.key_bits ? p.key_bits : 128)}});
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"hash", ike_hash_debug_name(p.hash)}});
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"group", std::to_string(p.group)}});
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"auth", ike_auth_debug_name(p.auth)}});
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"_attr", "life-type"}});
    out_.add(n, EventKind::P1Attribute, -1, kAllDialects, {{"_attr", "life-duration"}, {"_value", std::to_string(p.lifetime)}});
  }
  static int prio(const IkePolicy& p) { return std::min(p.priority, 65535); }
  static const char* p1_mismatch(const IkePolicy& offer, const IkePolicy& local) {
    if (offer.encryption != local.encryption) return "Encryption algorithm";
    if (offer.encryption == "aes" && (offer.key_bits ? offer.key_bits : 128) != (local.key_bits ? local.key_bits : 128))
      return "Proposed key length";
    if (offer.hash != local.hash) return "Hash algorithm";
    if (offer.auth != local.auth) return offer.auth == "pre-share" ? "Preshared authentication" : "Authentication method";
    if (offer.group != local.group) return "Diffie-Hellman group";
    return nullptr;
  }
  static bool same_key(const PresharedKey& a, const PresharedKey& b) {
    auto ca = a.clear(), cb = b.clear();
    if (ca && cb) return *ca == *cb;
    return a.type == b.type && a.secret == b.secret;
  }

  bool main_mode() {
    const DeviceConfig& di = *I_.cfg;
    ++I_.ike;
    icon_ = 0;
    lp_ios_ = lp_.ios();
    rp_ios_ = rp_.ios();
    // IPSEC(sa_request): one block per transform set offered (§1.3.4).
    if (out_.keeps(I_.name))
      for (auto& t : props_)
        out_.add(I_.name, EventKind::SaRequest, -1, kAllDialects,
                 {{"local", ip(local_)}, {"remote", ip(peer_)}, {"local_proxy", lp_ios_}, {"remote_proxy", rp_ios_},
                  {"protocol", "ESP"}, {"transform", t.str()}, {"mode", t.transport ? "transport" : "tunnel"},
                  {"lifedur", fmt::format("{}s and {}kb", life_s_, life_kb_)}});
    std::vector<IkePolicy> offer = di.ike_policies();
    bool psk = std::any_of(offer.begin(), offer.end(), [](auto& p) { return p.auth == "pre-share"; });
    const IsakmpProfile* prof = entry_->isakmp_profile.empty() ? nullptr : di.isakmp_profile(entry_->isakmp_profile);
    const PresharedKey* ki = di.key_for(peer_, local_, prof);
    if (psk && !ki) {
      out_.add(I_.name, EventKind::PskNotFound, 0, kAllDialects, {{"peer", ip(peer_)}});
      out_.add(I_.name, EventKind::StartMmFailed, 0, kAllDialects, {});
      fail("phase1-no-key", "p1-initiator-key");
      res_.notes.push_back(fmt::format("{} has no pre-shared key for {}", I_.name, ip(peer_)));
      return false;
    }
    if (psk) out_.add(I_.name, EventKind::PskLookup, 0, kAllDialects, {{"peer", ip(peer_)}});
    out_.add(I_.name, EventKind::AggrFallback, 0, kAllDialects, {});
    out_.add(I_.name, EventKind::MmBegin, 0, kAllDialects, {{"mode", "Main"}});
    pkt(I_, true, peer_, "I", "MM_NO_STATE", 0);
    // Who answers at the peer address?
    const DeviceConfig* dr = owner_of(peer_);
    if (!dr || !crypto_enabled(*dr)) {
      res_.responder = dr ? name_of(dr) : "";
      res_.notes.push_back(dr ? fmt::format("{} owns {} but has no crypto configuration: no IKE answer", name_of(dr), ip(peer_))
                              : fmt::format("no device owns {}: no IKE answer", ip(peer_)));
      retransmit("MM_NO_STATE", false);
      fail("phase1-no-response", "p1-reachability");
      return false;
    }
    R_.cfg = dr;
    R_.name = name_of(dr);
    res_.responder = R_.name;
    ++R_.ike;
    pkt(R_, false, local_, "R", "MM_NO_STATE", 0);
    // §4.1: responder walks its policies in priority order against every offered transform.
    std::vector<IkePolicy> mine = dr->ike_policies();
    const IkePolicy* chosen = nullptr;
    const IkePolicy* offered = nullptr;
    for (auto& lp : mine) {
      for (size_t j = 0; j < offer.size() && !chosen; ++j) {
        out_.add(R_.name, EventKind::P1PolicyCheck, 0, kAllDialects,
                 {{"transform_no", std::to_string(j + 1)}, {"priority", std::to_string(prio(lp))}});
        p1_attributes(offer[j]);
        if (const char* bad = p1_mismatch(offer[j], lp)) {
          out_.add(R_.name, EventKind::P1AttrMismatch, 0, kAllDialects, {{"attr", bad}});
          out_.add(R_.name, EventKind::P1AttsNotAcceptable, 0, kAllDialects, {{"next", j + 1 < offer.size() ? "3" : "0"}});
        } else {
          out_.add(R_.name, EventKind::AttsAcceptable, 0, kAllDialects, {{"_phase", "1"}});
          chosen = &lp;
          offered = &offer[j];
        }
      }
      if (chosen) break;
    }
    if (!chosen) {
      out_.add(R_.name, EventKind::P1NoOffers, 0, kIos12Only, {});
      out_.add(R_.name, EventKind::P1PolicyNotAcceptable, 0, kIos15AndXe, {{"local", ip(peer_)}, {"remote", ip(local_)}});
      out_.add(R_.name, EventKind::ModeFailure, -1, kAllDialects, {{"mode", "Main"}, {"peer", ip(local_)}});
      retransmit("MM_NO_STATE", false);
      fail("phase1-policy-mismatch", "p1-policy");
      return false;
    }
    if (chosen->lifetime != offered->lifetime)
      res_.notes.push_back(fmt::format("IKE lifetimes differ ({} vs {} s): the smaller is used, never a failure (§4.1.5)",
                                       offered->lifetime, chosen->lifetime));
    pkt(R_, true, local_, "R", "MM_SA_SETUP", 0);
    pkt(I_, false, peer_, "I", "MM_NO_STATE", 0);
    out_.add(I_.name, EventKind::P1PolicyCheck, 0, kAllDialects, {{"transform_no", "1"}, {"priority", std::to_string(prio(*offered))}});
    out_.add(I_.name, EventKind::AttsAcceptable, 0, kAllDialects, {{"_phase", "1"}});
    pkt(I_, true, peer_, "I", "MM_SA_SETUP", 0);
    pkt(R_, false, local_, "R", "MM_SA_SETUP", 0);
    // MM3/MM4: the responder needs a key for the address it sees (§4.2).
    bool use_psk = chosen->auth == "pre-share";
    const PresharedKey* kr = use_psk ? dr->key_for(local_, peer_) : nullptr;
    if (!use_psk) res_.notes.push_back("the agreed IKE policy does not use pre-shared keys: certificate authentication is not modelled (assumed to pass)");
    if (use_psk && !kr) {
      out_.add(R_.name, EventKind::PskNotFound, 0, kAllDialects, {{"peer", ip(local_)}});
      out_.add(R_.name, EventKind::ModeFailure, -1, kAllDialects, {{"mode", "Main"}, {"peer", ip(local_)}});
      res_.notes.push_back(fmt::format("{} has no pre-shared key for {}", R_.name, ip(local_)));
      retransmit("MM_SA_SETUP", false);
      fail("phase1-no-key", "p1-responder-key");
      return false;
    }
    if (use_psk) out_.add(R_.name, EventKind::PskLookup, 0, kAllDialects, {{"peer", ip(local_)}});
    rcon_ = R_.ike;
    icon_ = I_.ike;
    pkt(R_, true, local_, "R", "MM_KEY_EXCH", rcon_);
    pkt(I_, false, peer_, "I", "MM_SA_SETUP", icon_);
    pkt(I_, true, peer_, "I", "MM_KEY_EXCH", icon_);
    pkt(R_, false, local_, "R", "MM_KEY_EXCH", rcon_);
    // MM5: different keys -> the responder cannot decrypt (§4.2 PSK mismatch).
    if (use_psk && ki && !same_key(*ki, *kr)) {
      out_.add(R_.name, EventKind::SanityFail, -1, kAllDialects, {{"peer", ip(local_)}});
      retransmit("MM_KEY_EXCH", true);
      fail("phase1-psk-mismatch", "p1-psk");
      return false;
    }
    out_.add(R_.name, EventKind::IdType, rcon_, kAllDialects, {{"id_type", "ID_IPV4_ADDR"}});
    out_.add(R_.name, EventKind::P1Authenticated, rcon_, kAllDialects, {{"peer", ip(local_)}});
    pkt(R_, true, local_, "R", "MM_KEY_EXCH", rcon_);
    out_.add(R_.name, EventKind::P1Complete, rcon_, kAllDialects, {{"old", "IKE_R_MM5"}});
    pkt(I_, false, peer_, "I", "MM_KEY_EXCH", icon_);
    out_.add(I_.name, EventKind::P1Authenticated, icon_, kAllDialects, {{"peer", ip(peer_)}});
    out_.add(I_.name, EventKind::P1Complete, icon_, kAllDialects, {{"old", "IKE_I_MM6"}});
    return true;
  }

  // ---- Quick Mode (§2.2) ----
  void p2_attributes(const Transform& t) {
    auto& n = R_.name;
    if (!out_.keeps(n)) return;
    int id = esp_keyword_id(t.esp_enc);
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"transform_no", "1"}, {"esp_id", id > 0 ? esp_id_name(id) : "ESP_NULL"}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"_attr", "attributes"}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"encaps", t.transport ? "2" : "1"}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"_attr", "life-type-s"}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"_attr", "life-dur-s"}, {"_value", std::to_string(life_s_)}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"_attr", "life-type-kb"}});
    out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"_attr", "life-dur-kb"}, {"_value", std::to_string(life_kb_)}});
    if (!t.esp_auth.empty())
      out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"auth", auth_attr_name(auth_keyword_attr(t.esp_auth))}});
    if (t.esp_enc == "esp-aes" || t.esp_enc == "esp-gcm" || t.esp_enc == "esp-gmac")
      out_.add(n, EventKind::P2Attribute, -1, kAllDialects, {{"key_length", std::to_string(t.effective_key_bits())}});
    if (pfs_) out_.add(n, EventKind::PfsGroup, -1, kAllDialects, {{"group", std::to_string(pfs_)}});
  }
  void key_engine(const Side& s, int n) {
    if (!out_.keeps(s.name)) return;
    out_.add(s.name, EventKind::KeyEngine, -1, kAllDialects, {{"count", std::to_string(n)}});
  }
  void proposal_request(const Transform& t, int part) {
    if (!out_.keeps(R_.name)) return;
    out_.add(R_.name, EventKind::ProposalRequest, -1, kAllDialects,
             {{"part", std::to_string(part)}, {"local", ip(peer_)}, {"remote", ip(local_)}, {"local_proxy", rp_ios_},
              {"remote_proxy", lp_ios_}, {"protocol", "ESP"}, {"transform", t.str()},
              {"mode", t.transport ? "transport" : "tunnel"}, {"lifedur", "0s and 0kb"}});
  }
  void proxy_match(const Side& s, const Proxy& l, const Proxy& r) {
    if (!out_.keeps(s.name)) return;
    out_.add(s.name, EventKind::ProxyMatch, -1, kAllDialects,
             {{"src", ip(l.addr)}, {"dst", ip(r.addr)}, {"proto", std::to_string(l.proto)},
              {"sport", std::to_string(l.port)}, {"dport", std::to_string(r.port)}});
  }
  void init_sas(const Side& s, const char* dir, uint32_t me, uint32_t other, const std::string& lpx,
                const std::string& rpx, const Transform& t, uint32_t spi) {
    if (!out_.keeps(s.name)) return;
    out_.add(s.name, EventKind::InitializeSas, -1, kAllDialects,
             {{"direction", dir}, {"local", ip(me)}, {"remote", ip(other)}, {"local_proxy", lpx}, {"remote_proxy", rpx},
              {"protocol", "ESP"}, {"transform", t.str()}, {"mode", t.transport ? "transport" : "tunnel"},
              {"lifedur", fmt::format("{}s and {}kb", sa_life_s_, sa_life_kb_)}, {"spi", hex_spi(spi)}});
  }
  void create_sa(const Side& s, uint32_t dest, uint32_t spi, const Transform& t, int conn) {
    if (!out_.keeps(s.name)) return;
    out_.add(s.name, EventKind::CreateSa, -1, kAllDialects,
             {{"sa_dest", ip(dest)}, {"sa_proto", "50"}, {"spi", hex_spi(spi)}, {"transform", t.str()},
              {"conn_id", std::to_string(conn)}, {"_lifetime", fmt::format("{}/{}", sa_life_kb_, sa_life_s_)}});
  }

  void quick_mode() {
    const DeviceConfig& dr = *R_.cfg;
    uint32_t mid = mix(uint64_t(local_) * 31 + peer_ + lp_.addr) & 0x7FFFFFFFu;
    std::string mids = std::to_string(mid);
    out_.add(I_.name, EventKind::QmBegin, icon_, kAllDialects, {{"mid", mids}});
    pkt(I_, true, peer_, "I", "QM_IDLE", icon_);
    pkt(R_, false, local_, "R", "QM_IDLE", rcon_);
    QmDecision q = decide_qm(dr, peer_, local_, rp_, lp_, props_, pfs_, opt_);
    for (auto& n : q.notes) res_.notes.push_back(n);
    if (q.entry.e) res_.responder_entry = fmt::format("{} {}", q.entry.map, q.entry.seq);
    const char* ok_id = nullptr;
    const char* ok_check = nullptr;
    switch (q.fail) {
      case QmFail::LocalAddress: ok_id = "invalid-local-address"; ok_check = "qm-local-address"; break;
      case QmFail::PeerNotFound: ok_id = "peer-not-found"; ok_check = "qm-peer"; break;
      case QmFail::Overlap: ok_id = "crypto-map-overlap"; ok_check = "qm-entry-peer"; break;
      case QmFail::Proxy: ok_id = "proxy-id-mismatch"; ok_check = "qm-proxy"; break;
      case QmFail::Transform: ok_id = "transform-mismatch"; ok_check = "qm-transform"; break;
      case QmFail::Pfs: ok_id = "pfs-mismatch"; ok_check = "qm-pfs"; break;
      case QmFail::None: break;
    }
    size_t n = props_.size();
    bool stop = false;
    for (size_t i = 0; i < n && !stop; ++i) {
      const Transform& t = props_[i];
      std::string next = i + 1 < n ? "2" : "0";
      out_.add(R_.name, EventKind::P2ProposalCheck, rcon_, kAllDialects, {{"proposal", std::to_string(i + 1)}});
      p2_attributes(t);
      switch (q.fail) {
        case QmFail::LocalAddress:
          out_.add(R_.name, EventKind::InvalidLocalAddress, -1, kAllDialects, {{"address", ip(peer_)}});
          out_.add(R_.name, EventKind::AttsNotAcceptable, rcon_, kIos12Only, {{"next", next}});
          out_.add(R_.name, EventKind::PolicyInvalidated, rcon_, kIos15AndXe, {});
          stop = true;
          break;
        case QmFail::PeerNotFound:
        case QmFail::Overlap:
          out_.add(R_.name, EventKind::AttsAcceptable, rcon_, kAllDialects, {{"_phase", "2"}});
          key_engine(R_, 1);
          proposal_request(t, static_cast<int>(i + 1));
          out_.add(R_.name, EventKind::PeerNotFound, -1, kAllDialects, {{"address", ip(q.printed_peer)}});
          out_.add(R_.name, EventKind::PolicyInvalidated, rcon_, kAllDialects, {});
          stop = true;
          break;
        case QmFail::Proxy:
          out_.add(R_.name, EventKind::AttsAcceptable, rcon_, kAllDialects, {{"_phase", "2"}});
          key_engine(R_, 1);
          proposal_request(t, static_cast<int>(i + 1));
          out_.add(R_.name, EventKind::MapDbNoMatch, -1, kIos15AndXe, {});
          out_.add(R_.name, EventKind::ProxyNotSupported, -1, kAllDialects, {});
          out_.add(R_.name, EventKind::PolicyInvalidated, -1, kIos12Only, {});
          out_.add(R_.name, EventKind::PolicyInvalidated, rcon_, kIos15AndXe, {{"error", "32"}});
          stop = true;
          break;
        default:
          if (q.status[i] == kBadTransform) {
            out_.add(R_.name, EventKind::TransformNotSupported, -1, kAllDialects, {{"transform", t.str()}});
            out_.add(R_.name, EventKind::AttsNotAcceptable, rcon_, kIos12Only, {{"next", next}});
            out_.add(R_.name, EventKind::PolicyInvalidated, rcon_, kIos15AndXe, {{"error", "256"}});
          } else if (q.status[i] == kBadPfs) {
            out_.add(R_.name, EventKind::AttsNotAcceptable, rcon_, kIos12Only, {{"next", next}});
            out_.add(R_.name, EventKind::PolicyInvalidated, rcon_, kIos15AndXe, {});
          } else {
            out_.add(R_.name, EventKind::AttsAcceptable, rcon_, kAllDialects, {{"_phase", "2"}});
            established(q, t, static_cast<int>(i + 1));
            return;
          }
      }
    }
    // Rejection (§2.2 steps 8, 8b).
    out_.add(R_.name, EventKind::SaNotAcceptable, rcon_, kIos12Only, {});
    out_.add(R_.name, EventKind::P2PolicyNotAcceptable, rcon_, kIos15AndXe, {{"local", ip(peer_)}, {"remote", ip(local_)}});
    out_.add(R_.name, EventKind::ProposalNotChosenSent, rcon_, kAllDialects, {{"protocol", "3"}});
    out_.add(R_.name, EventKind::DeleteNode, rcon_, kAllDialects, {{"node", mids}, {"error", "TRUE"}, {"reason", "QM rejected"}});
    pkt(I_, false, peer_, "I", "QM_IDLE", icon_);
    out_.add(I_.name, EventKind::ProposalNotChosenRecv, icon_, kAllDialects, {{"protocol", "3"}});
    out_.add(I_.name, EventKind::DeleteNode, icon_, kAllDialects, {{"node", mids}, {"error", "TRUE"}, {"reason", "Delete Larval"}});
    fail(ok_id, ok_check);
  }

  void established(const QmDecision& q, const Transform& t, int part) {
    const DeviceConfig& dr = *R_.cfg;
    const CryptoMapEntry& re = *q.entry.e;
    // Lifetimes: the smaller of proposed and local (§2.4), programmed on both ends.
    sa_life_s_ = std::min<uint64_t>(life_s_, dr.sa_lifetime_seconds(re));
    sa_life_kb_ = std::min<uint64_t>(life_kb_, dr.sa_lifetime_kb(re));
    if (!re.pfs_group && pfs_)
      res_.notes.push_back("initiator asks for PFS, responder entry has none: accepted (§2.3.3, unverified on IOS-XE)");
    uint32_t r_in = spi_for(peer_, local_, 1), i_in = spi_for(local_, peer_, 2);
    std::string map = q.entry.map, seq = std::to_string(q.entry.seq);
    key_engine(R_, 1);
    proposal_request(t, part);
    proxy_match(R_, rp_, lp_);
    out_.add(R_.name, EventKind::MapAccepted, -1, kXeOnly, {{"map", map}, {"seq", seq}});
    key_engine(R_, 1);
    out_.add(R_.name, EventKind::SpiAllocated, -1, kAllDialects, {{"spi", hex_spi(r_in)}, {"local", ip(peer_)}, {"remote", ip(local_)}});
    pkt(R_, true, local_, "R", "QM_IDLE", rcon_);
    // Initiator installs its pair and sends QM3.
    pkt(I_, false, peer_, "I", "QM_IDLE", icon_);
    key_engine(I_, 2);
    init_sas(I_, "INBOUND", local_, peer_, lp_ios_, rp_ios_, t, i_in);
    init_sas(I_, "OUTBOUND", local_, peer_, lp_ios_, rp_ios_, t, r_in);
    create_sa(I_, local_, i_in, t, 2001);
    create_sa(I_, peer_, r_in, t, 2002);
    pkt(I_, true, peer_, "I", "QM_IDLE", icon_);
    out_.add(I_.name, EventKind::QmComplete, icon_, kAllDialects, {{"old", "IKE_QM_I_QM1"}});
    // Responder installs on QM3.
    pkt(R_, false, local_, "R", "QM_IDLE", rcon_);
    key_engine(R_, 2);
    init_sas(R_, "INBOUND", peer_, local_, rp_ios_, lp_ios_, t, r_in);
    init_sas(R_, "OUTBOUND", peer_, local_, rp_ios_, lp_ios_, t, i_in);
    proxy_match(R_, rp_, lp_);
    out_.add(R_.name, EventKind::IpsecInternal, -1, kAllDialects, {{"_which", "find_ident_head"}, {"_peer", ip(local_)}});
    out_.add(R_.name, EventKind::IpsecInternal, -1, kAllDialects, {{"_which", "flow_switching"}});
    out_.add(R_.name, EventKind::IpsecInternal, -1, kAllDialects,
             {{"_which", "policy_db_add_ident"}, {"_src", ip(rp_.addr)}, {"_dst", ip(lp_.addr)}, {"_dport", std::to_string(lp_.port)}});
    out_.add(R_.name, EventKind::MapFound, -1, kXeOnly, {{"map", map}, {"seq", seq}});
    create_sa(R_, peer_, r_in, t, 2002);
    create_sa(R_, local_, i_in, t, 2001);
    const Interface* rif = dr.interface_with_address(peer_);
    out_.add(R_.name, EventKind::SaInstalled, rcon_, kXeOnly, {{"spi", hex_spi(r_in)}, {"interface", rif ? rif->name : "unknown"}});
    out_.add(R_.name, EventKind::QmComplete, rcon_, kAllDialects, {{"old", "IKE_QM_R_QM2"}});
    key_engine(R_, 1);
    out_.add(R_.name, EventKind::EnableOutbound, -1, kAllDialects, {});
    out_.add(R_.name, EventKind::EnableOutbound, -1, kAllDialects, {{"spi", hex_spi(i_in)}, {"sa_proto", "50"}});
    res_.outcome = "established";
    res_.transform = t.str();
    res_.pfs_group = pfs_;
    res_.lifetime_seconds = sa_life_s_;
    res_.lifetime_kb = sa_life_kb_;
  }

  const std::vector<const DeviceConfig*>& devs_;
  const ModelOptions& opt_;
  ReplayResult res_;
  Out out_;
  Side I_, R_;
  const CryptoMap* map_ = nullptr;
  const CryptoMapEntry* entry_ = nullptr;
  Proxy lp_, rp_;
  std::string lp_ios_, rp_ios_;
  uint32_t local_ = 0, peer_ = 0;
  std::vector<uint32_t> peers_;
  std::vector<Transform> props_;
  int pfs_ = 0;
  uint64_t life_s_ = 3600, life_kb_ = 4608000, sa_life_s_ = 3600, sa_life_kb_ = 4608000;
  int icon_ = 0, rcon_ = 0;
};

}  // namespace

std::string trigger_text(const Trigger& t) {
  std::string s = format_ipv4(t.src) + " -> " + format_ipv4(t.dst);
  if (t.proto) s += fmt::format(" proto {}", t.proto);
  if (t.sport) s += fmt::format(" sport {}", t.sport);
  if (t.port) s += fmt::format(" port {}", t.port);
  return s;
}

ReplayResult replay(const std::vector<const DeviceConfig*>& devices, const Trigger& trigger,
                    const std::string& from_device, const ModelOptions& options, const Keep& keep) {
  Replay r(devices, trigger, options, keep);
  return r.run(from_device);
}

const std::vector<std::string>& failure_ids_in_check_order() {
  static const std::vector<std::string> ids{
      "phase1-no-key",  // initiator side; the responder-side variant comes after phase1-policy-mismatch
      "phase1-no-response", "phase1-policy-mismatch", "phase1-psk-mismatch", "invalid-local-address",
      "peer-not-found", "crypto-map-overlap", "proxy-id-mismatch", "transform-mismatch", "pfs-mismatch"};
  return ids;
}

}  // namespace ipsecdoc::model
