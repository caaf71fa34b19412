// Replay confirmation from a log alone, beyond the responder's Quick Mode checks (issue #4):
// Phase-1 findings (policy mismatch, key mismatch, no key, no response), from either side, and
// the initiator's side of a Quick Mode rejection (peer-rejected-proposal, with candidates).
// Each must be confirmed in the scenario reconstructed from the capture - the model fails the
// same way AND the logging router's rendered log holds the captured failure records with the
// same values - name what it assumed, and its fix (placeholders filled in the model only) must
// establish. A capture the model cannot print is refuted or not-replayable, never confirmed.
#include <doctest/doctest.h>

#include "app/reconstruct.h"
#include "model/render.h"
#include "model/scenario_gen.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace {

std::string all_assumptions(const nlohmann::json& r) {
  std::string s;
  for (const auto& a : r.value("assumptions", nlohmann::json::array())) s += a.get<std::string>() + "\n";
  return s;
}

struct Case {
  const char* log;
  const char* rule;
  const char* dialect;
  const char* after;    // expected `after`
  const char* assumed;  // a phrase the assumptions must contain (what the log cannot show)
};

const Case kCases[] = {
    // responder, 15.x: two policies checked against one offer, each with the attribute that differed
    {"logs/cases/ios15-p1-policy.log", "phase1-policy-mismatch", "15.x", "established", "priority 65535 is IOS's default"},
    // responder, 12.x: two offers x two policies, key length / encryption / DH group differ
    {"logs/cases/ios12-p1-policy-two-offers.log", "phase1-policy-mismatch", "12.x", "established",
     "IOS stops at the first attribute that differs"},
    // initiator: retransmits MM_KEY_EXCH
    {"logs/cases/psk-mismatch-initiator.log", "phase1-psk-mismatch", "15.x", "established", "keys are never printed"},
    // responder: %CRYPTO-4-IKMP_BAD_MESSAGE
    {"logs/cases/psk-mismatch-responder.log", "phase1-psk-mismatch", "15.x", "established", "keys are never printed"},
    // initiator, IOS-XE: No pre-shared key with X / Can not start Main mode
    {"logs/cases/xe-no-key.log", "phase1-no-key", "IOS-XE", "established", "has no pre-shared key for 203.0.113.1"},
    // initiator: MM1 retransmitted until "Death by retransmission P1"; the rule has no fix
    {"logs/cases/p1-no-response.log", "phase1-no-response", "15.x", "not-applicable: nothing in the configs to change",
     "the peer is modelled as absent"},
};

}  // namespace

TEST_CASE("reconstruct phase 1: every Phase-1 case log is confirmed and the fix establishes") {
  for (const auto& c : kCases) {
    CAPTURE(c.log);
    auto a = run({corpus(c.log)});
    const Finding* f = log_finding(a, c.rule);
    REQUIRE(f != nullptr);
    const auto& r = f->extra["replay"];
    INFO(r.dump(1));
    CHECK(r["status"] == "confirmed");
    CHECK(r["scenario"] == "reconstructed from the log");
    CHECK(r.value("before", "") == c.rule);
    CHECK(r.value("after", "").rfind(c.after, 0) == 0);
    CHECK(r.value("dialect", "") == c.dialect);
    CHECK(all_assumptions(r).find(c.assumed) != std::string::npos);
    // the captured failure records were compared with the model's (not only the outcome)
    CHECK(r.value("compared", nlohmann::json::array()).size() > 0);
    if (std::string(c.after) == "established") {
      CHECK(r.contains("fix_applied"));
      CHECK_FALSE(r.contains("fix_problems"));
    }
    // the printed fix is unchanged: placeholders stay (the key is never named)
    for (const auto& s : f->fix)
      for (const auto& cmd : s.commands)
        if (cmd.find("key") != std::string::npos) CHECK(cmd.find('<') != std::string::npos);
  }
}

TEST_CASE("reconstruct phase 1: the rendered log read back through the tokenizer agrees with the capture") {
  for (const auto& c : kCases) {
    CAPTURE(c.log);
    auto r = readback_replay(corpus(c.log), c.rule);
    REQUIRE_FALSE(r.is_null());
    INFO(r.dump(1));
    CHECK(r["status"] == "confirmed");
    CHECK(r.value("after", "").rfind(c.after, 0) == 0);
    CHECK(r.value("compared", nlohmann::json::array()).size() > 0);
    CHECK_FALSE(readback_unread(r));
  }
}

