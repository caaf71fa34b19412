// Replay confirmation of findings in `analyze` (issue #4): confirmed / refuted / not-replayable,
// and the finding's own fix applied to the model configs must bring the tunnel up.
#include <doctest/doctest.h>

#include <filesystem>

#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace {
std::string root() { return std::filesystem::path(CORPUS_DIR).parent_path().string(); }
const Finding* find(const Analysis& a, const std::string& rule, const std::string& source) {
  for (const auto& f : a.findings)
    if (f.rule == rule && f.extra.value("source", "") == source) return &f;
  return nullptr;
}
}  // namespace

TEST_CASE("confirm: ticket-4711 log finding is reproduced by the configs and the fix establishes") {
  auto a = run({root() + "/examples/ticket-4711"});
  const Finding* f = find(a, "transform-mismatch", "log");
  REQUIRE(f != nullptr);
  REQUIRE(f->extra.contains("replay"));
  const auto& r = f->extra["replay"];
  CHECK(r["status"] == "confirmed");
  CHECK(r["before"] == "transform-mismatch");
  CHECK(r["after"] == "established");
  CHECK(r["fix_applied"]["device"] == "HQ");
  // the initiator's side only shows PROPOSAL_NOT_CHOSEN; the model names the cause
  const Finding* p = find(a, "peer-rejected-proposal", "log");
  REQUIRE(p != nullptr);
  CHECK(p->extra["replay"]["resolved_to"] == "transform-mismatch");
  CHECK(p->extra["replay"]["after"] == "established");
  // the config finding is confirmed too
  const Finding* c = find(a, "transform-mismatch", "config");
  REQUIRE(c != nullptr);
  CHECK(c->extra["replay"]["status"] == "confirmed");
}

TEST_CASE("confirm: a log that the configs cannot produce is refuted and loses confidence") {
  auto a = run({root() + "/corpus/replay/refuted"});
  const Finding* f = find(a, "transform-mismatch", "log");
  REQUIRE(f != nullptr);
  CHECK(f->extra["replay"]["status"] == "refuted");
  CHECK(f->extra["confidence"] == "low");
  CHECK(f->explanation.find("does not reproduce") != std::string::npos);
}

// A log alone is replayed in the scenario reconstructed from it (app/reconstruct.h; the
// per-log cases are in test_reconstruct.cc and test_reconstruct_phase1.cc). What stays
// not-replayable is a log the model cannot print: a peer that completes Main Mode and then
// never answers Quick Mode.
TEST_CASE("confirm: a log alone is replayed in a scenario reconstructed from it") {
  auto a = run({root() + "/corpus/logs/seed/example-19-11.log"});
  REQUIRE(a.findings.size() == 1);
  const auto& r = a.findings[0].extra["replay"];
  CHECK(r["status"] == "confirmed");
  CHECK(r["scenario"] == "reconstructed from the log");
  CHECK_FALSE(r["assumptions"].empty());
}

TEST_CASE("confirm: a log the model cannot print is not replayable, and says why") {
  auto a = run({root() + "/corpus/logs/cases/qm-no-response.log"});
  const Finding* f = find(a, "phase2-no-response", "log");
  REQUIRE(f != nullptr);
  CHECK(f->extra["replay"]["status"] == "not-replayable");
  CHECK(f->extra["replay"]["why"].get<std::string>().find("give both configs") != std::string::npos);
  CHECK_FALSE(f->extra.contains("confidence"));  // not-replayable is no verdict on the finding
}

TEST_CASE("confirm: every between-peer lint case is confirmed by the model and its fix works") {
  for (const char* c : {"pair-transform-mismatch", "pair-pfs-mismatch", "pair-proxy-disjoint", "pair-policy-mismatch",
                        "pair-proxy-two-directions", "pair-peer-not-found-new-entry"}) {
    auto a = run({root() + "/corpus/configs/" + c});
    bool any = false;
    for (const auto& f : a.findings) {
      if (!f.extra.contains("replay") || f.severity < Severity::Error) continue;
      const auto& r = f.extra["replay"];
      INFO(c << ": " << f.rule << " " << f.message << " " << r.dump());
      // pair-proxy-disjoint: both routers have the same line (10.1.1.0/24 -> 10.2.2.0/24), so
      // R2 never sends it through its crypto map (10.2.2.0/24 is its inside): lint's
      // "R1 rejects R2's proposal" is a direction that cannot happen, and says so.
      if (std::string(c) == "pair-proxy-disjoint" && f.device == "R1") {
        CHECK(r.value("status", "") == "not-replayable");
        CHECK(r.value("why", "").find("R2 never sends this line's traffic") != std::string::npos);
        continue;
      }
      any = true;
      CHECK(r.value("status", "") == "confirmed");
      CHECK(r.value("after", "") == "established");
    }
    CHECK_MESSAGE(any, c);
  }
}

