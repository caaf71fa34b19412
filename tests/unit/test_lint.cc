#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "lint/lint.h"
#include "report/sarif.h"

using namespace ipsecdoc;

namespace {
TextSection sec(const std::string& text, const std::string& path) {
  return text_section(text, path);
}
const Finding* find(const LintResult& r, std::string_view rule) {
  for (auto& f : r.findings) if (f.rule == rule) return &f;
  return nullptr;
}
std::string router(const std::string& host, const std::string& me, const std::string& peer, const std::string& acl,
                   const std::string& entry_extra = "") {
  return fmt::format(R"(hostname {0}
crypto isakmp policy 10
 encryption aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 k address {2}
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
ip access-list extended VPN
{3}crypto map CM 10 ipsec-isakmp
 set peer {2}
 set transform-set TS
 match address VPN
{4}interface Gi0/0
 ip address {1} 255.255.255.0
 crypto map CM
)", host, me, peer, acl, entry_extra);
}
}  // namespace

TEST_CASE("lint: subset ACLs — the narrower side can initiate, the wider cannot") {
  auto r = lint({sec(router("WIDE", "192.0.2.1", "192.0.2.2", " permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255\n"), "w"),
                 sec(router("NARROW", "192.0.2.2", "192.0.2.1", " permit ip 10.2.5.0 0.0.0.255 10.1.0.0 0.0.255.255\n"), "n")});
  REQUIRE(r.pairs.size() == 1);
  auto& p = r.pairs[0];
  const DirectionPrediction& from_wide = r.devices[p.a].hostname == "WIDE" ? p.a_to_b : p.b_to_a;
  const DirectionPrediction& from_narrow = r.devices[p.a].hostname == "WIDE" ? p.b_to_a : p.a_to_b;
  CHECK_FALSE(from_wide.phase2_ok);
  CHECK(from_narrow.summary == "established");
  auto* f = find(r, "proxy-id-mismatch");
  REQUIRE(f);
  CHECK(f->severity == Severity::Warning);
  CHECK(f->device == "NARROW");
  CHECK(f->extra["works_when"] == "NARROW initiates");
  REQUIRE(f->fix.size() == 2);
  CHECK(f->fix[0].device == "NARROW");
  CHECK(f->fix[0].commands == std::vector<std::string>{"ip access-list extended VPN", " no 10",
                                                       " 10 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255"});
  CHECK(f->fix[1].commands.back() == " 10 permit ip 10.1.0.0 0.0.255.255 10.2.5.0 0.0.0.255");
}

TEST_CASE("lint: PFS — responder `set pfs` (group1 implied) accepts group2, named group does not") {
  auto mk = [](const std::string& a_pfs, const std::string& b_pfs) {
    return lint({sec(router("A", "192.0.2.1", "192.0.2.2", " permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255\n", a_pfs), "a"),
                 sec(router("B", "192.0.2.2", "192.0.2.1", " permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255\n", b_pfs), "b")});
  };
  auto ok = mk(" set pfs group2\n", " set pfs\n");
  REQUIRE(ok.pairs.size() == 1);
  CHECK(ok.pairs[0].a_to_b.summary == "established");
  auto bad = mk(" set pfs group2\n", " set pfs group14\n");
  CHECK_FALSE(bad.pairs[0].a_to_b.phase2_ok);
  CHECK_FALSE(bad.pairs[0].b_to_a.phase2_ok);
  auto one = mk("", " set pfs group14\n");
  CHECK_FALSE(one.pairs[0].a_to_b.phase2_ok);             // A without PFS -> B rejects
  CHECK(one.pairs[0].b_to_a.summary == "established");   // B offers PFS, A accepts
}

TEST_CASE("lint: hub with 2,000 entries and 20,000 crypto ACL lines lints well under a second") {
  std::string cfg = "hostname HUB\ncrypto isakmp policy 10\n encryption aes 256\n hash sha256\n authentication pre-share\n group 14\n"
                    "crypto isakmp key 0 k address 0.0.0.0 0.0.0.0\ncrypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n";
  for (int s = 0; s < 2000; ++s) {
    cfg += fmt::format("ip access-list extended S{}\n", s);
    for (int k = 0; k < 10; ++k)
      cfg += fmt::format(" permit ip 10.0.0.0 0.255.255.255 172.{}.{}.{} 0.0.0.15\n", 16 + s / 250, s % 250, k * 16);
    cfg += fmt::format("crypto map CM {} ipsec-isakmp\n set peer 198.18.{}.{}\n set transform-set TS\n match address S{}\n",
                       10 + s * 10, s / 250, 1 + s % 250, s);
  }
  // one planted overlap: a late entry whose ACL is inside entry 0's first line
  cfg += "ip access-list extended LATE\n permit ip host 10.1.1.1 host 172.16.0.1\n"
         "crypto map CM 30000 ipsec-isakmp\n set peer 198.19.0.1\n set transform-set TS\n match address LATE\n";
  cfg += "interface Gi0/0\n ip address 198.18.255.1 255.255.255.0\n crypto map CM\n";
  auto t0 = std::chrono::steady_clock::now();
  auto r = lint({sec(cfg, "hub")});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.devices[0].crypto_map("CM")->entries.size() == 2001);
  size_t overlaps = 0;
  for (auto& f : r.findings) if (f.rule == "crypto-map-overlap") {
    ++overlaps;
    CHECK(f.extra["early_seq"] == 10);
    CHECK(f.extra["late_seq"] == 30000);
  }
  CHECK(overlaps == 1);
  // Speed is measured by the benchmark (`make bench`: hub and 500-config fleet), never asserted
  // in a unit test; this test checks the result on the big input.
  MESSAGE("hub lint took " << secs << " s");
}

TEST_CASE("sarif: rules, locations and line-independent fingerprints") {
  auto a = router("A", "192.0.2.1", "192.0.2.2", " permit ip 10.1.0.0 0.0.255.255 any\n");
  auto r1 = lint({sec(a, "a.cfg")});
  auto r2 = lint({sec("!\n!\n!\n" + a, "a.cfg")});  // same config, shifted by three lines
  auto lookup = [](std::string_view id) -> std::optional<SarifRule> {
    auto* r = lint_rule(id);
    if (!r) return std::nullopt;
    return SarifRule{std::string(r->id), std::string(r->title), std::string(r->description), r->severity, ""};
  };
  auto s1 = to_sarif(r1.findings, lookup, "0.1.0");
  auto s2 = to_sarif(r2.findings, lookup, "0.1.0");
  CHECK(s1["version"] == "2.1.0");
  auto& run = s1["runs"][0];
  REQUIRE(run["results"].size() == r1.findings.size());
  std::set<std::string> ids;
  for (auto& rule : run["tool"]["driver"]["rules"]) ids.insert(rule["id"].get<std::string>());
  CHECK(ids.size() == run["tool"]["driver"]["rules"].size());  // one descriptor per rule id
  const auto& res = run["results"][0];
  CHECK(run["tool"]["driver"]["rules"][res["ruleIndex"].get<size_t>()]["id"] == res["ruleId"]);
  CHECK(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.cfg");
  uint32_t l1 = res["locations"][0]["physicalLocation"]["region"]["startLine"];
  uint32_t l2 = s2["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"];
  CHECK(l2 == l1 + 3);
  CHECK(res["partialFingerprints"] == s2["runs"][0]["results"][0]["partialFingerprints"]);
}