TEST_CASE("reconstruct phase 1: the policies are the ones the capture checks, with what each check implies") {
  auto a = run({corpus("logs/cases/ios15-p1-policy.log")});
  const Finding* f = log_finding(a, "phase1-policy-mismatch");
  REQUIRE(f != nullptr);
  Reconstruction rc = reconstruct_from_log(*f, negotiation_of(a, *f));
  REQUIRE(rc.ok);
  DeviceConfig me = parse_config(rc.logger.config), peer = parse_config(rc.peer.config);
  // the addresses of `phase 1 SA policy not acceptable! (local 10.1.1.1 remote 10.2.2.2)`
  CHECK(me.owns_address(*parse_ipv4("10.1.1.1")));
  CHECK(peer.owns_address(*parse_ipv4("10.2.2.2")));
  // the peer offers the captured transform 1: 3DES-CBC, MD5, group 2, pre-share
  auto offer = peer.ike_policies();
  REQUIRE(offer.size() == 1);
  CHECK(offer[0].encryption == "3des");
  CHECK(offer[0].hash == "md5");
  CHECK(offer[0].group == 2);
  CHECK(offer[0].auth == "pre-share");
  // this router: priority 10 differs in encryption; 65535 has the same encryption, another hash
  auto mine = me.ike_policies();
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].priority == 10);
  CHECK(mine[0].encryption != "3des");
  CHECK(mine[1].priority == 65535);
  CHECK(mine[1].encryption == "3des");
  CHECK(mine[1].hash != "md5");
  // the fix's "as on the peer" placeholders take the peer's offer; a free priority is found
  std::vector<std::string> unresolved;
  auto cmds = fill_fix_placeholders(f->fix[0].commands, rc, true, unresolved);
  CHECK(unresolved.empty());
  CHECK(cmds == std::vector<std::string>{"crypto isakmp policy 1", " encryption 3des", " hash md5",
                                         " authentication pre-share", " group 2"});
}

TEST_CASE("reconstruct phase 1: key placeholders are filled with the assumed keys, in the model only") {
  auto a = run({corpus("logs/cases/psk-mismatch-initiator.log")});
  const Finding* f = log_finding(a, "phase1-psk-mismatch");
  REQUIRE(f != nullptr);
  Reconstruction rc = reconstruct_from_log(*f, negotiation_of(a, *f));
  REQUIRE(rc.ok);
  DeviceConfig me = parse_config(rc.logger.config), peer = parse_config(rc.peer.config);
  // R1 initiates towards the captured 192.1.20.9; the two keys differ
  CHECK(rc.initiator == "R1");
  CHECK(peer.owns_address(*parse_ipv4("192.1.20.9")));
  REQUIRE(me.keys.size() == 1);
  REQUIRE(peer.keys.size() == 1);
  CHECK(me.keys[0].secret != peer.keys[0].secret);
  std::vector<std::string> unresolved;
  auto cmds = fill_fix_placeholders(f->fix[0].commands, rc, true, unresolved);
  CHECK(unresolved.empty());
  CHECK(cmds[0] == "no crypto isakmp key " + me.keys[0].secret + " address 192.1.20.9");
  CHECK(cmds[1] == "crypto isakmp key " + peer.keys[0].secret + " address 192.1.20.9");
  // ... while the finding's printed fix keeps them
  CHECK(f->fix[0].commands[1].find("<the key configured on 192.1.20.9>") != std::string::npos);
}

TEST_CASE("reconstruct phase 1: no response is replayed with no device at the peer address") {
  auto a = run({corpus("logs/cases/p1-no-response.log")});
  const Finding* f = log_finding(a, "phase1-no-response");
  REQUIRE(f != nullptr);
  Reconstruction rc = reconstruct_from_log(*f, negotiation_of(a, *f));
  REQUIRE(rc.ok);
  CHECK(rc.peer_absent);
  CHECK(rc.initiator == "branch7");
  const auto& r = f->extra["replay"];
  CHECK(r["configs"].size() == 1);  // only the logging router's config is replayed
  CHECK(r["configs"].contains("branch7"));
  CHECK(r.value("compared", nlohmann::json::array()).dump().find("p1-retransmit-give-up") != std::string::npos);
}

