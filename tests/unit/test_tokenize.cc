#include <doctest/doctest.h>

#include "tokenize/normalize.h"
#include "tokenize/tokenizer.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace {
// The pattern data as the suite loads it everywhere (test_analysis_helpers.h); load problems
// are reported by test_rules_examples.cc.
const Tokenizer& tok() { return *test_rules().tokenizer; }
Event one(std::vector<std::string> lines) {
  Event e;
  bool ok = tok().tokenize_lines(lines, e);
  CHECK_MESSAGE(ok, lines[0]);
  return e;
}
}  // namespace

TEST_CASE("every pattern sample loads and classifies as its own pattern") {
  // Tokenizer::build checks every sample against its own pattern; a failing sample is a problem.
  for (const auto& p : test_rules().problems) FAIL_CHECK(p);
  CHECK(tok().patterns().size() > 50);
}

TEST_CASE("header normalisation across releases") {
  NormalizedHead h;
  REQUIRE(normalize_head("ISAKMP (0:2) : atts not acceptable. Next payload is 0", h));
  CHECK(h.text == "ISAKMP: atts not acceptable. Next payload is 0");
  CHECK(h.conn_id == 2);
  REQUIRE(normalize_head("ISAKMP (0:2) SA not acceptable", h));
  CHECK(h.text == "ISAKMP: SA not acceptable");
  REQUIRE(normalize_head("ISAKMP-ERROR: (1003):IPSec policy invalidated proposal with error 32", h));
  CHECK(h.conn_id == 1003);
  CHECK(h.level == "ERROR");
  REQUIRE(normalize_head("IPsec (validate_proposal): transform proposal", h));
  CHECK(h.text == "IPSEC(validate_proposal): transform proposal");
  REQUIRE(normalize_head("IPSEC(initialize_sas):, (key eng. msg.)", h));
  CHECK(h.text == "IPSEC(initialize_sas): (key eng. msg.)");
  REQUIRE(normalize_head("(ipsec_process_proposal)Map Accepted: CMAP, 10", h));
  CHECK(h.text == "IPSEC(ipsec_process_proposal): Map Accepted: CMAP, 10");
  CHECK_FALSE(normalize_head("%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to up", h));
}

TEST_CASE("the same rejection in three dialects gives the same event") {
  auto a = one({"IPSEC(validate_proposal): transform proposal (port 3, trans 2, hmac_alg 2) not supported"});
  auto b = one({"*Mar  1 00:42:09.431: IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-des esp-sha-hmac }"});
  CHECK(a.kind == EventKind::TransformNotSupported);
  CHECK(b.kind == EventKind::TransformNotSupported);
  CHECK(a.get("transform") == b.get("transform"));
  CHECK(a.get("transform") == "esp-des esp-sha-hmac");
}

TEST_CASE("key-engine key=value fields") {
  auto kv = parse_key_values("(key eng. msg.) INBOUND local= 1.1.1.1, remote= 2.2.2.2, local_proxy= 10.0.0.0/255.0.0.0/0/0 (type=4), lifedur= 0s and 0kb,");
  REQUIRE(kv.size() == 4);
  CHECK(kv[0].first == "local");
  CHECK(kv[2].second == "10.0.0.0/255.0.0.0/0/0 (type=4)");
  CHECK(kv[3].second == "0s and 0kb");
}

TEST_CASE("a proposal's proxies keep their ID type (12.x/15.x print it, IOS-XE does not)") {
  auto host = one({"IPSEC(validate_proposal_request): proposal part #1,",
                   "  (key eng. msg.) INBOUND local= 192.1.1.40, remote= 192.1.1.42,",
                   "  local_proxy= 192.168.2.5/255.255.255.255/0/0 (type=1),",
                   "  remote_proxy= 192.168.3.0/255.255.255.0/0/0 (type=4),",
                   "  protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),"});
  CHECK(host.get("local_proxy") == "192.168.2.5/255.255.255.255/0/0");
  CHECK(host.get("local_id_type") == "ID_IPV4_ADDR");
  CHECK(host.get("remote_id_type") == "ID_IPV4_ADDR_SUBNET");
  for (int i = 0; i < 3; ++i) {  // the same skeleton with other addresses: the template's plan
    auto again = one({"IPSEC(validate_proposal_request): proposal part #1,",
                      "  (key eng. msg.) INBOUND local= 10.9.9." + std::to_string(100 + i) + ", remote= 192.1.1.42,",
                      "  local_proxy= 172.16." + std::to_string(100 + i) + ".5/255.255.255.255/0/0 (type=1),",
                      "  remote_proxy= 192.168.3.0/255.255.255.0/0/0 (type=4),",
                      "  protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),"});
    CHECK(again.get("local_proxy") == "172.16." + std::to_string(100 + i) + ".5/255.255.255.255/0/0");
    CHECK(again.get("local_id_type") == "ID_IPV4_ADDR");
    CHECK(again.get("remote_id_type") == "ID_IPV4_ADDR_SUBNET");
  }
  auto xe = one({"IPSEC(validate_proposal_request): proposal part #1,",
                 "  (key eng. msg.) INBOUND local= 203.0.113.200:0, remote= 203.0.113.100:0,",
                 "    local_proxy= 192.168.102.0/255.255.255.0/256/0,",
                 "    remote_proxy= 192.168.101.0/255.255.255.0/256/0,"});
  CHECK_FALSE(xe.has("local_id_type"));
  CHECK_FALSE(xe.has("remote_id_type"));
}

TEST_CASE("unrelated and unknown lines are not recognised") {
  Event e;
  CHECK_FALSE(tok().tokenize_lines({"%SYS-5-CONFIG_I: Configured from console by console"}, e));
  CHECK_FALSE(tok().tokenize_lines({"ISAKMP: some message no release ever printed"}, e));
}

TEST_CASE("render_template: placeholders, missing fields, and braces that are not placeholders") {
  Event e;
  e.fields.emplace_back("peer", "10.0.0.2");
  e.fields.emplace_back("spi", "0x1A2B");
  e.fields.emplace_back("empty", "");
  CHECK(render_template("no placeholders", e) == "no placeholders");
  CHECK(render_template("", e) == "");
  CHECK(render_template("peer {peer}, SPI {spi}.", e) == "peer 10.0.0.2, SPI 0x1A2B.");
  CHECK(render_template("{peer}{spi}", e) == "10.0.0.20x1A2B");
  CHECK(render_template("[{empty}]", e) == "[]");                        // present but empty
  CHECK(render_template("map {map} seq", e) == "map (not logged) seq");  // absent
  CHECK(render_template("a {peer", e) == "a {peer");                      // unclosed: literal
  CHECK(render_template("x } {peer} {", e) == "x } 10.0.0.2 {");
  CHECK(render_template("{a{peer}", e) == "(not logged)");                // the name runs to the first '}'
  // [[...]]: an optional part, left out whole when a field it names is absent
  CHECK(render_template("SA[[ from {peer}]].", e) == "SA from 10.0.0.2.");
  CHECK(render_template("SA[[ from {map}]].", e) == "SA.");
  CHECK(render_template("[[{peer} ]][[{map} ]]{spi}", e) == "10.0.0.2 0x1A2B");
  CHECK(render_template("[[no fields]]", e) == "no fields");
  CHECK(render_template("[[{peer} and {map}]]!", e) == "!");              // one absent field drops it
  CHECK(render_template("a [[{peer}", e) == "a [[10.0.0.2");              // unclosed: literal
  CHECK(render_template("{map} [[x]]", e) == "(not logged) x");           // outside: as before
}