TEST_CASE("confirm: a key mismatch is confirmed, but its fix is a secret the tool never prints") {
  auto a = run({root() + "/corpus/configs/pair-psk-mismatch"});
  const Finding* f = find(a, "phase1-psk-mismatch", "config");
  REQUIRE(f != nullptr);
  CHECK(f->extra["replay"]["status"] == "confirmed");
  CHECK(f->extra["replay"]["after"].get<std::string>().find("secret") != std::string::npos);
}

// Lint's proxy-id-mismatch is about one direction: `device` rejects what the other router
// proposes for one ACL line. Its replay sends that line's traffic from that router (a source
// port included: R2's line is `permit tcp ... eq 443 ...`) and its own fix - on `device` -
// must establish that direction; the first failing direction of the pair is another finding.
TEST_CASE("confirm: a lint proxy finding is replayed in its own direction, with its own fix") {
  auto a = run({root() + "/corpus/configs/pair-proxy-two-directions"});
  int seen = 0;
  for (const auto& f : a.findings) {
    if (f.rule != "proxy-id-mismatch") continue;
    ++seen;
    const auto& r = f.extra["replay"];
    INFO(f.message << "\n" << r.dump(1));
    std::string initiator = f.device == "R1" ? "R2" : "R1";
    CHECK(f.extra.value("initiator", "") == initiator);
    REQUIRE(r.value("status", "") == "confirmed");
    CHECK(r.value("traffic", "").find("from " + initiator) != std::string::npos);
    CHECK(r.value("fix_applied", nlohmann::json::object()).value("device", "") == f.device);
    CHECK(r.value("after", "") == "established");
    if (initiator == "R2") CHECK(r.value("traffic", "").find("sport 443") != std::string::npos);
  }
  CHECK(seen == 2);
}

// A capture without a hostname leaves the finding's device empty. When the logging router's
// crypto map does not list the sender (here it names another address, a second fault), it is
// found as the config that owns the address the sender's `set peer` names.
TEST_CASE("confirm: a capture without hostname finds the logging router by the address its peer sends IKE to") {
  auto a = run({root() + "/corpus/replay/no-hostname-other-peer"});
  const Finding* f = find(a, "phase1-psk-mismatch", "log");
  REQUIRE(f != nullptr);
  CHECK(f->device.empty());
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "confirmed");
  CHECK(r.value("before", "") == "phase1-psk-mismatch");
  CHECK(r["assumptions"].dump().find("the logging router is R2: it owns 10.190.236.1, the address the peer 172.16.93.1 "
                                     "(R1) sends IKE to") != std::string::npos);
}

// No config owns the address a silent peer is asked at (by definition); without a hostname the
// logging router is the config that lists that address, and its config alone replays it.
TEST_CASE("confirm: phase1-no-response is replayed from the logging router's config alone") {
  auto a = run({root() + "/corpus/replay/no-response-lone"});
  const Finding* f = find(a, "phase1-no-response", "log");
  REQUIRE(f != nullptr);
  CHECK(f->device.empty());
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "confirmed");
  CHECK(r.value("before", "") == "phase1-no-response");
  CHECK(r.value("traffic", "").find("from R1") != std::string::npos);
  CHECK(r["assumptions"].dump().find("the logging router is R1, the config that lists the peer 10.171.182.115") !=
        std::string::npos);
  CHECK(r["assumptions"].dump().find("replayed from R1's config alone") != std::string::npos);
  CHECK(r.value("after", "").rfind("not-applicable: nothing in the configs to change", 0) == 0);
}

// peer-not-found where no entry of the responder protects the traffic: the fix is a new entry,
// every value named from the two configs (no <placeholder>), so the replay can prove it.
TEST_CASE("confirm: lint's new-entry fix for peer-not-found is concrete and establishes") {
  auto a = run({root() + "/corpus/configs/pair-peer-not-found-new-entry"});
  const Finding* f = find(a, "peer-not-found", "config");
  REQUIRE(f != nullptr);
  REQUIRE(f->fix.size() == 1);
  for (const auto& c : f->fix[0].commands) CHECK_MESSAGE(c.find('<') == std::string::npos, c);
  CHECK(f->fix[0].commands == std::vector<std::string>{"ip access-list extended CRYPTO-TO-R1",
                                                       " permit ip 10.2.2.0 0.0.0.255 10.1.1.0 0.0.0.255",
                                                       "crypto map CM 20 ipsec-isakmp", " set peer 203.0.113.1",
                                                       " set transform-set TS", " match address CRYPTO-TO-R1",
                                                       " set pfs group14"});
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "confirmed");
  CHECK(r.value("after", "") == "established");
}

