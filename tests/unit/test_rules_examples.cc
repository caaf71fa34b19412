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

namespace {
Negotiation quick_mode(std::initializer_list<std::pair<EventKind, const char*>> events) {
  Negotiation n;
  n.phase = 2;
  n.outcome = "failed";
  for (auto& [k, error] : events) {
    Event e;
    e.kind = k;
    if (*error) e.set("error", error);
    n.mark(k);
    n.steps.push_back(Step{e, ""});
  }
  return n;
}

std::optional<std::string> diagnosed(const RuleBook& book, Negotiation n) {
  auto f = book.diagnose(n, {});
  if (!f || f->rule == "negotiation-failed") return std::nullopt;
  return f->rule;
}
}  // namespace

// A negotiation with several proposals logs one verdict per proposal: "the first event of a
// kind" is not enough (a transform-refused proposal 1 hides a PFS-refused proposal 2).
TEST_CASE("rule conditions over every event of a kind: any:, no:, count:") {
  auto rule = [](const char* id, int prio, nlohmann::json when) {
    return nlohmann::json{{"id", id},       {"title", "t"},
                          {"explanation", "e"}, {"priority", prio},
                          {"log", {{{"phase", 2}, {"all", {"policy-invalidated"}}, {"when", when}}}}};
  };
  RuleBook book;
  std::vector<RuleProblem> problems;
  book.add_file("a.json", rule("some-without-code", 20, {"any:policy-invalidated.error="}), problems);
  book.add_file("b.json", rule("none-without-code", 10, {"no:policy-invalidated.error="}), problems);
  CHECK(problems.size() == 2);  // only "no example that must fire", not fatal
  for (auto& p : problems) CHECK_FALSE(p.fatal);
  using K = EventKind;
  // the first policy-invalidated carries 256, the second none: "any:" sees the second
  CHECK(diagnosed(book, quick_mode({{K::PolicyInvalidated, "256"}, {K::PolicyInvalidated, ""}})) == "some-without-code");
  CHECK(diagnosed(book, quick_mode({{K::PolicyInvalidated, "256"}, {K::PolicyInvalidated, "256"}})) == "none-without-code");

  RuleBook counts;
  problems.clear();
  counts.add_file("c.json",
                  nlohmann::json{{"id", "more-refusals"}, {"title", "t"}, {"explanation", "e"},
                                 {"log", {{{"phase", 2}, {"all", {"atts-not-acceptable"}},
                                           {"when", {"count:atts-not-acceptable>transform-not-supported"}}}}}},
                  problems);
  CHECK(diagnosed(counts, quick_mode({{K::TransformNotSupported, ""}, {K::AttsNotAcceptable, ""}})) == std::nullopt);
  CHECK(diagnosed(counts, quick_mode({{K::TransformNotSupported, ""}, {K::AttsNotAcceptable, ""},
                                      {K::AttsNotAcceptable, ""}})) == "more-refusals");

  // a condition that can never be evaluated is a load problem, not a silently false rule
  problems.clear();
  RuleBook bad;
  bad.add_file("d.json", rule("typo", 0, {"count:atts-not-acceptable>no-such-kind", "any:policy-invalidated", "rol=x"}),
               problems);
  size_t condition_problems = 0;
  for (auto& p : problems) condition_problems += p.message.find("condition") != std::string::npos && p.fatal;
  CHECK(condition_problems == 3);
}

TEST_CASE("fill: text between placeholders as is, a missing or empty value as <name>") {
  std::map<std::string, std::string> ctx{{"a", "1"}, {"b", ""}, {"peer", "10.0.0.2"}};
  CHECK(fill("no placeholder", ctx) == "no placeholder");
  CHECK(fill("x{a}y{b}z{c}", ctx) == "x1y<b>z<c>");
  CHECK(fill("{a}{peer}", ctx) == "110.0.0.2");
  CHECK(fill("}{a} {", ctx) == "}1 {");       // an unclosed brace is text
  CHECK(fill("{a{b} {a}", ctx) == "<a{b> 1");  // a name runs to the first closing brace
  CHECK(fill("", ctx).empty());
  // {name|text}: the text when the value is missing or empty
  CHECK(fill("{a|none} {b|none} {c|<as on the peer>} {c|}.", ctx) == "1 none <as on the peer> .");
}