TEST_CASE("reconstruct: the initiator's side of a rejection is confirmed with each candidate that reproduces it") {
  auto a = run({corpus("logs/cases/initiator-pnc.log")});
  const Finding* f = log_finding(a, "peer-rejected-proposal");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r["status"] == "confirmed");
  // the initiator only sees PROPOSAL_NOT_CHOSEN: every candidate reproduces it, and it says so
  auto got = r.value("candidates_reproduced", std::vector<std::string>{});
  CHECK(got == f->candidates);
  CHECK(r.value("assumed_cause", "") == f->candidates.front());
  CHECK(r.value("before", "") == f->candidates.front());
  CHECK(all_assumptions(r).find("cannot tell these candidates apart") != std::string::npos);
  // the offer (sa_request) and the notify were compared
  CHECK(r["compared"] == nlohmann::json::array({"sa-request", "proposal-not-chosen-received"}));
  // no fix of its own: not claimed
  CHECK(r.value("after", "").rfind("not-applicable", 0) == 0);
  CHECK_FALSE(r.contains("fix_applied"));
  // this router (the initiator) offers what its sa_request shows
  Reconstruction rc = reconstruct_from_log(*f, negotiation_of(a, *f), "transform-mismatch");
  REQUIRE(rc.ok);
  CHECK(rc.cause == "transform-mismatch");
  CHECK(rc.initiator == "R1");
  DeviceConfig me = parse_config(rc.logger.config), peer = parse_config(rc.peer.config);
  CHECK(me.owns_address(*parse_ipv4("88.88.88.88")));
  CHECK(peer.owns_address(*parse_ipv4("77.77.77.77")));
  REQUIRE(me.transform_sets.size() == 1);
  CHECK(me.transform_sets.begin()->second.transform.str() == "esp-3des esp-sha-hmac");
  CHECK_FALSE(peer.transform_sets.begin()->second.transform.same(me.transform_sets.begin()->second.transform));
}

TEST_CASE("reconstruct phase 1: contradictory policy checks are not replayable, with the reason") {
  // Hand-made: policy 10 differs from transform 1 in encryption, but its check against transform
  // 2 (same encryption as transform 1) names the hash: no policy says both.
  auto a = analyze_text("reconstruct-p1", "contradictory-p1.log",
                        "ISAKMP:(0):Checking ISAKMP transform 1 against priority 10 policy\n"
                        "ISAKMP:      encryption 3DES-CBC\n"
                        "ISAKMP:      hash MD5\n"
                        "ISAKMP:      default group 2\n"
                        "ISAKMP:      auth pre-share\n"
                        "ISAKMP:(0):Encryption algorithm offered does not match policy!\n"
                        "ISAKMP:(0):atts are not acceptable. Next payload is 3\n"
                        "ISAKMP:(0):Checking ISAKMP transform 2 against priority 10 policy\n"
                        "ISAKMP:      encryption 3DES-CBC\n"
                        "ISAKMP:      hash SHA\n"
                        "ISAKMP:      default group 2\n"
                        "ISAKMP:      auth pre-share\n"
                        "ISAKMP:(0):Hash algorithm offered does not match policy!\n"
                        "ISAKMP:(0):atts are not acceptable. Next payload is 0\n"
                        "ISAKMP:(0): phase 1 SA policy not acceptable! (local 10.1.1.1 remote 10.2.2.2)\n");
  const Finding* f = log_finding(a, "phase1-policy-mismatch");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r["status"] == "not-replayable");
  CHECK(r.value("why", "").find("contradict") != std::string::npos);
}

TEST_CASE("reconstruct phase 1: a capture the model cannot print is refuted, with the reason") {
  // Hand-made: the initiator resends MM5 (a key mismatch) but gives up "in MM_NO_STATE". An
  // initiator gives up in the state it was resending; no router prints this.
  auto a = analyze_text("reconstruct-p1", "give-up-other-state.log",
                        "ISAKMP:(0): beginning Main Mode exchange\n"
                        "ISAKMP:(0): sending packet to 192.1.20.9 my_port 500 peer_port 500 (I) MM_NO_STATE\n"
                        "ISAKMP:(1002): sending packet to 192.1.20.9 my_port 500 peer_port 500 (I) MM_KEY_EXCH\n"
                        "ISAKMP:(1002): retransmitting phase 1 MM_KEY_EXCH...\n"
                        "ISAKMP:(1002): retransmitting phase 1 MM_KEY_EXCH...\n"
                        "ISAKMP:(1002):deleting SA reason \"Death by retransmission P1\" state (I) MM_NO_STATE "
                        "(peer 192.1.20.9)\n");
  const Finding* f = log_finding(a, "phase1-psk-mismatch");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r["status"] == "refuted");
  CHECK(r.value("why", "").find("state MM_NO_STATE vs MM_KEY_EXCH") != std::string::npos);
  CHECK(f->extra["confidence"] == "low");
}