// R2 can only initiate with traffic from a server port (`permit tcp host A eq 443 host B`): the
// replay sends it with that source port, and R2 as initiator has no key for R1.
TEST_CASE("confirm: representative traffic carries a source port, so a line for server replies replays") {
  auto a = run({root() + "/corpus/replay/server-replies-no-key"});
  const Finding* f = find(a, "phase1-no-key", "config");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "confirmed");
  CHECK(r.value("traffic", "") == "192.168.129.150 -> 192.168.11.74 proto 6 sport 443 from R2");
}

// The same pair when R2 cannot initiate: R1's negotiation stops at phase1-no-response, before
// R2 as responder would look for a key. Masked - the model says nothing about it yet - and not
// refuted (a missing key is the initiator's first check, but the responder's after the policy).
TEST_CASE("confirm: a config finding masked by an earlier failure in the only direction is not refuted") {
  auto a = run({root() + "/corpus/replay/masked-no-key"});
  const Finding* f = find(a, "phase1-no-key", "config");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "not-replayable");
  CHECK(r.value("why", "").find("masked: the model fails earlier with phase1-no-response") != std::string::npos);
  CHECK_FALSE(f->extra.contains("confidence"));
}

// The logged proxies are tcp/443: the replay sends that traffic (first try), not a ping that no
// crypto ACL line takes.
TEST_CASE("confirm: traffic from the logged proxies keeps their protocol and ports") {
  auto a = run({root() + "/corpus/replay/tcp-proxies"});
  const Finding* f = find(a, "proxy-id-mismatch", "log");
  REQUIRE(f != nullptr);
  const auto& r = f->extra["replay"];
  INFO(r.dump(1));
  CHECK(r.value("status", "") == "confirmed");
  CHECK(r.value("traffic", "") == "192.168.0.1 -> 192.168.138.129 proto 6 port 443 from R1");
  CHECK(r.value("tried", nlohmann::json::array()).size() == 1);
}

TEST_CASE("confirm: every finding replays, also past the report's bounds, its negotiation keeps its steps within its own") {
  std::string log = std::string(CORPUS_DIR) + "/logs/cases/interleaved-responder-error.log";
  struct Seen {
    std::string status;
    bool steps_listed = false;
  };
  auto run_with = [&](size_t evidence_budget, size_t per_rule) {
    AnalysisOptions o;
    o.max_negotiations = 0;  // as if the report were already full of earlier negotiations
    o.max_detailed = 0;
    o.max_finding_negotiations = evidence_budget;
    o.max_finding_negotiations_per_rule = per_rule;
    Analysis a = analyze({log}, test_rules(), o);
    Seen s{"no finding"};
    for (const auto& f : a.findings) {
      if (f.rule != "proxy-id-mismatch") continue;
      s.status = f.extra.value("replay", nlohmann::json::object()).value("status", "");
      const Negotiation* n = negotiation_of(a, f);
      s.steps_listed = n && !n->steps.empty();
    }
    return s;
  };
  Seen kept = run_with(150, 30), none = run_with(0, 30), none_for_rule = run_with(150, 0);
  CHECK(kept.status == "confirmed");
  CHECK(kept.steps_listed);
  // the replay is made when the finding is found: it does not need the negotiation kept
  CHECK(none.status == "confirmed");
  CHECK_FALSE(none.steps_listed);  // the report's bound is real for what it lists
  CHECK(none_for_rule.status == "confirmed");
  CHECK_FALSE(none_for_rule.steps_listed);  // so is the per-rule share
  // the time bound: past it, a finding says it was not replayed and why
  AnalysisOptions o;
  o.max_replays_per_rule = 0;
  Analysis a = analyze({log}, test_rules(), o);
  const Finding* f = log_finding(a, "proxy-id-mismatch");
  REQUIRE(f != nullptr);
  CHECK(f->extra["replay"]["status"] == "not-replayable");
  CHECK(f->extra["replay"].value("why", "").find("max_replays_per_rule") != std::string::npos);
}