TEST_CASE("phase1-policy-mismatch: the fix names the peer's first proposal as the responder logged it") {
  auto a = run({corpus("logs/cases/ios15-p1-policy.log")});
  const Finding* f = log_finding(a, "phase1-policy-mismatch");
  REQUIRE(f);
  REQUIRE(!f->fix.empty());
  const auto& c = f->fix[0].commands;
  CHECK(std::find(c.begin(), c.end(), " encryption 3des") != c.end());  // ISAKMP: encryption 3DES-CBC
  CHECK(std::find(c.begin(), c.end(), " hash md5") != c.end());
  CHECK(std::find(c.begin(), c.end(), " authentication pre-share") != c.end());
  CHECK(std::find(c.begin(), c.end(), " group 2") != c.end());
  // the replay still applies it and the tunnel comes up
  CHECK(f->extra.at("replay").at("after") == "established");
}

TEST_CASE("phase1-policy-mismatch: an offer the log prints in words IOS has no keyword for leaves the placeholders") {
  auto a = analyze_text("rules", "p1-unknown.log",
                        "00:31:10: ISAKMP (0): received packet from 10.2.2.2 dport 500 sport 500 Global (R) MM_NO_STATE\n"
                        "00:31:10: ISAKMP:(0):Checking ISAKMP transform 1 against priority 10 policy\n"
                        "00:31:10: ISAKMP:      encryption CAST-CBC\n"
                        "00:31:10: ISAKMP:      hash MD5\n"
                        "00:31:10: ISAKMP:      default group 2\n"
                        "00:31:10: ISAKMP:(0):Encryption algorithm offered does not match policy!\n"
                        "00:31:10: ISAKMP:(0):atts are not acceptable. Next payload is 0\n"
                        "00:31:10: ISAKMP:(0): phase 1 SA policy not acceptable! (local 10.1.1.1 remote 10.2.2.2)\n");
  const Finding* f = log_finding(a, "phase1-policy-mismatch");
  REQUIRE(f);
  REQUIRE(!f->fix.empty());
  const auto& c = f->fix[0].commands;
  CHECK(std::find(c.begin(), c.end(), " encryption <as on the peer, e.g. aes 256>") != c.end());
  CHECK(std::find(c.begin(), c.end(), " hash <as on the peer, e.g. sha256>") != c.end());  // all or none
  CHECK(std::find(c.begin(), c.end(), " authentication pre-share") != c.end());  // not printed: the fallback
}

TEST_CASE("standalone events: a kind no phase-0 signature names gives nothing, one that a rule names its finding") {
  const auto& rd = test_rules();
  REQUIRE(rd.ok());
  auto event = [&](const char* line) {
    Event e;
    REQUIRE_MESSAGE(rd.tokenizer->tokenize_lines({line}, e), line);
    return e;
  };
  Event inv_spi = event(
      "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=10.1.1.1, prot=50, "
      "spi=0xD3A4B8F1(3550787825), srcaddr=10.1.1.2");
  CHECK(inv_spi.kind == EventKind::PktInvSpi);
  CHECK_FALSE(rd.book.diagnose_standalone(inv_spi, {}));
  Event clear = event(
      "%CRYPTO-4-RECVD_PKT_NOT_IPSEC: Rec'd packet not an IPSEC packet. (ip) vrf/dest_addr= /192.168.1.1, "
      "src_addr= 192.168.2.1, prot= 1");
  auto f = rd.book.diagnose_standalone(clear, {});
  REQUIRE(f);
  CHECK(f->rule == "clear-text-received");
  CHECK_FALSE(f->message.empty());
}
