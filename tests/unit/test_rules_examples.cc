// Every diagnosis rule's examples: each `fire` input must produce the rule, each `silent`
// input must not (semgrep-style ruleid/ok). Also: rule data loads without problems.
#include <doctest/doctest.h>

#include <filesystem>

#include "test_analysis_helpers.h"

using namespace ipsecdoc;

TEST_CASE("rule data loads without problems") {
  const auto& rd = test_rules();
  for (const auto& p : rd.problems) FAIL_CHECK(p);
  CHECK(rd.ok());
  CHECK(rd.book.rules().size() >= 25);
  for (const char* id : {"transform-mismatch", "proxy-id-mismatch", "invalid-local-address", "peer-not-found",
                         "crypto-map-overlap", "pfs-mismatch", "phase1-policy-mismatch", "phase1-psk-mismatch",
                         "phase1-no-key", "phase1-no-response", "peer-rejected-proposal", "no-data-sa",
                         "one-way-traffic", "packet-errors", "inv-identity"})
    CHECK_MESSAGE(rd.book.find(id) != nullptr, id);
}

TEST_CASE("every rule fires on its examples and stays silent on its counter-examples") {
  const auto& rd = test_rules();
  REQUIRE(rd.ok());
  std::string root = std::filesystem::path(RULES_DIR).parent_path().string();
  size_t checked = 0;
  for (const auto& r : rd.book.rules()) {
    CHECK_MESSAGE(!r.fire.empty(), r.id << " has no example that must fire");
    for (const auto& ex : r.fire) {
      auto a = run({root + "/" + ex});
      CHECK_MESSAGE(has_rule(a, r.id), r.id << " must fire on " << ex);
      ++checked;
    }
    // "silent" = no warning or error of this rule (an informational note is allowed, e.g. an
    // idle crypto map entry is reported as info by no-data-sa).
    for (const auto& ex : r.silent) {
      auto a = run({root + "/" + ex});
      bool loud = false;
      for (const auto& f : a.findings) loud |= f.rule == r.id && f.severity >= Severity::Warning;
      CHECK_MESSAGE(!loud, r.id << " must stay silent on " << ex);
      ++checked;
    }
  }
  CHECK(checked > 50);
}

TEST_CASE("a broken rule file is reported, not silently accepted") {
  RuleBook book;
  std::vector<RuleProblem> problems;
  book.add_file("x.json", nlohmann::json{{"id", "bad-rule"}, {"severity", "fatal"}, {"title", "t"}, {"explanation", "e"},
                                         {"log", {{{"any", {"no-such-event"}}}}}},
                problems);
  bool unknown_event = false, bad_severity = false;
  for (auto& p : problems) {
    unknown_event |= p.message.find("no-such-event") != std::string::npos;
    bad_severity |= p.message.find("severity") != std::string::npos;
  }
  CHECK(unknown_event);
  CHECK(bad_severity);
}
