// show::read - what a parsed `show crypto` output means, as findings.
#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

#include "show/show.h"

namespace ipsecdoc::show {
namespace {

using nlohmann::json;

long long geti(const json& j, const char* k, long long dflt = -1) {
  auto it = j.find(k);
  return it != j.end() && it->is_number() ? it->get<long long>() : dflt;
}
std::string gets(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Reader {
  const TextSection& s;
  std::vector<Finding>& out;

  void add_ev(Finding& f, long long line) const {
    if (line <= 0) return;
    for (auto& e : f.evidence) if (e.line == line) return;
    for (const auto& l : s.lines)
      if (l.line == static_cast<uint32_t>(line)) { f.evidence.push_back({s.path, l.line, l.text}); return; }
  }
  Finding make(const char* rule, Severity sev, const std::string& peer, const std::string& key) const {
    Finding f;
    f.rule = rule;
    f.severity = sev;
    f.device = s.device;
    f.peer = peer;
    f.key = fmt::format("{}|{}|{}|{}", rule, s.device, peer, key);
    return f;
  }
};

// A value the output did not print (filtered with "| include"): a placeholder, not "".
std::string or_else(const std::string& v, const char* placeholder) { return v.empty() ? placeholder : v; }

std::string ident_label(const json& id) {
  auto side = [&](const char* k) {
    auto it = id.find(k);
    if (it == id.end()) return std::string("?");
    std::string p = gets(*it, "prefix");
    if (p.empty()) p = gets(*it, "text");
    long long prot = geti(*it, "prot", 0), port = geti(*it, "port", 0);
    if (prot) p += fmt::format(" prot {}", prot);
    if (port) p += fmt::format(" port {}", port);
    return p;
  };
  return side("local_ident") + " <-> " + side("remote_ident");
}

// Detail counters that mean packets were lost or rejected, with what each points at.
struct ErrCounter { const char* key; const char* meaning; };
constexpr ErrCounter kErrCounters[] = {
    {"send_errors", "packets that could not be encrypted/sent (no SA or engine error on the way out)"},
    {"recv_errors", "received ESP/AH packets that were rejected (bad SPI, failed integrity check or replay)"},
    {"no_sa_send", "outbound packets matched the crypto ACL while no SA existed (dropped during (re)negotiation)"},
    {"invalid_sa_rcv", "packets arrived for an SPI this router does not have - the peer uses an SA we deleted (peer reboot/clear without delete notify; enable 'crypto isakmp invalid-spi-recovery')"},
    {"encaps_failed_send", "encapsulation failures on the way out (engine or MTU/fragmentation trouble)"},
    {"decaps_failed_rcv", "decapsulation failures on received packets"},
    {"invalid_prot_recv", "received packets carrying an unexpected protocol for this SA"},
    {"verify_failed", "integrity check (HMAC) failures - corrupted packets or keys out of sync"},
    {"invalid_identity_recv", "decrypted packets whose addresses are outside the negotiated proxy identities - the peer's crypto ACL is not the mirror of ours"},
    {"invalid_len_rcv", "received packets with a bad length (padding/truncation)"},
    {"replay_failed_rcv", "anti-replay drops - packets re-ordered beyond the replay window (QoS after encryption, multiple paths); consider 'crypto ipsec security-association replay window-size 1024'"},
    {"internal_err_send", "crypto engine internal errors on send"},
    {"internal_err_recv", "crypto engine internal errors on receive"},
    {"compr_failed", "compression failures"},
    {"decompress_failed", "decompression failures"},
};

const std::vector<std::string> phase2_next(const std::string& peer, const std::string& map) {
  std::vector<std::string> n = {
      "debug crypto isakmp and debug crypto ipsec on both peers while sending traffic that matches the crypto ACL",
      "show crypto isakmp sa (is Phase 1 up with " + peer + "?)",
      "show crypto ipsec transform-set on both peers (a common transform is required)",
      "show crypto map" + (map.empty() ? std::string() : " tag " + map) +
          " on both peers: peer address, PFS group and the crypto ACL (must be the exact mirror of the peer's)",
      "show access-lists <the crypto ACL of that map entry> on both peers"};
  return n;
}

void read_ipsec_sa(const json& d, const Reader& r) {
  for (const auto& intf : d.value("interfaces", json::array())) {
    const std::string ifname = gets(intf, "name");
    const std::string map = gets(intf, "crypto_map_tag");
    const bool tunnel_protection = map.find("-head-") != std::string::npos;
    for (const auto& id : intf.value("idents", json::array())) {
      const std::string peer = gets(id, "current_peer");
      const json& c = id.contains("counters") ? id["counters"] : json::object();
      const json& lines = id.contains("lines") ? id["lines"] : json::object();
      auto line_of = [&](const char* k) { return geti(lines, k, 0); };
      const std::string label = ident_label(id);
      const json sas = id.value("sas", json::array());
      const long long out_spi = id.contains("current_outbound_spi") ? geti(id["current_outbound_spi"], "value", -1) : -1;
      const long long no_sa_send = geti(c, "no_sa_send", 0);
      const bool peer_set = !peer.empty() && peer != "0.0.0.0" && peer != "::";

      // --- no-data-sa (only once "current outbound spi" was read as 0: a capture cut before
      // it, and before the SA lists, shows no SA without saying there is none)
      if (peer_set && sas.empty() && out_spi == 0) {
        const bool traffic = no_sa_send > 0;
        Severity sev = traffic || tunnel_protection ? Severity::Warning : Severity::Info;
        Finding f = r.make("no-data-sa", sev, peer, ifname + "|" + label);
        f.message = fmt::format("No IPsec SA for {} with peer {} on {} (current outbound spi 0x0){}", label, peer,
                                ifname.empty() ? "?" : ifname,
                                traffic ? fmt::format("; {} packets were dropped for lack of an SA", no_sa_send) : "");
        f.explanation =
            "Phase 2 (Quick Mode) has not produced IPsec SAs for this proxy pair: every inbound/outbound SA list is "
            "empty and the current outbound SPI is 0. ";
        if (traffic)
          f.explanation += "Traffic did match the crypto ACL ('#pkts no sa (send)' is not zero), so negotiation was "
                           "triggered and failed or is not answered. ";
        else if (tunnel_protection)
          f.explanation += "This is a tunnel-protection (VTI/GRE) entry, whose SAs are negotiated as soon as the tunnel "
                           "is up, so the tunnel is down or Phase 2 is failing. ";
        else
          f.explanation += "With a crypto map, SAs are only built when traffic matches this ACL entry, so an entry that "
                           "has never seen traffic looks exactly like this - only a problem if traffic is expected. ";
        f.explanation +=
            "Clearing SAs will not fix a mismatch: the usual causes are no transform set in common, crypto ACLs that "
            "are not mirror images, a PFS group mismatch, or Phase 1 not being up with this peer.";
        f.next = phase2_next(peer, map);
        if (!traffic) f.next.push_back("send traffic from " + gets(id.value("local_ident", json::object()), "prefix") +
                                       " to " + gets(id.value("remote_ident", json::object()), "prefix") +
                                       " and run 'show crypto ipsec sa' again");
        for (const char* k : {"local_ident", "remote_ident", "current_peer", "current_outbound_spi", "no_sa_send"})
          r.add_ev(f, line_of(k));
        f.extra = {{"interface", ifname}, {"crypto_map", map}, {"ident", label}, {"pkts_no_sa_send", no_sa_send}};
        r.out.push_back(std::move(f));
      }

      // --- one-way-traffic
      const long long enc = geti(c, "encaps"), dec = geti(c, "decaps");
      const std::string peer_text = or_else(peer, "<peer not printed>");
      const std::string local_net = or_else(gets(id.value("local_ident", json::object()), "prefix"), "<local network>");
      const std::string remote_net = or_else(gets(id.value("remote_ident", json::object()), "prefix"), "<remote network>");
      if (enc >= 0 && dec >= 0 && ((enc > 0) != (dec > 0))) {
        Finding f = r.make("one-way-traffic", Severity::Warning, peer, ifname + "|" + label);
        if (enc > 0) {
          f.message = fmt::format("One-way IPsec traffic to {}: {} packets encapsulated, 0 decapsulated ({})", peer_text,
                                  enc, label);
          f.explanation =
              "This router encrypts and sends traffic for this proxy pair but nothing comes back through the SA. "
              "The SAs are up, so the problem is on the return path: the peer is not decrypting (or drops after "
              "decrypting), its return traffic is not routed back into the tunnel, its crypto ACL is not the mirror "
              "of ours so replies leave unencrypted, or NAT on the peer translates the return traffic before crypto "
              "so it no longer matches the ACL. An ISP/firewall dropping ESP (IP 50) or UDP 4500 towards us gives "
              "the same picture.";
          f.next = {"on the peer " + peer_text + ": show crypto ipsec sa peer <this router> - do its #pkts decaps "
                                                 "grow while ours encaps grow?",
                    "on the peer: show ip route for " + local_net + " (return route must point out the crypto interface)",
                    "on the peer: show ip nat translations / NAT exemption (deny) for the VPN traffic",
                    "on the peer: show access-lists <crypto ACL> - must mirror ours",
                    "check that ESP (protocol 50) or UDP 4500 from the peer reaches this router"};
        } else {
          f.message = fmt::format("One-way IPsec traffic from {}: {} packets decapsulated, 0 encapsulated ({})", peer_text,
                                  dec, label);
          f.explanation =
              "The peer encrypts traffic to us and we decrypt it, but nothing is sent back through the SA. The "
              "replies (or our own traffic) do not match our crypto ACL when they leave: NAT on this router "
              "translates them before crypto (add a NAT exemption), the crypto ACL is not the mirror of the "
              "peer's, or the return route does not point out the interface carrying the crypto map.";
          f.next = {"show ip nat translations and the NAT ACL on this router (deny the VPN traffic before the permit)",
                    "show access-lists <crypto ACL of map " + or_else(map, "<map>") + ">",
                    "show ip route for " + remote_net,
                    "show crypto map interface " + (ifname.empty() ? std::string("<if>") : ifname)};
        }
        r.add_ev(f, line_of("encaps"));
        r.add_ev(f, line_of("decaps"));
        r.add_ev(f, line_of("current_peer"));
        f.extra = {{"interface", ifname}, {"ident", label}, {"encaps", enc}, {"decaps", dec},
                   {"direction", enc > 0 ? "outbound-only" : "inbound-only"}};
        r.out.push_back(std::move(f));
      }

      // --- packet-errors
      {
        std::vector<std::string> parts;
        Finding f = r.make("packet-errors", Severity::Warning, peer, ifname + "|" + label);
        json counts = json::object();
        for (const auto& ec : kErrCounters) {
          long long v = geti(c, ec.key, 0);
          if (v <= 0) continue;
          if (std::string_view(ec.key) == "no_sa_send" && sas.empty()) continue;  // reported as no-data-sa
          parts.push_back(fmt::format("{} {}", ec.key, v));
          f.explanation += fmt::format("{} = {}: {}. ", ec.key, v, ec.meaning);
          counts[ec.key] = v;
          r.add_ev(f, line_of(ec.key));
        }
        if (!parts.empty()) {
          // A handful of drops against millions of packets (a replay drop after re-ordering) is
          // noise, not a fault: below 0.01% of the traffic the finding is informational.
          long long errs = 0;
          for (auto& [k, v] : counts.items()) errs += v.get<long long>();
          const long long traffic = std::max(geti(c, "encaps", 0), geti(c, "decaps", 0));
          if (errs * 10000 < traffic) f.severity = Severity::Info;
          std::string joined;
          for (auto& p : parts) joined += (joined.empty() ? "" : ", ") + p;
          f.message = fmt::format("IPsec packet errors for {} with peer {}: {}", label, peer, joined);
          f.explanation = "The SA counters show dropped or rejected packets. " + f.explanation +
                          (f.severity == Severity::Info ? "They are under 0.01% of the packets carried, so this is "
                                                          "background noise unless it grows. " : "") +
                          "Counters are cumulative since the SA (or the counters) were created; compare two outputs a "
                          "minute apart to see whether they still grow.";
          f.next = {"show crypto ipsec sa peer " + peer + " detail again after a minute - are the counters growing?",
                    "show crypto engine connections active (per-SA encrypt/decrypt counts)",
                    "debug crypto ipsec error (if available on this release) while the counter grows"};
          // Two counters have a configuration answer on this router; the others point at the peer,
          // the path or the engine (explanation and next).
          if (f.severity == Severity::Warning) {
            if (counts.contains("invalid_sa_rcv"))
              f.fix.push_back({r.s.device, {"crypto isakmp invalid-spi-recovery"},
                               "re-creates the IKE SA when packets arrive for an SPI this router no longer has, so "
                               "the peer learns of the stale SA (INVALID_SPI notify)"});
            if (counts.contains("replay_failed_rcv"))
              f.fix.push_back({r.s.device, {"crypto ipsec security-association replay window-size 1024"},
                               "a wider anti-replay window for traffic re-ordered after encryption (QoS, several "
                               "paths); applies to new SAs"});
          }
          f.extra = {{"interface", ifname}, {"ident", label}, {"counters", counts}};
          r.out.push_back(std::move(f));
        }
      }

      // --- sa-lifetime-low: judged on the freshest SA per direction (rekey overlap keeps old SAs).
      {
        std::map<std::string, std::pair<long long, long long>> best;  // direction -> (max sec, max kb)
        std::map<std::string, long long> best_line;
        for (const auto& sa : sas) {
          if (!sa.contains("lifetime")) continue;
          const json& lt = sa["lifetime"];
          long long sec = geti(lt, "sec"), kb = geti(lt, "kb");
          if (sec < 0) continue;                 // "not applicable"
          if (sec == 0 && kb < 0) continue;      // manual SA: IOS prints 0 and never rekeys
          std::string dir = gets(sa, "direction");
          auto it = best.find(dir);
          if (it == best.end()) { best[dir] = {sec, kb}; best_line[dir] = geti(lt, "line", 0); continue; }
          if (sec > it->second.first) { it->second.first = sec; best_line[dir] = geti(lt, "line", 0); }
          it->second.second = std::max(it->second.second, kb);
        }
        std::string what;
        Finding f = r.make("sa-lifetime-low", Severity::Info, peer, ifname + "|" + label);
        for (auto& [dir, v] : best) {
          bool low_s = v.first < kLowLifetimeSeconds;
          bool low_k = v.second >= 0 && v.second < kLowLifetimeKilobytes;
          if (!low_s && !low_k) continue;
          what += fmt::format("{}{} {} s / {}", what.empty() ? "" : "; ", dir, v.first,
                              v.second >= 0 ? fmt::format("{} kB", v.second) : std::string("kB n/a"));
          r.add_ev(f, best_line[dir]);
        }
        if (!what.empty()) {
          f.message = fmt::format("IPsec SA for {} with peer {} is close to expiry ({})", label, peer, what);
          f.explanation = fmt::format(
              "The newest SA in that direction has less than 10% of the default IPsec lifetime left ({} s or {} kB). "
              "IOS rekeys before expiry, so this is normal for a moment; it matters only if it persists or traffic "
              "stops when the SA expires (a failing Phase 2 rekey, e.g. PFS or lifetime/transform changed on one "
              "side). A very low configured 'set security-association lifetime' gives the same picture.",
              kLowLifetimeSeconds, kLowLifetimeKilobytes);
          f.next = {"show crypto ipsec sa peer " + peer + " again after the SA expires - is a new SA (new SPI) there?",
                    "show crypto map (configured 'Security association lifetime')",
                    "debug crypto ipsec around the expiry time if traffic stops"};
          f.extra = {{"interface", ifname}, {"ident", label}};
          r.out.push_back(std::move(f));
        }
      }
    }
  }
}

void read_engine(const json& d, const Reader& r) {
  struct Group { long long enc = 0, dec = 0; std::vector<long long> lines; int ipsec = 0; };
  std::map<std::string, Group> groups;
  int ike = 0, ipsec = 0;
  for (const auto& row : d.value("connections", json::array())) {
    std::string role = gets(row, "role");
    if (role == "ike") ++ike;
    if (role != "ipsec") continue;
    ++ipsec;
    // The typed layout has no Interface column: the local address alone.
    std::string k = gets(row, "interface");
    k += (k.empty() ? "" : " ") + gets(row, "ip");
    auto& g = groups[k];
    g.enc += geti(row, "encrypt", 0);
    g.dec += geti(row, "decrypt", 0);
    g.lines.push_back(geti(row, "line", 0));
    ++g.ipsec;
  }
  for (auto& [k, g] : groups) {
    if ((g.enc > 0) == (g.dec > 0)) continue;
    Finding f = r.make("one-way-traffic", Severity::Warning, "", k);
    f.message = fmt::format("One-way IPsec traffic on {}: IPsec connections encrypted {} and decrypted {} packets", k,
                            g.enc, g.dec);
    f.explanation =
        g.enc > 0
            ? "The IPsec data connections encrypt traffic but decrypt none: our packets leave through the SA and nothing "
              "comes back. Look at the peer: it is not decrypting or not routing the replies back into the tunnel, its "
              "crypto ACL is not the mirror of ours, NAT on the peer changes the return traffic before crypto, or ESP/"
              "UDP 4500 is dropped on the way back."
            : "The IPsec data connections decrypt traffic but encrypt none: the peer's packets arrive, but our replies "
              "do not match our crypto ACL on the way out (NAT before crypto on this router, crypto ACL not mirrored, "
              "or the return route does not use the crypto interface).";
    f.next = {"show crypto ipsec sa (which proxy pair and peer these connections belong to)",
              "the same command on the peer: do its counters show the mirror image?"};
    for (auto l : g.lines) r.add_ev(f, l);
    f.extra = {{"encrypt", g.enc}, {"decrypt", g.dec}};
    r.out.push_back(std::move(f));
  }
  if (ike > 0 && ipsec == 0) {
    Finding f = r.make("no-data-sa", Severity::Info, "", "engine");
    f.message = "IKE (management) connections exist but no IPsec data connection";
    f.explanation = "Phase 1 is up but Phase 2 has produced no IPsec SA. With a crypto map this is also what an idle "
                    "tunnel looks like (SAs are built on demand); if traffic is flowing, Phase 2 is failing.";
    f.next = phase2_next("the peer", "");
    for (const auto& row : d.value("connections", json::array())) r.add_ev(f, geti(row, "line", 0));
    r.out.push_back(std::move(f));
  }
}

struct StateMeaning { const char* state; const char* meaning; std::vector<std::string> candidates; };

const StateMeaning* ike_state(const std::string& st) {
  static const StateMeaning kStates[] = {
      {"MM_NO_STATE",
       "the first Main Mode exchange (MM1/MM2) did not complete: either the peers have no ISAKMP policy in common "
       "(encryption, hash, authentication, DH group) or the peer never answered (UDP 500 blocked, wrong peer address, "
       "no crypto map/ISAKMP on the peer's interface)",
       {"phase1-policy-mismatch", "phase1-no-response"}},
      {"MM_SA_SETUP",
       "a policy was agreed but the Diffie-Hellman exchange (MM3/MM4) did not complete: the peer stopped answering, "
       "or it has no pre-shared key for this address",
       {"phase1-no-response", "phase1-psk-mismatch"}},
      {"MM_KEY_EXCH",
       "Diffie-Hellman completed but authentication (MM5/MM6) failed: the encrypted identity cannot be read with the "
       "derived keys, which is what a pre-shared key mismatch looks like",
       {"phase1-psk-mismatch"}},
      {"AG_NO_STATE", "the first Aggressive Mode exchange did not complete (no policy in common or no answer)",
       {"phase1-policy-mismatch", "phase1-no-response"}},
      {"AG_INIT_EXCH", "Aggressive Mode did not authenticate: pre-shared key (or group/ID) mismatch",
       {"phase1-psk-mismatch"}},
  };
  for (const auto& s : kStates) if (st == s.state) return &s;
  return nullptr;
}

void read_isakmp(const json& d, const Reader& r, bool detail_form) {
  const json rows = d.value("sas", json::array());
  for (const auto& row : rows) {
    std::string st = gets(row, "state");
    if (st.empty() || st == "QM_IDLE") continue;
    const std::string dst = gets(row, "dst"), src = gets(row, "src");
    Finding f = r.make("no-ike-sa", Severity::Warning, dst, fmt::format("{}|{}|{}", src, st, geti(row, "conn_id")));
    const StateMeaning* m = ike_state(st);
    f.message = fmt::format("IKE SA dst {} src {} is stuck in {}{}", dst, src, st,
                            gets(row, "current_status") == "deleted" ? " (being deleted after failing)" : "");
    if (m) {
      f.explanation = fmt::format("{}: {}. A snapshot can catch a negotiation in progress; a row that stays in this "
                                  "state across repeated outputs (or reappears as 'deleted') is a failed Phase 1. "
                                  "The dst column is the responder.", st, m->meaning);
      f.candidates = m->candidates;
    } else {
      f.severity = Severity::Info;
      f.explanation = fmt::format("{} is an intermediate Phase 1 state; it is a problem only if it persists.", st);
    }
    f.next = {"debug crypto isakmp on both peers while the tunnel is triggered",
              "show crypto isakmp policy on both peers", "show crypto isakmp key (is there a key for the peer's "
                                                         "address?)",
              "show crypto isakmp sa again - does the row stay in " + st + "?"};
    r.add_ev(f, geti(row, "line", 0));
    f.extra = {{"state", st}, {"src", src}, {"dst", dst}, {"peer_basis", "dst column (the responder)"}};
    r.out.push_back(std::move(f));
  }
  if (rows.empty() && !detail_form && d.contains("families_printed")) {
    Finding f = r.make("no-ike-sa", Severity::Info, "", "empty");
    f.message = "No IKE (ISAKMP) SA at all";
    f.explanation = "The ISAKMP SA table is empty: Phase 1 has not been attempted (nothing triggered the crypto map) "
                    "or failed attempts have already been cleaned up. Only a problem if a tunnel is expected to be up.";
    f.next = {"send traffic that matches the crypto ACL, then show crypto isakmp sa", "debug crypto isakmp"};
    for (const auto& l : r.s.lines) if (!l.text.empty()) { r.add_ev(f, l.line); break; }
    r.out.push_back(std::move(f));
  }
}

void read_session(const json& d, const Reader& r) {
  for (const auto& ss : d.value("sessions", json::array())) {
    const std::string peer = gets(ss, "peer"), st = gets(ss, "status"), ifname = gets(ss, "interface");
    const long long st_line = geti(ss, "status_line", 0);
    if (st == "DOWN-NEGOTIATING" || st == "DOWN") {
      Finding f = r.make("no-ike-sa", st == "DOWN" ? Severity::Info : Severity::Warning, peer, ifname);
      f.message = fmt::format("Crypto session on {} to {} is {}: no active IKE SA", ifname, peer, st);
      f.explanation = st == "DOWN"
                          ? "The session is down and no negotiation is in progress: nothing has triggered it yet (no "
                            "interesting traffic, tunnel interface down)."
                          : "IKE is being negotiated but no IKE SA becomes active, so no IPsec SA can be built. "
                            "'show crypto isakmp sa' tells which exchange fails: MM_NO_STATE -> no policy in common or "
                            "no answer, MM_KEY_EXCH -> pre-shared key mismatch.";
      if (st != "DOWN") f.candidates = {"phase1-no-response", "phase1-policy-mismatch", "phase1-psk-mismatch"};
      f.next = {"show crypto isakmp sa (state of the Phase 1 attempt with " + peer + ")", "debug crypto isakmp",
                "ping " + peer + " from the crypto interface (reachability, UDP 500/4500 not filtered)"};
      r.add_ev(f, st_line);
      r.add_ev(f, geti(ss, "peer_line", 0));
      for (const auto& ike : ss.value("ike_sas", json::array())) r.add_ev(f, geti(ike, "line", 0));
      r.out.push_back(std::move(f));
    }
    bool ike_active = false;
    for (const auto& ike : ss.value("ike_sas", json::array())) ike_active |= gets(ike, "status") == "Active";
    for (const auto& fl : ss.value("flows", json::array())) {
      const std::string text = gets(fl, "text");
      const long long line = geti(fl, "line", 0);
      if (geti(fl, "active_sas") == 0 && (ike_active || st.rfind("UP", 0) == 0)) {
        Finding f = r.make("no-data-sa", Severity::Info, peer, ifname + "|" + text);
        f.message = fmt::format("No IPsec SA for flow '{}' to {} on {} (Active SAs: 0)", text, peer, ifname);
        f.explanation = "The IKE session is up but this flow has no IPsec SA. With a crypto map, a flow gets SAs only "
                        "once traffic matches it, so an unused ACL line looks like this; if traffic is expected, "
                        "Phase 2 for this flow is failing (transform set, mirrored ACL or PFS mismatch).";
        f.next = phase2_next(peer, "");
        r.add_ev(f, line);
        r.out.push_back(std::move(f));
      }
      const long long in = geti(fl, "in_pkts"), outp = geti(fl, "out_pkts");
      if (in >= 0 && outp >= 0 && (in > 0) != (outp > 0)) {
        Finding f = r.make("one-way-traffic", Severity::Warning, peer, ifname + "|" + text);
        f.message = fmt::format("One-way IPsec traffic for flow '{}' with {}: {} decrypted, {} encrypted", text, peer,
                                in, outp);
        f.explanation = outp > 0 ? "We encrypt and send, nothing is decrypted: the peer does not send the replies "
                                   "back through the tunnel (not decrypting, return route, NAT on the peer, crypto ACL "
                                   "not mirrored) or ESP/UDP 4500 is dropped on the way to us."
                                 : "The peer's traffic is decrypted but we encrypt nothing back: our replies do not match "
                                   "our crypto ACL on the way out (NAT before crypto, ACL not mirrored, routing).";
        f.next = {"show crypto ipsec sa peer " + peer, "the same command on the peer"};
        r.add_ev(f, geti(fl, "in_line", 0));
        r.add_ev(f, geti(fl, "out_line", 0));
        r.out.push_back(std::move(f));
      }
      const long long din = geti(fl, "in_drop", 0), dout = geti(fl, "out_drop", 0);
      if (din > 0 || dout > 0) {
        Finding f = r.make("packet-errors", Severity::Warning, peer, ifname + "|" + text);
        f.message = fmt::format("IPsec drops for flow '{}' with {}: {} inbound, {} outbound", text, peer, din, dout);
        f.explanation = "The session counters show dropped packets. Inbound drops are packets that failed decryption, "
                        "integrity or replay checks; outbound drops are packets that could not be encrypted (often "
                        "no SA during a rekey). 'show crypto ipsec sa peer " + peer + " detail' breaks them down.";
        // The same yardstick as the SA counters: under 0.01% of the packets carried is noise.
        if ((din + dout) * 10000 < std::max(in, outp)) {
          f.severity = Severity::Info;
          f.explanation += " They are under 0.01% of the packets carried, so this is background noise unless it grows.";
        }
        f.next = {"show crypto ipsec sa peer " + peer + " detail"};
        if (din > 0) r.add_ev(f, geti(fl, "in_line", 0));
        if (dout > 0) r.add_ev(f, geti(fl, "out_line", 0));
        r.out.push_back(std::move(f));
      }
      if (geti(fl, "active_sas", 0) > 0) {
        long long sec = std::max(geti(fl, "in_life_sec"), geti(fl, "out_life_sec"));
        long long kb = std::max(geti(fl, "in_life_kb"), geti(fl, "out_life_kb"));
        bool low = (sec >= 0 && sec < kLowLifetimeSeconds) || (kb >= 0 && kb < kLowLifetimeKilobytes);
        if (low && sec > 0) {
          Finding f = r.make("sa-lifetime-low", Severity::Info, peer, ifname + "|" + text);
          f.message = fmt::format("IPsec SA for flow '{}' with {} is close to expiry ({} s{})", text, peer, sec,
                                  kb >= 0 ? fmt::format(" / {} kB", kb) : "");
          f.explanation = "Less than 10% of the default IPsec lifetime is left; normal just before a rekey, a problem "
                          "only if traffic stops at expiry.";
          f.next = {"show crypto session detail again after expiry - new lifetime values?"};
          r.add_ev(f, geti(fl, "in_line", 0));
          r.out.push_back(std::move(f));
        }
      }
    }
  }
}

}  // namespace

std::vector<Finding> read(const Parsed& p, const TextSection& section) {
  std::vector<Finding> out;
  Reader r{section, out};
  try {
    switch (p.command) {
      case Command::IpsecSa: read_ipsec_sa(p.data, r); break;
      case Command::EngineConnections: read_engine(p.data, r); break;
      case Command::IsakmpSa: read_isakmp(p.data, r, false); break;
      case Command::IsakmpSaDetail: read_isakmp(p.data, r, true); break;
      case Command::Session:
      case Command::SessionDetail: read_session(p.data, r); break;
      default: break;
    }
  } catch (const std::exception&) {
    // Malformed data would be a bug in parse(); findings made so far are still valid.
  }
  return out;
}

}  // namespace ipsecdoc::show
