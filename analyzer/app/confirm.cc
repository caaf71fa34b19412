#include "app/confirm.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "app/reconstruct.h"
#include "app/replay_run.h"
#include "config/patch.h"

namespace ipsecdoc {
namespace {

bool replayable_rule(const std::string& id) {
  const auto& ids = model::failure_ids_in_check_order();
  return std::find(ids.begin(), ids.end(), id) != ids.end() || id == "peer-rejected-proposal" ||
         id == "phase2-no-response" || id == "no-ike-sa" || id == "no-data-sa";
}

// Rules whose finding names candidates rather than one cause: the model picks the cause.
bool candidate_rule(const Finding& f) { return !f.candidates.empty(); }

int device_by_name(const std::vector<DeviceConfig>& devs, const std::string& name) {
  for (size_t i = 0; i < devs.size(); ++i)
    if (!name.empty() && devs[i].hostname == name) return static_cast<int>(i);
  return -1;
}

int device_by_address(const std::vector<DeviceConfig>& devs, const std::string& addr_text) {
  auto a = parse_ipv4(addr_text);
  if (!a) return -1;
  for (size_t i = 0; i < devs.size(); ++i)
    for (const auto& itf : devs[i].interfaces)
      for (const auto& ad : itf.addresses)
        if (ad.addr == *a) return static_cast<int>(i);
  return -1;
}


std::string describe(const model::ReplayResult& r) {
  if (r.outcome == "failed") return r.failure;
  return r.outcome;  // established | no-crypto
}


// Resolve a fix step's device text ("HQ", "the peer 198.51.100.2", "this router ...").
int fix_target(const std::vector<DeviceConfig>& devs, const std::string& text, int self, int peer) {
  int byname = device_by_name(devs, text);
  if (byname >= 0) return byname;
  if (text.rfind("the peer ", 0) == 0) {
    int d = device_by_address(devs, text.substr(9));
    return d >= 0 ? d : peer;
  }
  if (text.rfind("this router", 0) == 0) return self;
  return -1;
}

}  // namespace

void confirm_findings(Analysis& a, const model::ModelOptions& opt, const Tokenizer* tok) {
  const std::vector<DeviceConfig>* devs = a.lint ? &a.lint->devices : nullptr;
  bool sections_match = devs && devs->size() == a.configs.size();
  for (auto& f : a.findings) {
    nlohmann::json logged;  // the replay from the log, made when the finding was found
    if (auto it = f.extra.find("replay_log"); it != f.extra.end()) {
      logged = std::move(*it);
      f.extra.erase(it);
    }
    if (f.severity < Severity::Warning || !replayable_rule(f.rule)) continue;
    nlohmann::json rep{{"status", "not-replayable"}, {"assumptions", nlohmann::json::array()}};
    // (Each done() is the iteration's last use of rep: moved, not copied - a deep copy of
    // every finding's replay tree cost ~26 k instructions a finding, after the input ended.)
    auto done = [&]() { f.extra["replay"] = std::move(rep); };
    if (!devs || devs->size() < 2) {
      // A log finding without both configs: replay the smallest scenario the log implies.
      if (f.extra.value("source", "") == "log") {
        if (logged.is_null()) {  // not replayed when found: from the negotiation, if the report kept it
          const Negotiation* n = nullptr;
          if (f.extra.contains("negotiation") && f.extra["negotiation"].is_number_unsigned()) {
            auto id = f.extra["negotiation"].get<uint32_t>();
            for (const auto& x : a.negotiations)
              if (x.id == id) n = &x;
          }
          logged = replay_from_log(f, n, opt, tok);
        }
        rep = std::move(logged);
        rep["scenario"] = "reconstructed from the log";
        if (rep["status"] == "refuted") f.extra["confidence"] = "low";
        done();
        continue;
      }
      rep["why"] = fmt::format("needs the configs of both peers ({} given)", devs ? devs->size() : 0);
      done();
      continue;
    }
    int self = device_by_name(*devs, f.device);
    if (self < 0 && f.extra.contains("local")) self = device_by_address(*devs, f.extra["local"].get<std::string>());
    int peer = device_by_address(*devs, f.peer);
    if (self < 0) {
      // A capture without a hostname: the logging router is the other config that lists the
      // peer (also when no config owns the peer's address: a peer that never answers), when
      // exactly one does.
      auto peer_addr = parse_ipv4(f.peer);
      std::set<int> listers;
      for (size_t i = 0; i < devs->size() && peer_addr; ++i) {
        if (static_cast<int>(i) == peer) continue;
        for (const auto& [name, map] : (*devs)[i].crypto_maps)
          for (const auto& e : map.entries)
            for (const auto& pa : e.peers)
              if (pa.addr && *pa.addr == *peer_addr) listers.insert(static_cast<int>(i));
      }
      if (listers.size() == 1) {
        self = *listers.begin();
        rep["assumptions"].push_back("the logging router is " + (*devs)[static_cast<size_t>(self)].hostname +
                                     ", the config that lists the peer " + f.peer);
      }
    }
    if (self < 0 && peer >= 0) {
      // It lists another address for the peer (the finding may be just that): the logging
      // router is then the one the peer sends IKE to, i.e. owns an address of the peer's
      // `set peer` lines - when exactly one other config does.
      std::map<int, std::string> owners;  // device -> the address it owns
      for (const auto& [name, map] : (*devs)[static_cast<size_t>(peer)].crypto_maps)
        for (const auto& e : map.entries)
          for (const auto& pa : e.peers)
            if (pa.addr)
              if (int d = device_by_address(*devs, format_ipv4(*pa.addr)); d >= 0 && d != peer)
                owners.emplace(d, format_ipv4(*pa.addr));
      if (owners.size() == 1) {
        self = owners.begin()->first;
        rep["assumptions"].push_back(fmt::format("the logging router is {}: it owns {}, the address the peer {} ({}) "
                                                 "sends IKE to",
                                                 (*devs)[static_cast<size_t>(self)].hostname, owners.begin()->second,
                                                 f.peer, (*devs)[static_cast<size_t>(peer)].hostname));
      }
    }
    // Nobody answers at the peer address: by definition no config given owns it; the logging
    // router's config alone replays it.
    bool lone = f.rule == "phase1-no-response" && self >= 0 && peer < 0;
    if (lone) {
      peer = self;
      rep["assumptions"].push_back("no config given owns " + f.peer + ": replayed from " +
                                   (*devs)[static_cast<size_t>(self)].hostname + "'s config alone");
    }
    if (self < 0 || peer < 0 || (self == peer && !lone)) {
      rep["why"] = fmt::format("the configs given do not contain both {} and the peer {}",
                               f.device.empty() ? "the device" : f.device, f.peer.empty() ? "(unknown)" : f.peer);
      done();
      continue;
    }
    std::vector<const DeviceConfig*> ptrs;
    for (const auto& d : *devs) ptrs.push_back(&d);
    // Traffic: the proxies of the logged negotiation, else every crypto ACL line of the pair.
    std::vector<std::pair<std::string, model::Trigger>> triggers;
    std::string role = f.extra.value("role", "");
    if (f.extra.contains("local_proxy_ios") && f.extra.contains("remote_proxy_ios")) {
      auto lp = parse_proxy(f.extra["local_proxy_ios"].get<std::string>());
      auto rp = parse_proxy(f.extra["remote_proxy_ios"].get<std::string>());
      if (lp && rp) {
        model::Trigger t;
        bool self_initiates = role == "initiator";
        const Proxy& from = self_initiates ? *lp : *rp;
        const Proxy& to = self_initiates ? *rp : *lp;
        t.src = from.first_host();
        t.dst = to.first_host();
        // tcp/udp proxies (`permit tcp A B eq 443`): the logged traffic, not a ping
        t.proto = static_cast<uint8_t>(from.proto ? from.proto : to.proto);
        t.sport = static_cast<uint16_t>(from.port);
        t.port = static_cast<uint16_t>(to.port);
        triggers.emplace_back((*devs)[static_cast<size_t>(self_initiates ? self : peer)].hostname, t);
        rep["assumptions"].push_back("traffic taken from the proxies of the logged negotiation");
      }
    }
    // A finding about one direction (lint: `device` rejects what `initiator` proposes for one
    // ACL line) is replayed with that line's traffic only: the other direction is another
    // finding, and a fix for this one cannot help it.
    bool one_direction = false;
    if (triggers.empty() && f.extra.contains("initiator_packet") && f.extra.contains("initiator")) {
      const auto& p = f.extra["initiator_packet"];
      auto src = parse_ipv4(p.value("src", "")), dst = parse_ipv4(p.value("dst", ""));
      int from = device_by_name(*devs, f.extra.value("initiator", ""));
      if (src && dst && (from == self || from == peer)) {
        model::Trigger t;
        t.src = *src;
        t.dst = *dst;
        t.proto = static_cast<uint8_t>(p.value("proto", 0));
        t.port = static_cast<uint16_t>(p.value("port", 0));
        t.sport = static_cast<uint16_t>(p.value("sport", 0));
        triggers.emplace_back((*devs)[static_cast<size_t>(from)].hostname, t);
        rep["assumptions"].push_back("traffic taken from the finding's direction: " +
                                     (*devs)[static_cast<size_t>(from)].hostname + " initiates");
        one_direction = true;
      }
    }
    if (!one_direction)
      for (auto& [from, t] : representative_traffic(*devs))
        if (from == (*devs)[static_cast<size_t>(self)].hostname || from == (*devs)[static_cast<size_t>(peer)].hostname)
          triggers.emplace_back(from, t);
    if (triggers.empty()) {
      rep["why"] = "no crypto ACL permit line between the two devices to take traffic from";
      done();
      continue;
    }
    if (triggers.size() > 16) triggers.resize(16);
    // Before: the first direction that fails as the finding says (or, for candidate findings,
    // the first that fails at all).
    int chosen = -1;
    model::ReplayResult before;
    std::vector<std::string> seen;
    std::string first_other;  // a different failure the model meets first
    const auto& order = model::failure_ids_in_check_order();
    auto rank = [&](const std::string& id) { return std::find(order.begin(), order.end(), id) - order.begin(); };
    std::string unsent;  // one direction: why its initiator never sends the traffic
    for (size_t i = 0; i < triggers.size(); ++i) {
      // (Only the verdict and notes are read here: no trace.)
      auto r = model::replay(ptrs, triggers[i].second, triggers[i].first, opt, model::Keep::verdict());
      if (one_direction && r.outcome == "no-crypto")
        unsent = r.notes.empty() ? std::string("no crypto map entry takes it") : r.notes.back();
      // Where this finding's check comes in this direction: a missing key is the initiator's
      // first check, but on the responder it comes after the policy match (model.h).
      double at = static_cast<double>(rank(f.rule));
      if (f.rule == "phase1-no-key" && triggers[i].first != (*devs)[static_cast<size_t>(self)].hostname)
        at = static_cast<double>(rank("phase1-policy-mismatch")) + 0.5;
      if (r.outcome == "failed" && r.failure != f.rule && first_other.empty() && rank(r.failure) < at)
        first_other = r.failure;
      seen.push_back(fmt::format("{} from {}: {}", model::trigger_text(triggers[i].second), triggers[i].first, describe(r)));
      bool match = r.outcome == "failed" && (r.failure == f.rule || candidate_rule(f) || f.rule == "no-data-sa" ||
                                              f.rule == "no-ike-sa");
      if (match) {
        chosen = static_cast<int>(i);
        before = std::move(r);
        break;
      }
    }
    rep["tried"] = seen;
    if (chosen < 0 && !unsent.empty()) {
      // The finding is about a proposal the initiator's config would make for one ACL line;
      // the model's initiator never sends that traffic through its crypto map, so this
      // direction cannot happen as configured: neither confirmed nor refuted.
      rep["why"] = fmt::format("{} never sends this line's traffic ({}) through its crypto map: {}",
                               triggers.front().first, model::trigger_text(triggers.front().second), unsent);
      done();
      continue;
    }
    if (chosen < 0 && !first_other.empty()) {
      // Another fault stops the negotiation before the check this finding is about: the model
      // cannot say anything about it until that one is fixed. Not a refutation.
      rep["why"] = fmt::format("masked: the model fails earlier with {}; replay again once that is fixed", first_other);
      rep["before"] = first_other;
      done();
      continue;
    }
    if (chosen < 0) {
      rep["status"] = "refuted";
      rep["before"] = seen.empty() ? "" : seen.front();
      rep["why"] = "the model of the configs given does not fail this way; the configs may not be the ones the routers ran";
      f.extra["confidence"] = "low";
      f.explanation += " (Replay: the reference model of the configs given does not reproduce this failure; treat this finding with caution.)";
      done();
      continue;
    }
    rep["status"] = "confirmed";
    rep["scenario"] = "the configs given";
    rep["before"] = before.failure;
    rep["traffic"] = fmt::format("{} from {}", model::trigger_text(triggers[static_cast<size_t>(chosen)].second),
                                 triggers[static_cast<size_t>(chosen)].first);
    rep["failing_check"] = before.failing_check;
    if (candidate_rule(f) || before.failure != f.rule) rep["resolved_to"] = before.failure;
    // After: apply each alternative fix (and, failing that, the matching config finding's fix).
    std::vector<const FixStep*> steps;
    for (const auto& s : f.fix) steps.push_back(&s);
    std::string cause = before.failure;
    for (const auto& g : a.findings)
      if (&g != &f && g.rule == cause && g.extra.value("source", "") == "config" &&
          (device_by_name(*devs, g.device) == self || device_by_name(*devs, g.device) == peer))
        for (const auto& s : g.fix) steps.push_back(&s);
    std::string after = "not-applicable: the fix needs values that only the device has";
    nlohmann::json problems = nlohmann::json::array();
    // The steps are alternatives: `after` is the best one's result, not the last one tried:
    // established, else the failure latest in IOS check order (the negotiation got furthest).
    auto score = [&](const model::ReplayResult& r) -> long {
      if (r.outcome == "established") return 1 << 20;
      if (r.outcome == "failed") return 1 + static_cast<long>(rank(r.failure));
      return 0;
    };
    long best = -1;
    for (const FixStep* s : steps) {
      int target = fix_target(*devs, s->device, self, peer);
      if (target < 0 || !sections_match) continue;
      PatchResult patched = apply_commands(a.configs[static_cast<size_t>(target)], s->commands);
      if (!patched.problems.empty()) {
        for (auto& p : patched.problems) problems.push_back(p);
        continue;
      }
      std::vector<DeviceConfig> fixed = *devs;
      fixed[static_cast<size_t>(target)] = parse_config(patched.config);
      std::vector<const DeviceConfig*> fptrs;
      for (const auto& d : fixed) fptrs.push_back(&d);
      const auto& trig = triggers[static_cast<size_t>(chosen)];
      auto r = model::replay(fptrs, trig.second, trig.first, opt, model::Keep::verdict());
      if (score(r) > best) {
        best = score(r);
        after = describe(r);
        rep["fix_applied"] = {{"device", fixed[static_cast<size_t>(target)].hostname}, {"commands", s->commands}};
      }
      if (r.outcome == "established") break;
    }
    if (steps.empty() && cause == "phase1-no-response")
      after = "not-applicable: nothing in the configs to change; UDP 500 does not reach the peer (routing, ACL, firewall, NAT)";
    if (after.rfind("not-applicable", 0) == 0 && (cause == "phase1-psk-mismatch" || cause == "phase1-no-key"))
      after = "not-applicable: the fix is a secret key, never printed; enter the same key on both routers";
    rep["after"] = after;
    if (!problems.empty()) rep["fix_problems"] = problems;
    done();
  }
}

}  // namespace ipsecdoc
