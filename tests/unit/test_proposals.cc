// logged_proposals: what a responder's Quick Mode log says each proposal offered.
#include <doctest/doctest.h>

#include "rules/proposals.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace {
Negotiation from_lines(std::initializer_list<const char*> lines) {
  Negotiation n;
  for (const char* l : lines) {
    Step s;
    REQUIRE_MESSAGE(test_rules().tokenizer->tokenize_lines({l}, s.event), l);
    n.steps.push_back(std::move(s));
  }
  return n;
}
}  // namespace

TEST_CASE("proposals: the attribute lines give the transform, with its AES key length") {
  auto n = from_lines({"ISAKMP:(1004):Checking IPSec proposal 1", "ISAKMP: transform 1, ESP_AES",
                       "ISAKMP:   attributes in transform:", "ISAKMP:      key length is 256",
                       "ISAKMP:      authenticator is HMAC-SHA",
                       "ISAKMP-ERROR: (1004):IPSec policy invalidated proposal with error 256"});
  auto p = logged_proposals(n);
  REQUIRE(p.size() == 1);
  REQUIRE(p[0].transform);
  CHECK(p[0].transform->str() == "esp-aes 256 esp-sha-hmac");
  CHECK(p[0].rejected);
  CHECK(p[0].transform_rejected);  // error 256: no transform set matches
}

TEST_CASE("proposals: a key length on a cipher without one is a concurrent proposal's line, not this one's") {
  // IOS-XE attribute lines carry no connection id: another SA's `key length is 256` can fall
  // between these lines. DES has no key length.
  auto n = from_lines({"ISAKMP:(2262):Checking IPSec proposal 1", "ISAKMP: transform 1, ESP_DES",
                       "ISAKMP:   attributes in transform:", "ISAKMP:      key length is 256",
                       "ISAKMP:      authenticator is HMAC-SHA"});
  auto p = logged_proposals(n);
  REQUIRE(p.size() == 1);
  REQUIRE(p[0].transform);
  CHECK(p[0].transform->str() == "esp-des esp-sha-hmac");
}

TEST_CASE("proposals: the keyword form of a refused transform names it whole, the numeric form only fills a gap") {
  // attributes say AES-256/SHA (a concurrent proposal's lines), the refusal names the offer
  auto xe = from_lines({"ISAKMP:(2262):Checking IPSec proposal 1", "ISAKMP: transform 1, ESP_AES",
                        "ISAKMP:      key length is 256", "ISAKMP:      authenticator is HMAC-SHA",
                        "IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-3des esp-md5-hmac }"});
  auto p = logged_proposals(xe);
  REQUIRE(p.size() == 1);
  REQUIRE(p[0].transform);
  CHECK(p[0].transform->str() == "esp-3des esp-md5-hmac");
  CHECK(p[0].transform_rejected);
  // 12.x numbers carry no key length: the attribute lines' AES-256 stays
  auto old = from_lines({"ISAKMP (0:2): Checking IPSec proposal 1", "ISAKMP: transform 1, ESP_AES",
                         "ISAKMP:      key length is 256", "ISAKMP:      authenticator is HMAC-SHA",
                         "IPSEC(validate_proposal): transform proposal (port 3, trans 12, hmac_alg 2) not supported"});
  p = logged_proposals(old);
  REQUIRE(p.size() == 1);
  REQUIRE(p[0].transform);
  CHECK(p[0].transform->str() == "esp-aes 256 esp-sha-hmac");
}

TEST_CASE("proposals: debug names map to keywords through the name tables, an unknown name to none") {
  // Each proposal's names are looked up again (the tables are built once): a second proposal
  // with other names gets its own keywords, and a name no id has leaves the transform unknown.
  auto n = from_lines({"ISAKMP:(1004):Checking IPSec proposal 1", "ISAKMP: transform 1, ESP_3DES",
                       "ISAKMP:   attributes in transform:", "ISAKMP:      authenticator is HMAC-MD5",
                       "ISAKMP:(1004):Checking IPSec proposal 2", "ISAKMP: transform 1, ESP_AES",
                       "ISAKMP:   attributes in transform:", "ISAKMP:      authenticator is HMAC-SHA",
                       "ISAKMP:(1004):Checking IPSec proposal 3", "ISAKMP: transform 1, ESP_NOSUCH",
                       "ISAKMP:   attributes in transform:", "ISAKMP:      authenticator is HMAC-SHA"});
  auto p = logged_proposals(n);
  REQUIRE(p.size() == 3);
  REQUIRE(p[0].transform);
  CHECK(p[0].transform->str() == "esp-3des esp-md5-hmac");
  REQUIRE(p[1].transform);
  CHECK(p[1].transform->str() == "esp-aes esp-sha-hmac");
  CHECK_FALSE(p[2].transform);
}