TEST_CASE("reconstruct phase 1: concurrent Main Modes at id 0 are told apart, and the refused one replays") {
  // Hand-made: two exchanges still at connection id 0 - one this router answers (and refuses
  // for its policy), one it starts. The policy check answers the proposal received from
  // 10.2.2.2; "beginning Main Mode exchange" starts the other one.
  auto a = analyze_text("reconstruct-p1", "mixed-main-modes.log",
                        "ISAKMP (0:0): received packet from 10.2.2.2 dport 500 sport 500 Global (R) MM_NO_STATE\n"
                        "ISAKMP (0:0): beginning Main Mode exchange\n"
                        "ISAKMP (0:0): sending packet to 10.9.9.9 my_port 500 peer_port 500 (I) MM_NO_STATE\n"
                        "ISAKMP (0:0): Checking ISAKMP transform 1 against priority 10 policy\n"
                        "ISAKMP (0:0): Encryption algorithm offered does not match policy!\n"
                        "ISAKMP (0:0): atts are not acceptable. Next payload is 0\n"
                        "ISAKMP (0:0): no offers accepted!\n");
  REQUIRE(a.negotiations.size() == 2);
  CHECK(a.negotiations[0].role == "responder");
  CHECK(a.negotiations[0].peer == "10.2.2.2");
  CHECK(a.negotiations[0].outcome == "failed");
  CHECK(a.negotiations[1].role == "initiator");
  CHECK(a.negotiations[1].peer == "10.9.9.9");
  CHECK(a.negotiations[1].has(EventKind::MmBegin));
  const Finding* f = log_finding(a, "phase1-policy-mismatch");
  REQUIRE(f != nullptr);
  CHECK(f->peer == "10.2.2.2");
  INFO(f->extra["replay"].dump(1));
  CHECK(f->extra["replay"]["status"] == "confirmed");
}

TEST_CASE("reconstruct phase 1: a negotiation holding both sides' Main Mode records is not replayable, not refuted") {
  // Should the timeline ever mix concurrent exchanges into one negotiation, no single exchange
  // prints what it holds: nothing consistent to replay. Built by hand (the timeline separates
  // the capture above).
  const Tokenizer& tok = *test_rules().tokenizer;
  Negotiation n;
  n.phase = 1;
  n.role = "responder";
  n.peer = "10.2.2.2";
  n.outcome = "failed";
  n.failure = "phase1-policy-mismatch";
  for (const char* line : {"ISAKMP (0:0): received packet from 10.2.2.2 dport 500 sport 500 Global (R) MM_NO_STATE",
                           "ISAKMP (0:0): beginning Main Mode exchange",
                           "ISAKMP (0:0): sending packet to 10.9.9.9 my_port 500 peer_port 500 (I) MM_NO_STATE",
                           "ISAKMP (0:0): Checking ISAKMP transform 1 against priority 10 policy",
                           "ISAKMP (0:0): Encryption algorithm offered does not match policy!",
                           "ISAKMP (0:0): atts are not acceptable. Next payload is 0",
                           "ISAKMP (0:0): no offers accepted!"}) {
    Step s;
    REQUIRE(tok.tokenize_lines({line}, s.event));
    n.steps.push_back(std::move(s));
  }
  Finding f;
  f.rule = "phase1-policy-mismatch";
  f.peer = "10.2.2.2";
  auto r = replay_from_log(f, &n, {}, &tok);
  INFO(r.dump(1));
  CHECK(r["status"] == "not-replayable");
  CHECK(r.value("why", "").find("interleaves concurrent exchanges") != std::string::npos);
}

TEST_CASE("reconstruct phase 1: a responder refusing pre-shared keys at the policy check is not replayable, and says why") {
  // Hand-made, in the shape of the bench generator's responder without a key: IOS refuses the
  // pre-share proposals at the policy check; the model looks the key up after a policy matched.
  auto a = analyze_text("reconstruct-p1", "no-key-at-policy.log",
                        "ISAKMP:(0): received packet from 10.2.2.2 dport 500 sport 500 Global (R) MM_NO_STATE\n"
                        "ISAKMP: No cert, and no keys (public or pre-shared) with remote peer 10.2.2.2\n"
                        "ISAKMP:(0):Checking ISAKMP transform 1 against priority 10 policy\n"
                        "ISAKMP:      encryption AES-CBC\n"
                        "ISAKMP:      hash SHA\n"
                        "ISAKMP:      default group 14\n"
                        "ISAKMP:      auth pre-share\n"
                        "ISAKMP:(0):Preshared authentication offered but does not match policy!\n"
                        "ISAKMP:(0):atts are not acceptable. Next payload is 0\n"
                        "ISAKMP:(0):phase 1 SA policy not acceptable! (local 10.1.1.1 remote 10.2.2.2)\n");
  const Finding* f = log_finding(a, "phase1-no-key");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r["status"] == "not-replayable");
  CHECK(r.value("why", "").find("looks the key up after a policy matched") != std::string::npos);
  CHECK_FALSE(f->extra.contains("confidence"));
}

