#include <doctest/doctest.h>

#include <sstream>

#include "config/config.h"

using namespace ipsecdoc;

namespace {
TextSection section(const std::string& text, const std::string& path = "cfg.txt") {
  return text_section(text, path);
}
}  // namespace

TEST_CASE("config: seed Example 19-15 transcript with wrapped continuation lines") {
  auto d = parse_config(section(
      "RTRA(config)# access-list 101 permit ip 192.168.1.0 0.0.0.255\n"
      "                192.168.2.0 0.0.0.255\n"
      "RTRA(config)# access-list 102 permit ip host 192.168.1.1\n"
      "                host 192.168.2.1\n"
      "RTRA(config)# crypto map mymap 10 ipsec-isakmp\n"
      "\n"
      "RTRA(config-crypto-m)# match address 101\n"
      "RTRA(config-crypto-m)# set peer 192.1.1.1\n"
      "RTRA(config-crypto-m)# set transform-set trans1\n"
      "RTRA(config-crypto-m)# exit\n"
      "RTRA(config)# crypto map mymap 20 ipsec-isakmp\n"
      "RTRA(config-crypto-m)# match address 102\n"
      "RTRA(config-crypto-m)# set peer 192.1.1.2\n"
      "RTRA(config-crypto-m)# set transform-set trans1\n"
      "RTRA(config-crypto-m)# exit\n"));
  CHECK(d.transcript);
  CHECK(d.excerpt);
  CHECK(d.hostname == "RTRA");
  REQUIRE(d.acl("101"));
  REQUIRE(d.acl("101")->aces.size() == 1);
  const Ace& a = d.acl("101")->aces[0];
  CHECK(a.src.line == 1);
  CHECK(a.src.last_line == 2);
  CHECK(a.src.text == "access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255");
  CHECK(a.regions[0].src == AddrMatch::prefix(0xC0A80100u, 24));
  CHECK(a.regions[0].dst == AddrMatch::prefix(0xC0A80200u, 24));
  REQUIRE(d.crypto_map("mymap"));
  auto& es = d.crypto_map("mymap")->entries;
  REQUIRE(es.size() == 2);
  CHECK(es[0].seq == 10);
  CHECK(es[0].acl == "101");
  CHECK(es[0].peers.at(0).str() == "192.1.1.1");
  CHECK(es[1].acl == "102");
  CHECK(es[1].transform_sets == std::vector<std::string>{"trans1"});
  CHECK(d.stats.lines_total == 15);
  CHECK(d.stats.unrecognized.empty());
  CHECK(d.stats.lines_modelled + d.stats.lines_skipped == 15);
  CHECK(d.stats.lines_modelled == 12);  // two wrapped ACL commands (4 lines) + 2 map lines + 6 sub-commands
}

