// Skeletons (tokenize/skeleton.h) and the tokenizer's template cache built on them: a head
// seen before with other addresses/numbers must come out exactly as if computed.
#include <doctest/doctest.h>

#include "tokenize/skeleton.h"
#include "tokenize/tokenizer.h"

using namespace ipsecdoc;

namespace {
std::string shown(const Skeleton& s) {
  std::string out = s.key.substr(s.base);
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\x01') out[i] = '#';
  return out;
}
}  // namespace

TEST_CASE("skeleton: addresses, hex values and long numbers are tokens, the rest is literal") {
  Skeleton s;
  REQUIRE(build_skeleton("L", "ISAKMP: received packet from 10.1.1.2 dport 500 sport 500 Global (R) MM_NO_STATE", s));
  CHECK(s.key.substr(0, s.base) == "L");
  CHECK(shown(s) == "ISAKMP: received packet from #I dport 500 sport 500 Global (R) MM_NO_STATE");
  REQUIRE(build_skeleton("", "IPSEC(create_sa): sa created, (sa) sa_dest= 192.168.100.200, sa_spi= 0x3D2A1B9C(1026169756), lifedur= 3600s and 4608000kb", s));
  CHECK(shown(s) == "IPSEC(create_sa): sa created, (sa) sa_dest= #I, sa_spi= #X(#N), lifedur= #Ns and #Nkb");
  CHECK(s.n == 5);
  // literal: digits inside words, short numbers, versions, a dotted quad followed by more
  REQUIRE(build_skeleton("", "IKE_P1_COMPLETE esp-3des group 2 v1.5 1.2.3.4.5 10.0.0.1:500 -12345", s));
  CHECK(shown(s) == "IKE_P1_COMPLETE esp-3des group 2 v1.5 1.2.3.4.5 #I:500 -#N");
}

TEST_CASE("skeleton: positions map both ways, never into a token") {
  Skeleton s;
  std::string t = "peer 10.20.30.40 spi 0xABCDEF01 end";
  REQUIRE(build_skeleton("", t, s));
  REQUIRE(s.n == 2);
  uint32_t k = 0;
  size_t o = 0;
  CHECK(s.to_skeleton(5, k));  // token start
  CHECK(k == 5);
  CHECK_FALSE(s.to_skeleton(6, k));  // inside the address
  CHECK(s.to_skeleton(16, k));       // token end
  CHECK(k == 7);
  CHECK(s.to_original(7, o));
  CHECK(o == 16);
  CHECK_FALSE(s.to_original(6, o));  // inside the marker
  CHECK(s.to_skeleton(t.size(), k));
  CHECK(s.to_original(k, o));
  CHECK(o == t.size());
  // the same skeleton with other values maps to their own positions
  Skeleton v;
  REQUIRE(build_skeleton("", vary_tokens(t), v));
  CHECK(v.key == s.key);
  CHECK(vary_tokens(t) != t);
  CHECK(v.to_original(k, o));
  CHECK(o == vary_tokens(t).size());
}

TEST_CASE("skeleton: too many tokens gives none") {
  std::string t;
  for (size_t i = 0; i <= Skeleton::kMaxTokens; ++i) t += " 10.0.0." + std::to_string(i);
  Skeleton s;
  CHECK_FALSE(build_skeleton("", t, s));
}

namespace {
std::unique_ptr<Tokenizer> one_pattern(const std::string& regex, const std::string& sample,
                                       std::vector<PatternProblem>& problems) {
  nlohmann::json doc = {{"patterns",
                         {{{"id", "test.p"}, {"event", "vendor-id"}, {"regex", regex}, {"samples", {sample}}}}}};
  return Tokenizer::build({{"test.json", doc}}, problems);
}
}  // namespace

TEST_CASE("template cache: off when a pattern could tell two values of a token apart") {
  std::vector<PatternProblem> problems;
  auto ok = one_pattern("^ISAKMP: id (?P<id>\\d+) from (?P<peer>[0-9.]+)$", "ISAKMP: id 12345 from 10.1.1.1", problems);
  CHECK(problems.empty());
  CHECK(ok->templates_enabled());
  for (const char* re : {"^ISAKMP: from 10\\.1\\.1\\.1$", "^ISAKMP: id \\d{4,6}$", "^ISAKMP: id 12345$",
                         "^ISAKMP: spi 0xAB[0-9A-F]*$"}) {
    problems.clear();
    auto t = one_pattern(re, std::string(re).find("spi") != std::string::npos ? "ISAKMP: spi 0xAB12"
                             : std::string(re).find("from") != std::string::npos ? "ISAKMP: from 10.1.1.1"
                                                                                  : "ISAKMP: id 12345",
                         problems);
    INFO(re);
    CHECK_FALSE(t->templates_enabled());
    REQUIRE(problems.size() == 1);
    CHECK_FALSE(problems[0].fatal);
  }
  // A class that accepts only some digits passes the syntax check; the varied sample catches it.
  problems.clear();
  auto dep = one_pattern("^ISAKMP: id (?P<id>[0-5]+)$", "ISAKMP: id 12345", problems);
  CHECK_FALSE(dep->templates_enabled());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("with other addresses/numbers") != std::string::npos);
}