// Property: a generated scenario with one Phase-1 fault, rendered by the model in each release
// as the log of the router that names the fault (and for a key mismatch, also the initiator's
// log), is confirmed by its reconstruction, and the fix establishes (no response: no fix).
TEST_CASE("reconstruct phase 1: property - the model's own Phase-1 logs are confirmed in every release") {
  const char* faults[] = {"phase1-policy-mismatch", "phase1-psk-mismatch", "phase1-no-key", "phase1-no-response"};
  const model::Dialect dialects[] = {model::Dialect::Ios12, model::Dialect::Ios15, model::Dialect::IosXe};
  std::map<std::string, int> checked;
  for (uint64_t seed = 1; seed <= 20; ++seed)
    for (const char* fault : faults) {
      auto sc = model::generate_scenario(seed, {fault});
      auto res = model::replay(sc.devices(), sc.trigger, sc.initiator);
      if (res.failure != fault) continue;
      std::vector<std::string> devices;
      std::string fs = fault;
      if (fs == "phase1-no-response") devices = {sc.initiator};
      else if (fs == "phase1-no-key") devices = {sc.no_key_side == "initiator" ? sc.initiator : sc.responder};
      else if (fs == "phase1-psk-mismatch") devices = {sc.responder, sc.initiator};
      else devices = {sc.responder};
      for (const auto& dev : devices)
        for (auto d : dialects) {
          std::string text;
          for (const auto& l : model::render(res, dev, d)) text += l + "\n";
          auto a = analyze_text("reconstruct-p1", dev + ".log", text);
          const Finding* f = log_finding(a, fault);
          if (!f) continue;  // the log rules are the e2e test's business
          ++checked[fs];
          const auto& r = f->extra["replay"];
          INFO(sc.describe() << "\n" << dev << " " << model::dialect_name(d) << " log:\n" << text << "\nreplay: " << r.dump(1));
          CHECK(r.value("status", "") == "confirmed");
          CHECK(r.value("before", "") == fs);
          CHECK(r.value("dialect", "") == std::string(model::dialect_name(d)));
          if (fs == "phase1-no-response") CHECK(r.value("after", "").rfind("not-applicable", 0) == 0);
          else CHECK(r.value("after", "") == "established");
        }
    }
  for (const char* fault : faults) CHECK_MESSAGE(checked[fault] >= 15, fault);
}

// Property: the initiator's log of a Quick Mode fault (PROPOSAL_NOT_CHOSEN) is confirmed, with
// the injected fault among the candidates that reproduce it.
TEST_CASE("reconstruct: property - the initiator's log of a rejection is confirmed with the injected cause") {
  const char* faults[] = {"transform-mismatch", "proxy-id-mismatch", "invalid-local-address",
                          "peer-not-found",     "crypto-map-overlap", "pfs-mismatch"};
  int checked = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed)
    for (const char* fault : faults) {
      auto sc = model::generate_scenario(seed, {fault});
      auto res = model::replay(sc.devices(), sc.trigger, sc.initiator);
      if (res.failure != fault) continue;
      auto d = static_cast<model::Dialect>(seed % 3);
      std::string text;
      for (const auto& l : model::render(res, sc.initiator, d)) text += l + "\n";
      auto a = analyze_text("reconstruct-p1", sc.initiator + ".log", text);
      const Finding* f = log_finding(a, "peer-rejected-proposal");
      if (!f) continue;
      ++checked;
      const auto& r = f->extra["replay"];
      INFO(sc.describe() << "\nlog:\n" << text << "\nreplay: " << r.dump(1));
      CHECK(r.value("status", "") == "confirmed");
      auto got = r.value("candidates_reproduced", std::vector<std::string>{});
      CHECK(std::find(got.begin(), got.end(), fault) != got.end());
    }
  CHECK(checked > 50);
}