TEST_CASE("config: running-config with banner, unrelated sections, broken lines and defaults") {
  auto d = parse_config(section(R"(Building configuration...

Current configuration : 2100 bytes
!
version 15.4
hostname HUB
!
banner motd ^C
  Authorized access only
  crypto map FAKE 10 ipsec-isakmp
^C
aaa new-model
aaa authentication login default local
snmp-server community s3cret RO
!
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto isakmp policy 20
 hash md5
crypto isakmp key 0 cisco123 address 10.0.0.2
crypto isakmp key 7 0822455D0A16 address 0.0.0.0 0.0.0.0
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
 mode transport
crypto ipsec security-association lifetime seconds 1800
!
crypto map CM local-address Loopback0
crypto map CM 10 ipsec-isakmp
 description to branch
 set peer 10.0.0.2 default
 set peer 10.0.0.3
 set transform-set TS
 set transform-set TS2 TS3
 set pfs group14
 set security-association lifetime kilobytes 10000
 match address CRYPTO
 reverse-route
crypto map CM 20 ipsec-isakmp dynamic DYN
crypto dynamic-map DYN 5
 set transform-set TS
!
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
interface GigabitEthernet0/0
 ip address 10.0.0.1 255.255.255.0
 ip address 10.0.1.1 255.255.255.0 secondary
 ip nat outside
 crypto map CM
 shutdown
interface GigabitEthernet0/1
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
 vrf forwarding RED
!
ip access-list extended CRYPTO
 remark site A
 permit ip 192.168.1.0 0.0.0.255 172.16.0.0 0.0.255.255
 15 deny ip host 192.168.1.9 any
 permit tcp any host 10.1.1.1 eq www telnet
 permit ip 192.168.1.0 0.0.0.255 172.16.0.0
ip nat inside source list NAT interface GigabitEthernet0/0 overload
ip route 0.0.0.0 0.0.0.0 10.0.0.254
ip route vrf RED 10.9.0.0 255.255.0.0 GigabitEthernet0/1 192.168.1.254 200
route-map RM permit 10
 match ip address NAT
line vty 0 4
 password 7 0822455D0A16
 transport input ssh
this is not ios
end
)"));
  CHECK(d.hostname == "HUB");
  CHECK_FALSE(d.excerpt);
  CHECK_FALSE(d.transcript);
  // policies: 10 as set, 20 keeps IOS defaults except hash
  auto pols = d.ike_policies();
  REQUIRE(pols.size() == 2);
  CHECK(pols[0].str() == "aes 256/sha/pre-share/group 14");
  CHECK(pols[1].str() == "des/md5/rsa-sig/group 1");
  CHECK(pols[1].lifetime == 86400);
  // keys, with type 7 decoded and text redacted
  REQUIRE(d.keys.size() == 2);
  CHECK(d.keys[0].clear().value() == "cisco123");
  CHECK(d.keys[0].src.text == "crypto isakmp key 0 <redacted> address 10.0.0.2");
  CHECK(d.keys[1].type == 7);
  CHECK(d.keys[1].clear().value() == "cisco");
  CHECK(d.keys[1].mask == 0);
  CHECK(d.key_for(0x0A000002u) == &d.keys[0]);   // most specific wins
  CHECK(d.key_for(0x0A000009u) == &d.keys[1]);
  // transform set with mode
  REQUIRE(d.transform_set("TS"));
  CHECK(d.transform_set("TS")->transform.transport);
  CHECK(d.transform_set("TS")->transform.str() == "esp-aes 256 esp-sha-hmac");
  // crypto map entry
  auto* m = d.crypto_map("CM");
  REQUIRE(m);
  CHECK(m->local_address == "Loopback0");
  REQUIRE(m->entries.size() == 2);
  const auto& e = m->entries[0];
  CHECK(e.description == "to branch");
  REQUIRE(e.peers.size() == 2);
  CHECK(e.peers[0].is_default);
  CHECK(e.transform_sets == std::vector<std::string>{"TS", "TS2", "TS3"});
  CHECK(e.pfs_group == 14);
  CHECK(e.lifetime_kb.value() == 10000);
  CHECK(d.sa_lifetime_seconds(e) == 1800);
  CHECK(e.reverse_route);
  CHECK(m->entries[1].dynamic_ref == "DYN");
  REQUIRE(d.dynamic_map("DYN"));
  CHECK(d.dynamic_map("DYN")->entries.at(0).in_dynamic_map);
  // interfaces
  auto* g0 = d.interface("Gi0/0");
  REQUIRE(g0);
  CHECK(g0->name == "GigabitEthernet0/0");
  CHECK(g0->addresses.size() == 2);
  CHECK(g0->shutdown);
  CHECK(g0->nat == NatSide::Outside);
  CHECK(d.interface("GigabitEthernet0/1")->vrf == "RED");
  CHECK(d.map_local_addresses("CM") == std::vector<uint32_t>{0x0AFF0001u});
  // ACL with explicit sequence number sorted in, multi-port eq, and a broken line
  auto* acl = d.acl("CRYPTO");
  REQUIRE(acl);
  REQUIRE(acl->aces.size() == 3);
  CHECK(acl->aces[0].seq == 10);
  CHECK(acl->aces[1].seq == 15);
  CHECK(acl->aces[2].seq == 25);
  CHECK(acl->aces[2].ios() == "permit tcp any host 10.1.1.1 eq telnet www");
  CHECK(acl->remarks.size() == 1);
  // NAT, routes, route-map
  REQUIRE(d.nat_rules.size() == 1);
  CHECK(d.nat_rules[0].acl == "NAT");
  CHECK(d.nat_rules[0].overload);
  REQUIRE(d.routes.size() == 2);
  CHECK(d.routes[1].vrf == "RED");
  CHECK(d.routes[1].distance == 200);
  REQUIRE(d.route_maps.size() == 1);
  CHECK(d.route_maps[0].match_acls == std::vector<std::string>{"NAT"});
  // accounting: the banner's fake crypto map is not modelled; broken lines are listed
  CHECK_FALSE(d.crypto_map("FAKE"));
  std::vector<uint32_t> bad;
  for (auto& u : d.stats.unrecognized) bad.push_back(u.line);
  CHECK(bad == std::vector<uint32_t>{61, 70});  // ACE without wildcard; "this is not ios"
  CHECK(d.stats.lines_modelled + d.stats.lines_skipped + d.stats.unrecognized.size() == d.stats.lines_total);
}

TEST_CASE("config: exec prompts are skipped and commands are trimmed of tabs and trailing blanks") {
  // Exec prompts end in '>' or '#'; white space around a command is any of the C isspace set,
  // and an indentation by a tab makes a sub-command as a space does.
  auto d = parse_config(section(
      "r1>enable\n"
      "r1#show running-config\n"
      "hostname r1 \t\n"
      "interface Gi0/0\t \n"
      "\tip address 10.0.0.1 255.255.255.0\v\n"
      "crypto map CM 10 ipsec-isakmp\n"
      " description \t to hub \f\n"
      " set peer 10.0.0.2\n"));
  CHECK(d.stats.unrecognized.empty());
  CHECK(d.stats.lines_skipped == 2);
  CHECK(d.stats.lines_modelled == 6);
  CHECK(d.hostname == "r1");
  CHECK(d.hostname_src.text == "hostname r1");
  REQUIRE(d.interfaces.size() == 1);
  CHECK(d.interfaces[0].src.text == "interface Gi0/0");
  REQUIRE(d.interfaces[0].addresses.size() == 1);
  CHECK(d.interfaces[0].addresses[0].src.text == "ip address 10.0.0.1 255.255.255.0");
  REQUIRE(d.crypto_map("CM"));
  REQUIRE(d.crypto_map("CM")->entries.size() == 1);
  CHECK(d.crypto_map("CM")->entries[0].description == "to hub");
  CHECK(d.crypto_map("CM")->entries[0].peers.at(0).str() == "10.0.0.2");
}

TEST_CASE("config: type 7 decoding and redaction") {
  CHECK(decode_type7("0822455D0A16").value() == "cisco");
  CHECK_FALSE(decode_type7("ZZ22").has_value());
  CHECK(redact_line(" pre-shared-key address 2.3.4.8 key psk2") == " pre-shared-key address 2.3.4.8 key <redacted>");
  CHECK(redact_line("crypto isakmp key 6 ABCDEF address 1.1.1.1") == "crypto isakmp key 6 <redacted> address 1.1.1.1");
  CHECK(redact_line("username bob secret 9 $9$abc") == "username bob secret 9 <redacted>");
  CHECK(redact_line("crypto map CM 10 ipsec-isakmp") == "crypto map CM 10 ipsec-isakmp");
}

TEST_CASE("config: keyrings, isakmp profiles and tunnel interfaces (Batfish r1 style)") {
  auto d = parse_config(section(R"(hostname r1
crypto keyring KEYRING
  pre-shared-key address 2.3.4.8 key psk2
  local-address 2.3.4.6
crypto isakmp profile ISAKMP-PROFIE
   keyring KEYRING
   match identity address 2.3.4.8 255.255.255.255
   keepalive 10 retry 3
crypto ipsec profile ipsec-profile
 set transform-set ts1
 set pfs group2
interface Tunnel21
 ip address 11.12.13.17 255.255.255.0
 shutdown
 tunnel source 2.3.4.6
 tunnel mode ipsec ipv4
 tunnel destination 2.3.4.8
 tunnel protection ipsec profile ipsec-profile
)"));
  REQUIRE(d.keys.size() == 1);
  CHECK(d.keys[0].keyring == "KEYRING");
  auto* p = d.isakmp_profile("ISAKMP-PROFIE");
  REQUIRE(p);
  CHECK(p->keyrings == std::vector<std::string>{"KEYRING"});
  CHECK(d.profile_for_identity(0x02030408u) == p);
  CHECK(d.key_for(0x02030408u, 0x02030406u, p) == &d.keys[0]);
  CHECK(d.key_for(0x02030408u, 0x02030499u) == nullptr);  // keyring bound to another local address
  auto* t = d.interface("Tunnel21");
  REQUIRE(t);
  CHECK(t->is_tunnel());
  CHECK(t->tunnel_destination.value() == 0x02030408u);
  CHECK(t->tunnel_protection == "ipsec-profile");
  CHECK(d.ipsec_profiles.at("ipsec-profile").pfs_group == 2);
}

TEST_CASE("config: object groups expand into ACE regions") {
  auto d = parse_config(section(R"(hostname x
object-group network LAN
 192.168.1.0 255.255.255.0
 host 10.0.0.5
 range 10.0.0.8 10.0.0.11
object-group service WEB
 tcp eq www
 tcp eq 443
ip access-list extended A
 permit object-group WEB object-group LAN any
 permit ip object-group LAN host 1.1.1.1
)"));
  auto* a = d.acl("A");
  REQUIRE(a);
  REQUIRE(a->aces.size() == 2);
  CHECK(a->aces[0].regions.size() == 6);  // 2 services x 3 blocks (range 8-11 is one /30)
  CHECK(a->aces[1].regions.size() == 3);
  Packet p{0x0A00000Au, 0x01010101u, 6, 1234, 443};
  CHECK(a->first_match(p) == &a->aces[0]);
  p.dport = 22;
  CHECK(a->first_match(p) == &a->aces[1]);
  p.src = 0x0A00000Cu;  // 10.0.0.12: outside the range
  CHECK(a->first_match(p) == nullptr);
}
