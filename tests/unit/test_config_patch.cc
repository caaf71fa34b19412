#include <doctest/doctest.h>

#include "config/config.h"
#include "config/patch.h"

using namespace ipsecdoc;

namespace {
TextSection text(std::initializer_list<const char*> lines) {
  TextSection s;
  s.path = "t.cfg";
  uint32_t n = 0;
  for (const char* l : lines) s.lines.push_back({++n, l});
  return s;
}
std::string joined(const TextSection& s) {
  std::string out;
  for (const auto& l : s.lines) out += l.text + "\n";
  return out;
}
}  // namespace

TEST_CASE("patch: set transform-set replaces, new transform set is created, parse sees both") {
  auto cfg = text({"hostname HQ", "crypto ipsec transform-set A esp-aes 256 esp-sha256-hmac", "crypto map VPN 10 ipsec-isakmp",
                   " set peer 1.1.1.1", " set transform-set A", " match address X", "interface Gi0/0",
                   " ip address 2.2.2.2 255.255.255.0", " crypto map VPN"});
  auto r = apply_commands(cfg, {"crypto ipsec transform-set B esp-3des esp-sha-hmac", " mode tunnel",
                                "crypto map VPN 10 ipsec-isakmp", " set transform-set A B"});
  CHECK(r.problems.empty());
  std::string t = joined(r.config);
  CHECK(t.find("crypto ipsec transform-set B esp-3des esp-sha-hmac\n mode tunnel") != std::string::npos);
  CHECK(t.find(" set transform-set A B") != std::string::npos);
  CHECK(t.find(" set transform-set A\n") == std::string::npos);
  DeviceConfig d = parse_config(r.config);
  REQUIRE(d.crypto_map("VPN") != nullptr);
  CHECK(d.crypto_map("VPN")->entry(10)->transform_sets.size() == 2);
}

TEST_CASE("patch: named ACL sequence insert and removal keep IOS order") {
  auto cfg = text({"ip access-list extended NAT", " permit ip 10.7.0.0 0.0.0.255 any"});
  auto r = apply_commands(cfg, {"ip access-list extended NAT", " 4 deny ip 10.7.0.0 0.0.0.255 10.1.0.0 0.0.255.255"});
  std::string t = joined(r.config);
  CHECK(t.find(" 4 deny ip 10.7.0.0 0.0.0.255 10.1.0.0 0.0.255.255\n 10 permit ip 10.7.0.0 0.0.0.255 any") != std::string::npos);
  auto r2 = apply_commands(r.config, {"ip access-list extended NAT", " no 10"});
  CHECK(joined(r2.config).find("permit ip 10.7.0.0") == std::string::npos);
  CHECK(r2.problems.empty());
}

TEST_CASE("patch: no crypto map entry removes the block, placeholders are refused") {
  auto cfg = text({"crypto map M 10 ipsec-isakmp", " set peer 1.1.1.1", "crypto map M 20 ipsec-isakmp", " set peer 2.2.2.2"});
  auto r = apply_commands(cfg, {"crypto map M 5 ipsec-isakmp", " set peer 2.2.2.2", "no crypto map M 20",
                                "crypto map <map> <seq> set transform-set X"});
  std::string t = joined(r.config);
  CHECK(t.find("crypto map M 20") == std::string::npos);
  CHECK(t.find("crypto map M 5 ipsec-isakmp\n set peer 2.2.2.2") != std::string::npos);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].find("placeholder") != std::string::npos);
}

TEST_CASE("patch: transcript input is understood") {
  auto cfg = text({"RTRA(config)# crypto map mymap 10 ipsec-isakmp", "RTRA(config-crypto-m)# match address 101",
                   "RTRA(config-crypto-m)# set peer 192.1.1.1"});
  auto r = apply_commands(cfg, {"crypto map mymap 10 ipsec-isakmp", " set peer 192.1.1.9"});
  std::string t = joined(r.config);
  CHECK(t.find("crypto map mymap 10 ipsec-isakmp\n match address 101\n set peer 192.1.1.1\n set peer 192.1.1.9") != std::string::npos);
}

TEST_CASE("re-entering crypto isakmp policy edits it instead of adding a default one") {
  auto cfg = text({"crypto isakmp policy 10", " encryption aes 256", " authentication pre-share", " group 14",
                   "crypto isakmp policy 10", " hash sha256"});
  DeviceConfig d = parse_config(cfg);
  REQUIRE(d.isakmp_policies.size() == 1);
  CHECK(d.isakmp_policies[0].policy.encryption == "aes");
  CHECK(d.isakmp_policies[0].policy.hash == "sha256");
  CHECK(d.isakmp_policies[0].policy.group == 14);
}
