// Per-device lint checks and the lint() entry point. Peer checks are in peer_checks.cc.
#include "lint/lint.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "lint/lint_util.h"

namespace ipsecdoc {

using namespace lintutil;

// ------------------------------------------------------------------------------------------------
const std::vector<LintRuleInfo>& lint_rules() {
  static const std::vector<LintRuleInfo> kRules = {
      {"crypto-map-not-applied", Severity::Error, "Crypto map is not applied to any interface",
       "A crypto map set does nothing until `crypto map NAME` is configured on the interface the traffic leaves by."},
      {"missing-reference", Severity::Error, "Crypto configuration references something that does not exist",
       "An entry with no peer, no valid ACL, or only undefined transform sets stays disabled; an undefined isakmp-profile, "
       "dynamic map or local-address interface breaks negotiation."},
      {"crypto-map-overlap", Severity::Error, "A lower-sequence crypto map entry takes traffic meant for a later entry",
       "Entries are evaluated in ascending sequence order and the first permit wins, so a later, more specific entry is "
       "never used for traffic an earlier entry already permits (wrong peer, proxies or transforms)."},
      {"acl-permit-any", Severity::Warning, "Crypto ACL permit line uses `any`",
       "Cisco advises against `any` in crypto ACLs: the router tries to protect traffic (routing protocols, broadcasts, "
       "management) that the peer does not expect, and proxies become 0.0.0.0/0."},
      {"nat-not-exempted", Severity::Error, "Traffic meant for the tunnel is translated by NAT first",
       "NAT (inside -> outside) runs before the crypto map check on the outside interface; translated packets no "
       "longer match the crypto ACL and leave unencrypted or are dropped."},
      {"weak-crypto", Severity::Warning, "Weak or obsolete algorithm",
       "DES, 3DES, MD5, DH groups 1/2/5, esp-null and transforms without integrity are considered broken or deprecated."},
      {"unused-transform-set", Severity::Info, "Transform set is not used",
       "No crypto map entry, dynamic map entry or IPsec profile references this transform set."},
      {"phase1-no-key", Severity::Error, "No pre-shared key for the peer",
       "With pre-share authentication IOS needs a key matching the peer address (global `crypto isakmp key` or a "
       "keyring); without it Main Mode stops after MM4 (`No pre-shared key with X`)."},
      {"invalid-local-address", Severity::Error, "IKE arrives on, or is sent from, an address without a crypto map",
       "The responder accepts IKE/IPsec only on an address carrying the crypto map (interface address or "
       "`crypto map NAME local-address`); otherwise `IPSEC(validate_proposal): invalid local address`."},
      {"acl-line-never-matches", Severity::Warning, "Crypto ACL line can never match",
       "Earlier lines of the same ACL already decide all of its traffic (first match), so it never produces an SA."},
      {"phase1-policy-mismatch", Severity::Error, "No common ISAKMP policy",
       "The responder needs one of its policies with the same encryption (and AES key length), hash, authentication "
       "and DH group as one offered; lifetimes never cause a mismatch."},
      {"phase1-psk-mismatch", Severity::Error, "Pre-shared keys differ",
       "Main Mode fails at MM5/MM6: the responder logs that the message failed its sanity check; the initiator "
       "retransmits in MM_KEY_EXCH."},
      {"transform-mismatch", Severity::Error, "No transform set in common",
       "The responder's entry must have a transform set identical (transforms, key size, mode) to one offered: "
       "`transform proposal not supported` / `phase 2 SA policy not acceptable`."},
      {"proxy-id-mismatch", Severity::Error, "Crypto ACLs are not mirror images",
       "The responder accepts the proposal only if the initiator's proxies (from the matching permit line, swapped) "
       "fall inside one of its own permit lines: `proxy identities not supported`. With subset ACLs only the narrower "
       "side can bring the tunnel up."},
      {"pfs-mismatch", Severity::Error, "PFS settings differ",
       "A responder with `set pfs` rejects an offer without PFS or with another DH group; an initiator-only PFS offer "
       "is accepted by IOS."},
      {"peer-not-found", Severity::Error, "The peer does not list this device as a peer",
       "The responder finds no static entry naming the initiator's address and has no dynamic map: "
       "`peer address X not found`."},
  };
  return kRules;
}

const LintRuleInfo* lint_rule(std::string_view id) {
  for (auto& r : lint_rules()) if (r.id == id) return &r;
  return nullptr;
}

// ------------------------------------------------------------------------------------------------
namespace lintutil {

Finding make(std::string_view rule, Severity sev, const DeviceConfig& d, std::string peer, std::string message) {
  Finding f;
  f.rule = std::string(rule);
  f.severity = sev;
  f.device = d.hostname;
  f.peer = std::move(peer);
  f.message = std::move(message);
  if (auto* r = lint_rule(rule)) f.explanation = std::string(r->description);
  return f;
}

std::string ace_text(const Region& r, bool permit) {
  Ace a;
  a.action = permit ? AceAction::Permit : AceAction::Deny;
  a.regions = {r};
  return a.ios();
}

std::string seq_line(const Ace& a, size_t region) { return fmt::format(" {} {}", a.seq, a.ios(region)); }

std::string acl_header(const Acl& a) {
  return fmt::format("ip access-list {} {}", a.standard ? "standard" : "extended", a.name);
}

std::vector<std::string> recreate_entry(const CryptoMapEntry& e, uint32_t new_seq) {
  std::vector<std::string> out;
  std::string head = fmt::format("crypto map {} {} ipsec-isakmp", e.map, new_seq);
  if (!e.dynamic_ref.empty()) head += " dynamic " + e.dynamic_ref;
  out.push_back(head);
  for (auto& l : e.lines) {
    std::string t = l.text;
    if (t == "exit" || t == "end") continue;
    out.push_back(" " + t);
  }
  return out;
}

uint32_t local_address_for(const DeviceConfig& d, const std::string& map, uint32_t peer) {
  auto addrs = d.map_local_addresses(map);
  if (addrs.empty()) return 0;
  const CryptoMap* m = d.crypto_map(map);
  if (m && !m->local_address.empty()) return addrs[0];
  // Several interfaces carry the map: the one on the peer's subnet, else one with a route
  // towards the peer through its subnet, else the first.
  for (auto* i : d.map_interfaces(map))
    for (auto& a : i->addresses)
      if ((a.addr & a.mask) == (peer & a.mask) && !a.secondary) return a.addr;
  const StaticRoute* best = nullptr;
  for (auto& r : d.routes)
    if ((peer & r.mask) == (r.prefix & r.mask) && r.vrf.empty() && (!best || mask_prefix_len(r.mask) > mask_prefix_len(best->mask)))
      best = &r;
  if (best)
    for (auto* i : d.map_interfaces(map)) {
      if (!best->interface.empty() && d.interface(best->interface) == i)
        if (auto a = i->primary_address()) return *a;
      if (best->next_hop)
        for (auto& a : i->addresses)
          if ((a.addr & a.mask) == (*best->next_hop & a.mask)) return i->primary_address().value_or(a.addr);
    }
  return addrs[0];
}

std::vector<const CryptoMapEntry*> entries_for_peer(const DeviceConfig& d, const CryptoMap& m, uint32_t peer) {
  std::vector<const CryptoMapEntry*> out;
  for (auto& e : m.entries) {
    if (e.is_dynamic_ref()) continue;
    for (auto& p : e.peers)
      if (p.addr && *p.addr == peer) { out.push_back(&e); break; }
  }
  return out;
}

std::vector<const CryptoMapEntry*> dynamic_entries(const DeviceConfig& d, const CryptoMap& m) {
  std::vector<const CryptoMapEntry*> out;
  for (auto& e : m.entries) {
    if (!e.is_dynamic_ref()) continue;
    if (const CryptoMap* dm = d.dynamic_map(e.dynamic_ref))
      for (auto& x : dm->entries) out.push_back(&x);
  }
  return out;
}

bool auth_uses_psk(const DeviceConfig& d) {
  for (auto& p : d.ike_policies()) if (p.auth == "pre-share") return true;
  return false;
}

}  // namespace lintutil

// ------------------------------------------------------------------------------------------------
namespace {

// Closest existing name (case-insensitive equal or edit distance <= 2) for typo hints.
std::string similar_name(const std::string& want, const std::vector<std::string>& have) {
  auto dist = [](const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                           prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t bd = 3;
  for (auto& h : have) {
    size_t x = dist(want, h);
    if (x < bd) { bd = x; best = h; }
  }
  return best;
}

template <class M>
std::vector<std::string> keys_of(const M& m) {
  std::vector<std::string> out;
  for (auto& [k, v] : m) out.push_back(k);
  return out;
}

struct DeviceLinter {
  const DeviceConfig& d;
  std::vector<Finding>& out;
  std::vector<std::string>& notes;

  void run() {
    not_applied();
    references();
    local_address();
    for (auto& [name, m] : d.crypto_maps) overlap(m);
    crypto_acl_checks();
    nat();
    weak();
    unused_transforms();
    no_key();
  }

  // All static/dynamic entries of maps, for iteration.
  std::vector<const CryptoMapEntry*> all_entries() const {
    std::vector<const CryptoMapEntry*> v;
    for (auto* maps : {&d.crypto_maps, &d.dynamic_maps})
      for (auto& [n, m] : *maps)
        for (auto& e : m.entries) v.push_back(&e);
    return v;
  }

  // ---------------------------------------------------------------- crypto-map-not-applied
  void not_applied() {
    if (d.excerpt) return;
    for (auto& [name, m] : d.crypto_maps) {
      if (m.entries.empty()) continue;
      if (!d.map_interfaces(name).empty()) continue;
      Finding f = make("crypto-map-not-applied", Severity::Error, d, "",
                       fmt::format("crypto map {} is not applied to any interface", name));
      add_ev(f, d, m.entries.front().src);
      // Best guess for the interface: the one on a peer's subnet, else the NAT outside one, else
      // the one the default route leaves by.
      std::string ifname;
      for (auto& e : m.entries)
        for (auto& p : e.peers)
          if (p.addr && ifname.empty())
            for (auto& i : d.interfaces)
              for (auto& a : i.addresses)
                if ((a.addr & a.mask) == (*p.addr & a.mask)) ifname = i.name;
      if (ifname.empty())
        for (auto& i : d.interfaces) if (i.nat == NatSide::Outside) { ifname = i.name; break; }
      if (ifname.empty())
        for (auto& r : d.routes)
          if (r.mask == 0 && r.vrf.empty()) {
            if (!r.interface.empty()) ifname = r.interface;
            else if (r.next_hop)
              for (auto& i : d.interfaces)
                for (auto& a : i.addresses)
                  if ((a.addr & a.mask) == (*r.next_hop & a.mask)) ifname = i.name;
          }
      FixStep s;
      s.device = d.hostname;
      if (!ifname.empty()) {
        s.commands = {"interface " + ifname, " crypto map " + name};
        s.note = "interface chosen because it faces the peer / default route; applying the map starts encrypting "
                 "matching traffic immediately";
      } else {
        s.commands = {"interface <interface towards the peers>", " crypto map " + name};
        s.note = "apply it to the interface the protected traffic leaves by";
      }
      f.fix.push_back(s);
      f.next.push_back("show crypto map interface " + (ifname.empty() ? std::string("<if>") : ifname));
      f.key = fmt::format("crypto-map-not-applied|{}|{}", d.hostname, name);
      out.push_back(std::move(f));
    }
  }

  // ---------------------------------------------------------------- missing-reference
  void missing(const CryptoMapEntry& e, const ConfigRef& at, std::string what, std::string key, FixStep fix) {
    Finding f = make("missing-reference", Severity::Error, d, e.peers.empty() ? "" : e.peers[0].str(),
                     fmt::format("crypto {} {}: {}", e.in_dynamic_map ? "dynamic-map" : "map", e.label(), what));
    add_ev(f, d, at);  // the referencing line first (that is what to fix), then the entry
    add_ev(f, d, e.src);
    if (!fix.commands.empty()) f.fix.push_back(std::move(fix));
    f.key = fmt::format("missing-reference|{}|{}|{}", d.hostname, e.label(), key);
    out.push_back(std::move(f));
  }

  void references() {
    auto ts_names = keys_of(d.transform_sets);
    auto acl_names = keys_of(d.acls);
    for (const CryptoMapEntry* ep : all_entries()) {
      const CryptoMapEntry& e = *ep;
      std::string kw = e.in_dynamic_map ? "crypto dynamic-map" : "crypto map";
      std::string head = fmt::format("{} {} {}{}", kw, e.map, e.seq, e.in_dynamic_map ? "" : " ipsec-isakmp");
      if (e.is_dynamic_ref()) {
        if (!d.dynamic_map(e.dynamic_ref) && !d.excerpt)
          missing(e, e.src, fmt::format("dynamic map {} is not defined", e.dynamic_ref), "dyn:" + e.dynamic_ref,
                  FixStep{d.hostname, {fmt::format("crypto dynamic-map {} 10", e.dynamic_ref), " set transform-set <transform set>"},
                          "a dynamic map needs at least a transform set"});
        continue;
      }
      if (e.ipsec_manual) continue;
      if (!e.in_dynamic_map && e.peers.empty())
        missing(e, e.src, "no `set peer`: the entry stays disabled", "nopeer",
                FixStep{d.hostname, {head, " set peer <peer address>"}, ""});
      if (e.acl.empty()) {
        if (!e.in_dynamic_map)
          missing(e, e.src, "no `match address`: the entry stays disabled", "noacl",
                  FixStep{d.hostname, {head, " match address <crypto ACL>"}, ""});
      } else if (!d.acl(e.acl)) {
        if (d.excerpt) {
          notes.push_back(fmt::format("{}: ACL {} (crypto {}) is not in the excerpt; its checks were skipped", d.path, e.acl, e.label()));
        } else {
          std::string hint = similar_name(e.acl, acl_names);
          FixStep fx{d.hostname, {}, ""};
          if (!hint.empty()) {
            fx.commands = {head, " match address " + hint};
            fx.note = "ACL " + hint + " exists; assuming a typo";
          } else {
            fx.commands = {"ip access-list extended " + e.acl, " permit ip <local network> <wildcard> <remote network> <wildcard>"};
            fx.note = "the peer needs the mirror image of this list";
          }
          missing(e, e.acl_src, fmt::format("match address {}: the ACL is not defined", e.acl), "acl:" + e.acl, fx);
        }
      }
      bool any_defined = false;
      for (size_t i = 0; i < e.transform_sets.size(); ++i) {
        const std::string& t = e.transform_sets[i];
        if (d.transform_set(t)) { any_defined = true; continue; }
        if (d.excerpt) {
          notes.push_back(fmt::format("{}: transform set {} (crypto {}) is not in the excerpt; its checks were skipped", d.path, t, e.label()));
          any_defined = true;
          continue;
        }
        ConfigRef at;
        for (auto& r : e.transform_srcs) if (r.text.find(t) != std::string::npos) at = r;
        std::string hint = similar_name(t, ts_names);
        FixStep fx{d.hostname, {}, ""};
        if (!hint.empty()) {
          std::vector<std::string> names = e.transform_sets;
          for (auto& n : names) if (n == t) n = hint;
          std::string line = " set transform-set";
          for (auto& n : names) line += " " + n;
          fx.commands = {head, line};
          fx.note = "transform set " + hint + " exists; assuming a typo";
        } else {
          fx.commands = {fmt::format("crypto ipsec transform-set {} esp-aes 256 esp-sha256-hmac", t), " mode tunnel"};
          fx.note = "must be identical to one of the peer's transform sets";
        }
        missing(e, at, fmt::format("transform set {} is not defined", t), "ts:" + t, fx);
      }
      if (e.transform_sets.empty())
        missing(e, e.src, "no `set transform-set`: nothing can be proposed or accepted", "nots",
                FixStep{d.hostname, {head, " set transform-set <transform set>"}, ""});
      else if (!any_defined && e.transform_sets.size() > 1)
        notes.push_back(fmt::format("{}: crypto {} has no defined transform set at all", d.path, e.label()));
      if (!e.isakmp_profile.empty() && !d.isakmp_profile(e.isakmp_profile) && !d.excerpt)
        missing(e, e.isakmp_profile_src, fmt::format("isakmp-profile {} is not defined", e.isakmp_profile),
                "prof:" + e.isakmp_profile,
                FixStep{d.hostname, {"crypto isakmp profile " + e.isakmp_profile, " keyring <keyring>",
                                     " match identity address <peer address> 255.255.255.255"}, ""});
    }
    if (d.excerpt) return;
    for (auto& [name, m] : d.crypto_maps) {
      if (!m.local_address.empty() && !d.interface(m.local_address)) {
        Finding f = make("missing-reference", Severity::Error, d, "",
                         fmt::format("crypto map {} local-address {}: no such interface", name, m.local_address));
        add_ev(f, d, m.local_address_src);
        FixStep s{d.hostname, {fmt::format("crypto map {} local-address <interface carrying the IKE address>", name)},
                  "changing local-address re-establishes every SA of the map (brief interruption)"};
        f.fix.push_back(s);
        f.key = fmt::format("missing-reference|{}|{}|local-address", d.hostname, name);
        out.push_back(std::move(f));
      }
    }
    for (auto& i : d.interfaces) {
      if (i.crypto_map.empty() || d.crypto_map(i.crypto_map)) continue;
      Finding f = make("missing-reference", Severity::Error, d, "",
                       fmt::format("interface {}: crypto map {} is not defined", i.name, i.crypto_map));
      add_ev(f, d, i.crypto_map_src);
      f.fix.push_back(FixStep{d.hostname, {"interface " + i.name, " no crypto map " + i.crypto_map}, "or define the map"});
      f.key = fmt::format("missing-reference|{}|{}|map:{}", d.hostname, i.name, i.crypto_map);
      out.push_back(std::move(f));
    }
    for (auto& i : d.interfaces) {
      if (i.tunnel_protection.empty()) continue;
      auto it = d.ipsec_profiles.find(i.tunnel_protection);
      if (it == d.ipsec_profiles.end()) {
        Finding f = make("missing-reference", Severity::Error, d, "",
                         fmt::format("interface {}: ipsec profile {} is not defined", i.name, i.tunnel_protection));
        add_ev(f, d, i.tunnel_protection_src);
        f.key = fmt::format("missing-reference|{}|{}|ipsec-profile", d.hostname, i.name);
        out.push_back(std::move(f));
        continue;
      }
      for (auto& t : it->second.transform_sets)
        if (!d.transform_set(t)) {
          Finding f = make("missing-reference", Severity::Error, d, "",
                           fmt::format("crypto ipsec profile {}: transform set {} is not defined", it->first, t));
          add_ev(f, d, it->second.src);
          f.key = fmt::format("missing-reference|{}|ipsec-profile:{}|ts:{}", d.hostname, it->first, t);
          out.push_back(std::move(f));
        }
    }
    for (auto& [n, p] : d.isakmp_profiles)
      for (auto& kr : p.keyrings)
        if (!d.keyrings.count(kr)) {
          Finding f = make("missing-reference", Severity::Error, d, "",
                           fmt::format("crypto isakmp profile {}: keyring {} is not defined", n, kr));
          add_ev(f, d, p.src);
          f.key = fmt::format("missing-reference|{}|profile:{}|keyring:{}", d.hostname, n, kr);
          out.push_back(std::move(f));
        }
  }

  // ---------------------------------------------------------------- invalid-local-address (local)
  void local_address() {
    if (d.excerpt) return;
    for (auto& [name, m] : d.crypto_maps) {
      if (m.local_address.empty()) continue;
      const Interface* i = d.interface(m.local_address);
      if (!i) continue;  // missing-reference
      if (!i->primary_address() || i->shutdown) {
        Finding f = make("invalid-local-address", Severity::Error, d, "",
                         fmt::format("crypto map {} local-address {}: the interface {}", name, i->name,
                                     i->shutdown ? "is shut down" : "has no IP address"));
        add_ev(f, d, m.local_address_src);
        add_ev(f, d, i->src);
        if (i->shutdown) add_ev(f, d, i->shutdown_src);
        FixStep s{d.hostname, {"interface " + i->name}, ""};
        if (i->shutdown) s.commands.push_back(" no shutdown");
        if (!i->primary_address()) s.commands.push_back(" ip address <address the peers use> 255.255.255.255");
        f.fix.push_back(s);
        f.key = fmt::format("invalid-local-address|{}|{}|local", d.hostname, name);
        out.push_back(std::move(f));
      }
    }
    for (auto& i : d.interfaces) {
      if (i.crypto_map.empty() || !d.crypto_map(i.crypto_map)) continue;
      const CryptoMap* m = d.crypto_map(i.crypto_map);
      if (!m->local_address.empty()) continue;
      if (!i.primary_address() && !i.dhcp) {
        Finding f = make("invalid-local-address", Severity::Error, d, "",
                         fmt::format("interface {} carries crypto map {} but has no IP address", i.name, i.crypto_map));
        add_ev(f, d, i.crypto_map_src);
        add_ev(f, d, i.src);
        f.fix.push_back(FixStep{d.hostname, {"interface " + i.name, " ip address <address> <mask>"},
                                "or `crypto map " + i.crypto_map + " local-address <interface>`"});
        f.key = fmt::format("invalid-local-address|{}|{}|noaddr", d.hostname, i.name);
        out.push_back(std::move(f));
      }
    }
  }

  // ---------------------------------------------------------------- crypto-map-overlap
  // Index every ACE region of every entry of the map; for each permit region of entry j ask
  // the index for ACEs of earlier entries that can meet it, and decide exactly (first match
  // inside each earlier entry, deny lines included) which part of it they take.
  void overlap(const CryptoMap& m) {
    struct Slot { size_t entry; size_t ace; size_t region; };
    std::vector<const CryptoMapEntry*> es;
    std::vector<const Acl*> acls;
    for (auto& e : m.entries) {
      if (e.is_dynamic_ref() || e.acl.empty()) continue;
      const Acl* a = d.acl(e.acl);
      if (!a) continue;
      es.push_back(&e);
      acls.push_back(a);
    }
    if (es.size() < 2) return;
    RegionIndex idx;
    std::vector<Slot> slots;
    for (size_t k = 0; k < es.size(); ++k)
      for (size_t i = 0; i < acls[k]->aces.size(); ++i)
        for (size_t r = 0; r < acls[k]->aces[i].regions.size(); ++r) {
          const Region& g = acls[k]->aces[i].regions[r];
          idx.add(g.src, g.dst, static_cast<uint32_t>(slots.size()));
          slots.push_back({k, i, r});
        }
    idx.build();
    std::vector<uint32_t> cand;
    std::set<std::pair<size_t, size_t>> reported;  // (later entry, earlier entry)
    for (size_t j = 1; j < es.size(); ++j) {
      const Acl& aj = *acls[j];
      for (size_t bi = 0; bi < aj.aces.size(); ++bi) {
        const Ace& b = aj.aces[bi];
        if (!b.permit()) continue;
        for (size_t br = 0; br < b.regions.size(); ++br) {
          const Region& g = b.regions[br];
          cand.clear();
          idx.query(g.src, g.dst, cand);
          // group candidates by earlier entry, keep ACL order
          std::map<size_t, std::vector<std::pair<size_t, size_t>>> by_entry;
          for (uint32_t id : cand) {
            const Slot& s = slots[id];
            if (s.entry >= j) continue;
            const Region& c = acls[s.entry]->aces[s.ace].regions[s.region];
            if (c.intersects(g)) by_entry[s.entry].emplace_back(s.ace, s.region);
          }
          if (by_entry.empty()) continue;
          std::vector<Region> remaining{g};
          for (auto& [k, list] : by_entry) {
            std::sort(list.begin(), list.end());
            // first-match decision of the remaining pieces inside entry k, using only the ACEs
            // that can meet g (the others cannot decide any packet of g)
            const Acl& ak = *acls[k];
            std::vector<Region> next;
            const Ace* taker = nullptr;
            bool intended = true;
            for (auto& q0 : remaining) {
              std::vector<Region> todo{q0};
              for (auto [ai, ri] : list) {
                const Region& c = ak.aces[ai].regions[ri];
                if (!c.qualifiers.empty()) continue;
                std::vector<Region> nt;
                for (auto& q : todo) {
                  if (!q.intersects(c)) { nt.push_back(std::move(q)); continue; }
                  if (ak.aces[ai].permit()) {
                    if (!taker) taker = &ak.aces[ai];
                    // An earlier entry that is strictly more specific than this line is the
                    // recommended design (carve-out first), not an overlap problem.
                    if (!g.contains(c)) intended = false;
                  } else {
                    next.push_back(*q.intersect(c));  // denied here: falls through to later entries
                  }
                  auto rest = q.minus(c);
                  if (!rest) { nt.clear(); break; }
                  for (auto& x : *rest) nt.push_back(std::move(x));
                }
                todo = std::move(nt);
              }
              for (auto& x : todo) next.push_back(std::move(x));
            }
            remaining = std::move(next);
            if (taker && !intended && !reported.count({j, k})) {
              reported.insert({j, k});
              report_overlap(m, *es[k], *taker, *es[j], b, remaining.empty());
            }
            if (remaining.empty()) break;
          }
        }
      }
    }
  }

  void report_overlap(const CryptoMap& m, const CryptoMapEntry& early, const Ace& a, const CryptoMapEntry& late,
                      const Ace& b, bool fully) {
    bool same_peer = !early.peers.empty() && !late.peers.empty() && early.peers[0].str() == late.peers[0].str();
    Severity sev = same_peer ? Severity::Warning : Severity::Error;
    Finding f = make("crypto-map-overlap", sev, d, late.peers.empty() ? "" : late.peers[0].str(), "");
    f.message = fmt::format("crypto map {} {} (ACL {}) takes {} traffic of entry {} (ACL {}, peer {}); entry {} is {}",
                            m.name, early.seq, early.acl, fully ? "all" : "part of the", late.seq, late.acl,
                            late.peers.empty() ? "?" : late.peers[0].str(), late.seq,
                            fully ? "never used for it" : "bypassed for that part");
    add_ev(f, d, b.src);
    add_ev(f, d, a.src);
    add_ev(f, d, early.src);
    add_ev(f, d, late.src);
    f.explanation += fmt::format(
        " Here `{}` (entry {}) is evaluated before `{}` (entry {}); the packets go to peer {} with proxies from the "
        "wider line{}.",
        a.ios(), early.seq, b.ios(), late.seq, early.peers.empty() ? "?" : early.peers[0].str(),
        same_peer ? "" : "; the intended peer never gets an SA for it, and its own proposals for this traffic can be "
                         "validated against the wrong entry and rejected (seed Example 19-16)");
    // New sequence number below the earlier entry and above the one before it.
    uint32_t lo = 0;
    for (auto& e : m.entries) if (e.seq < early.seq) lo = std::max(lo, e.seq);
    uint32_t new_seq = 0;
    if (early.seq - lo >= 2) new_seq = lo + (early.seq - lo) / 2;
    FixStep s;
    s.device = d.hostname;
    if (new_seq) {
      s.commands = recreate_entry(late, new_seq);
      s.commands.push_back(fmt::format("no crypto map {} {}", m.name, late.seq));
      s.note = fmt::format(
          "moves the more specific entry before entry {}; create the new entry first, then remove the old one: SAs of "
          "entry {} are re-negotiated (brief interruption for that peer)",
          early.seq, late.seq);
    } else {
      s.commands = recreate_entry(early, late.seq + 1);
      s.commands.push_back(fmt::format("no crypto map {} {}", m.name, early.seq));
      s.note = fmt::format("no free sequence number below {}: moves the wider entry after {} instead (its SAs are "
                           "re-negotiated)", early.seq, late.seq);
    }
    f.fix.push_back(s);
    f.next.push_back(fmt::format("show crypto map (on {}): entry order; debug crypto ipsec on peer {}: proxy identities", d.hostname,
                                 late.peers.empty() ? "?" : late.peers[0].str()));
    f.extra["early_seq"] = early.seq;
    f.extra["late_seq"] = late.seq;
    f.extra["fully_shadowed"] = fully;
    f.key = fmt::format("crypto-map-overlap|{}|{}|{}|{}", d.hostname, m.name, early.seq, late.seq);
    out.push_back(std::move(f));
  }

  // ---------------------------------------------------------------- crypto ACL checks
  void crypto_acl_checks() {
    std::map<std::string, const CryptoMapEntry*> used;  // ACL -> first entry using it
    for (const CryptoMapEntry* e : all_entries())
      if (!e->acl.empty() && d.acl(e->acl) && !used.count(e->acl)) used[e->acl] = e;
    for (auto& [name, e] : used) {
      const Acl& acl = *d.acl(name);
      for (auto& a : acl.aces) {
        if (!a.permit()) continue;
        bool any = false;
        for (auto& r : a.regions) any = any || r.src.is_any() || r.dst.is_any();
        if (!any) continue;
        Finding f = make("acl-permit-any", Severity::Warning, d, e->peers.empty() ? "" : e->peers[0].str(),
                         fmt::format("crypto ACL {} (crypto {}): `{}` uses any", name, e->label(), a.ios()));
        add_ev(f, d, a.src);
        add_ev(f, d, e->acl_src);
        f.fix.push_back(FixStep{d.hostname,
                                {acl_header(acl), fmt::format(" no {}", a.seq),
                                 fmt::format(" {} permit ip <local network> <wildcard> <remote network> <wildcard>", a.seq)},
                                "name the protected networks; the peer needs the mirror image"});
        f.key = fmt::format("acl-permit-any|{}|{}|{}", d.hostname, name, a.seq);
        out.push_back(std::move(f));
      }
      for (auto& dl : dead_lines(acl, true)) {
        const Ace& a = acl.aces[dl.index];
        Finding f = make("acl-line-never-matches", Severity::Warning, d, e->peers.empty() ? "" : e->peers[0].str(),
                         fmt::format("crypto ACL {}: `{}` never matches (earlier lines take all its traffic)", name, a.ios()));
        add_ev(f, d, a.src);
        for (size_t k : dl.covered_by) add_ev(f, d, acl.aces[k].src);
        f.fix.push_back(FixStep{d.hostname, {acl_header(acl), fmt::format(" no {}", a.seq)},
                                "or move it above the lines that cover it if it was meant to win"});
        f.key = fmt::format("acl-line-never-matches|{}|{}|{}", d.hostname, name, a.seq);
        out.push_back(std::move(f));
      }
    }
  }

  // ---------------------------------------------------------------- nat-not-exempted
  // Part of `r` translated by the NAT rule (first-match through its ACL or route-map).
  std::vector<std::pair<Region, const Ace*>> nat_translated(const NatRule& n, const Region& r) {
    std::vector<std::pair<Region, const Ace*>> hit;
    auto through_acl = [&](const Acl& acl, const std::vector<Region>& in, std::vector<Region>& rest) {
      for (auto& q : in) {
        auto dec = acl.decide(q);
        if (!dec) continue;
        for (auto& x : *dec) {
          if (x.ace >= 0 && acl.aces[static_cast<size_t>(x.ace)].permit()) hit.emplace_back(x.piece, &acl.aces[static_cast<size_t>(x.ace)]);
          else rest.push_back(x.piece);
        }
      }
    };
    if (n.kind == NatRule::Kind::SourceList) {
      if (const Acl* acl = d.acl(n.acl)) {
        std::vector<Region> rest;
        through_acl(*acl, {r}, rest);
      }
    } else if (n.kind == NatRule::Kind::SourceRouteMap) {
      std::vector<const RouteMapEntry*> rm;
      for (auto& e : d.route_maps) if (e.name == n.route_map) rm.push_back(&e);
      std::stable_sort(rm.begin(), rm.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
      std::vector<Region> todo{r};
      for (auto* e : rm) {
        if (todo.empty()) break;
        std::vector<Region> rest;
        if (e->match_acls.empty()) {
          if (e->permit) for (auto& q : todo) hit.emplace_back(q, nullptr);
          todo.clear();
          break;
        }
        size_t before = hit.size();
        for (auto& an : e->match_acls)
          if (const Acl* acl = d.acl(an)) { rest.clear(); through_acl(*acl, todo, rest); todo = rest; }
        if (!e->permit) hit.resize(before);  // deny entry: matched traffic is not translated
      }
    }
    return hit;
  }

  void nat() {
    for (auto& [name, m] : d.crypto_maps) {
      auto ifs = d.map_interfaces(name);
      const Interface* outside = nullptr;
      for (auto* i : ifs) if (i->nat == NatSide::Outside) outside = i;
      if (!outside) continue;
      for (auto& n : d.nat_rules) {
        if (!n.inside || (n.kind != NatRule::Kind::SourceList && n.kind != NatRule::Kind::SourceRouteMap)) continue;
        if (!n.interface.empty() && d.interface(n.interface) != outside && n.pool.empty()) continue;
        std::set<std::string> done;
        for (auto& e : m.entries) {
          if (e.is_dynamic_ref() || !d.acl(e.acl) || done.count(e.acl)) continue;
          done.insert(e.acl);
          const Acl& cacl = *d.acl(e.acl);
          std::vector<std::string> deny_lines;
          Finding f = make("nat-not-exempted", Severity::Error, d, e.peers.empty() ? "" : e.peers[0].str(), "");
          size_t count = 0;
          for (auto& a : cacl.aces) {
            if (!a.permit()) continue;
            for (auto& r : a.regions) {
              auto hit = nat_translated(n, r);
              if (hit.empty()) continue;
              ++count;
              add_ev(f, d, a.src);
              for (auto& [piece, nace] : hit) if (nace) add_ev(f, d, nace->src);
              deny_lines.push_back(ace_text(r, false));
            }
          }
          if (!count) continue;
          add_ev(f, d, n.src);
          add_ev(f, d, outside->nat_src);
          f.message = fmt::format("{} crypto ACL {} line(s) of crypto {} are translated by `{}` before encryption "
                                  "({} is ip nat outside)", count, e.acl, e.label(), n.src.text, outside->name);
          std::string nat_acl = n.kind == NatRule::Kind::SourceList ? n.acl : "";
          if (nat_acl.empty())
            for (auto& rm : d.route_maps)
              if (rm.name == n.route_map && rm.permit && !rm.match_acls.empty()) { nat_acl = rm.match_acls[0]; break; }
          FixStep s;
          s.device = d.hostname;
          if (const Acl* na = d.acl(nat_acl)) {
            uint32_t first = na->aces.empty() ? 10 : na->aces.front().seq;
            s.commands.push_back(acl_header(*na));
            if (first <= deny_lines.size()) {
              s.commands.insert(s.commands.begin(), fmt::format("ip access-list resequence {} 1000 10", nat_acl));
              first = 1000;
            }
            uint32_t step = std::max<uint32_t>(1, (first - 1) / static_cast<uint32_t>(deny_lines.size() + 1));
            uint32_t seq = step;
            for (auto& l : deny_lines) { s.commands.push_back(fmt::format(" {} {}", seq, l)); seq += step; }
            s.note = "deny lines at the top of the NAT ACL exempt the VPN traffic from translation; existing NAT "
                     "translations for it remain until cleared (clear ip nat translation *)";
          } else {
            s.commands = {"<NAT ACL>: add deny lines for the crypto ACL's traffic"};
          }
          f.fix.push_back(std::move(s));
          f.next.push_back("show ip nat translations: entries for the protected networks confirm it");
          f.key = fmt::format("nat-not-exempted|{}|{}|{}", d.hostname, name, e.acl);
          out.push_back(std::move(f));
        }
      }
    }
  }

  // ---------------------------------------------------------------- weak-crypto
  void weak() {
    for (auto& [name, t] : d.transform_sets) {
      if (!t.valid) continue;
      auto w = t.transform.weak_parts();
      if (w.empty()) continue;
      std::string parts;
      for (auto& x : w) parts += (parts.empty() ? "" : ", ") + x;
      Finding f = make("weak-crypto", Severity::Warning, d, "", fmt::format("transform set {}: {}", name, parts));
      add_ev(f, d, t.src);
      f.fix.push_back(FixStep{d.hostname,
                              {fmt::format("crypto ipsec transform-set {} esp-aes 256 esp-sha256-hmac", name),
                               t.transform.transport ? " mode transport" : " mode tunnel"},
                              "change the peer's transform set at the same time, or add the new set first on both "
                              "sides (`set transform-set NEW OLD`) to avoid an outage; new SAs use it at the next rekey"});
      f.key = fmt::format("weak-crypto|{}|ts:{}", d.hostname, name);
      out.push_back(std::move(f));
    }
    for (auto& p : d.isakmp_policies) {
      auto w = p.policy.weak_parts();
      if (w.empty()) continue;
      std::string parts;
      for (auto& x : w) parts += (parts.empty() ? "" : ", ") + x;
      Finding f = make("weak-crypto", Severity::Warning, d, "",
                       fmt::format("crypto isakmp policy {}: {}", p.policy.priority, parts));
      add_ev(f, d, p.src);
      FixStep s{d.hostname, {fmt::format("crypto isakmp policy {}", p.policy.priority)},
                "the peer needs an identical policy; add the strong policy at a free priority on both sides before "
                "removing the weak one"};
      if (p.policy.encryption != "aes" || p.policy.key_bits < 256) s.commands.push_back(" encryption aes 256");
      if (p.policy.hash == "md5" || p.policy.hash == "sha") s.commands.push_back(" hash sha256");
      if (p.policy.group == 1 || p.policy.group == 2 || p.policy.group == 5) s.commands.push_back(" group 14");
      f.fix.push_back(s);
      f.key = fmt::format("weak-crypto|{}|policy:{}", d.hostname, p.policy.priority);
      out.push_back(std::move(f));
    }
    for (const CryptoMapEntry* e : all_entries()) {
      if (e->pfs_group == 1 || e->pfs_group == 2 || e->pfs_group == 5) {
        Finding f = make("weak-crypto", Severity::Warning, d, e->peers.empty() ? "" : e->peers[0].str(),
                         fmt::format("crypto {}: PFS group {}", e->label(), e->pfs_group));
        add_ev(f, d, e->pfs_src);
        f.fix.push_back(FixStep{d.hostname,
                                {fmt::format("crypto {} {} {}{}", e->in_dynamic_map ? "dynamic-map" : "map", e->map, e->seq,
                                             e->in_dynamic_map ? "" : " ipsec-isakmp"),
                                 " set pfs group14"},
                                "the peer must use the same PFS group"});
        f.key = fmt::format("weak-crypto|{}|pfs:{}", d.hostname, e->label());
        out.push_back(std::move(f));
      }
    }
  }

  // ---------------------------------------------------------------- unused-transform-set
  void unused_transforms() {
    if (d.excerpt) return;
    std::set<std::string> used;
    for (const CryptoMapEntry* e : all_entries()) used.insert(e->transform_sets.begin(), e->transform_sets.end());
    for (auto& [n, p] : d.ipsec_profiles) used.insert(p.transform_sets.begin(), p.transform_sets.end());
    for (auto& [name, t] : d.transform_sets) {
      if (used.count(name)) continue;
      Finding f = make("unused-transform-set", Severity::Info, d, "", fmt::format("transform set {} is not used", name));
      add_ev(f, d, t.src);
      f.fix.push_back(FixStep{d.hostname, {"no crypto ipsec transform-set " + name}, "only if nothing else needs it"});
      f.key = fmt::format("unused-transform-set|{}|{}", d.hostname, name);
      out.push_back(std::move(f));
    }
  }

  // ---------------------------------------------------------------- phase1-no-key (local)
  void no_key() {
    if (d.excerpt || !auth_uses_psk(d)) return;
    for (auto& [name, m] : d.crypto_maps) {
      for (auto& e : m.entries) {
        if (e.is_dynamic_ref()) continue;
        const IsakmpProfile* prof = e.isakmp_profile.empty() ? nullptr : d.isakmp_profile(e.isakmp_profile);
        if (!e.isakmp_profile.empty() && !prof) continue;  // missing-reference
        for (auto& p : e.peers) {
          if (!p.addr) continue;
          uint32_t local = local_address_for(d, name, *p.addr);
          if (d.key_for(*p.addr, local, prof)) continue;
          Finding f = make("phase1-no-key", Severity::Error, d, p.str(),
                           fmt::format("crypto {}: no pre-shared key for peer {}", e.label(), p.str()));
          add_ev(f, d, p.src);
          FixStep s;
          s.device = d.hostname;
          if (prof && !prof->keyrings.empty())
            s.commands = {"crypto keyring " + prof->keyrings[0],
                          fmt::format(" pre-shared-key address {} key <the key configured on {}>", p.str(), p.str())};
          else
            s.commands = {fmt::format("crypto isakmp key <the key configured on {}> address {}", p.str(), p.str())};
          s.note = "the key must be identical on both peers";
          f.fix.push_back(s);
          f.next.push_back("debug crypto isakmp: `No pre-shared key with " + p.str() + "!`");
          f.key = fmt::format("phase1-no-key|{}|{}", d.hostname, p.str());
          out.push_back(std::move(f));
        }
      }
    }
  }
};

void sort_findings(std::vector<Finding>& fs) {
  // Fold identical keys, then order: errors first, device, rule, first evidence line.
  std::vector<Finding> outv;
  std::map<std::string, size_t> seen;
  for (auto& f : fs) {
    if (!f.key.empty()) {
      auto it = seen.find(f.key);
      if (it != seen.end()) { outv[it->second].occurrences++; continue; }
      seen[f.key] = outv.size();
    }
    outv.push_back(std::move(f));
  }
  std::stable_sort(outv.begin(), outv.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.device != b.device) return a.device < b.device;
    if (a.rule != b.rule) return a.rule < b.rule;
    uint32_t la = a.evidence.empty() ? 0 : a.evidence[0].line, lb = b.evidence.empty() ? 0 : b.evidence[0].line;
    return la < lb;
  });
  fs = std::move(outv);
}

}  // namespace

LintResult lint_devices(std::vector<DeviceConfig> devices) {
  LintResult r;
  r.devices = std::move(devices);
  for (auto& d : r.devices) {
    r.lines_total += d.stats.lines_total;
    r.lines_modelled += d.stats.lines_modelled;
    r.lines_skipped += d.stats.lines_skipped;
    for (auto& u : d.stats.unrecognized) r.unrecognized.emplace_back(d.path, u);
    DeviceLinter{d, r.findings, r.notes}.run();
  }
  lint_peers(r);
  sort_findings(r.findings);
  std::sort(r.notes.begin(), r.notes.end());
  r.notes.erase(std::unique(r.notes.begin(), r.notes.end()), r.notes.end());
  return r;
}

LintResult lint(const std::vector<TextSection>& configs) {
  std::vector<DeviceConfig> ds;
  ds.reserve(configs.size());
  for (auto& c : configs) ds.push_back(parse_config(c));
  return lint_devices(std::move(ds));
}

}  // namespace ipsecdoc
