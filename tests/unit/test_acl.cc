#include <doctest/doctest.h>

#include <random>
#include <sstream>

#include "config/config.h"

using namespace ipsecdoc;

namespace {
Acl acl_of(const std::string& body) {
  auto d = parse_config(text_section("ip access-list extended T\n" + body, "t"));
  REQUIRE(d.stats.unrecognized.empty());
  return d.acls.at("T");
}
uint32_t ip(const char* s) { return parse_ipv4(s).value(); }
}  // namespace

TEST_CASE("acl: value/care blocks, including non-contiguous wildcards") {
  auto a = AddrMatch::wildcard(ip("10.0.0.1"), ip("0.0.255.0"));  // 10.0.X.1
  CHECK(a.matches(ip("10.0.7.1")));
  CHECK_FALSE(a.matches(ip("10.0.7.2")));
  CHECK(a.prefix_len() == -1);
  CHECK(a.leading_len() == 16);
  auto net = AddrMatch::prefix(ip("10.0.0.0"), 16);
  CHECK(net.contains(a));
  CHECK_FALSE(a.contains(net));
  auto odd = AddrMatch::wildcard(ip("10.0.0.0"), ip("0.0.0.254"));  // even addresses of 10.0.0.0/24
  auto host1 = AddrMatch::host(ip("10.0.0.1"));
  CHECK_FALSE(odd.intersects(host1));
  CHECK(odd.intersects(AddrMatch::host(ip("10.0.0.2"))));
  auto x = a.intersect(AddrMatch::prefix(ip("10.0.5.0"), 24));
  CHECK(x == AddrMatch::host(ip("10.0.5.1")));
  CHECK(a.ios() == "10.0.0.1 0.0.255.0");
}

TEST_CASE("acl: interval sets") {
  auto all = IntervalSet::all(kMaxPort);
  auto s = all.minus(IntervalSet::one(80));
  CHECK(s.iv.size() == 2);
  CHECK_FALSE(s.contains(80));
  CHECK(s.contains(81));
  CHECK(s.unite(IntervalSet::one(80)).is_all(kMaxPort));
  CHECK(IntervalSet::range(10, 20).contains(IntervalSet::range(12, 15)));
  CHECK_FALSE(IntervalSet::range(10, 20).intersects(IntervalSet::range(21, 30)));
}

TEST_CASE("acl: first match, implicit deny, ports and ICMP types") {
  auto a = acl_of(
      " deny tcp any host 10.1.1.1 eq telnet\n"
      " permit tcp any host 10.1.1.1 range 20 25\n"
      " permit udp any eq isakmp any\n"
      " permit icmp any any echo\n"
      " permit ip 10.0.0.0 0.0.255.0 any\n");
  Packet p{ip("1.1.1.1"), ip("10.1.1.1"), 6, 1000, 23};
  CHECK(a.first_match(p) == &a.aces[0]);
  p.dport = 22;
  CHECK(a.first_match(p) == &a.aces[1]);
  p.dport = 26;
  CHECK(a.first_match(p) == nullptr);
  Packet u{ip("1.1.1.1"), ip("2.2.2.2"), 17, 500, 500};
  CHECK(a.first_match(u) == &a.aces[2]);
  Packet echo{ip("1.1.1.1"), ip("2.2.2.2"), 1, 0, 8 << 8};
  CHECK(a.first_match(echo) == &a.aces[3]);
  Packet reply{ip("1.1.1.1"), ip("2.2.2.2"), 1, 0, 0};
  CHECK(a.first_match(reply) == nullptr);
  Packet odd{ip("10.0.0.0"), ip("2.2.2.2"), 47, 0, 0};
  CHECK(a.first_match(odd) == &a.aces[4]);
  odd.src = ip("10.0.0.1");
  CHECK(a.first_match(odd) == nullptr);
  CHECK(a.aces[1].ios() == "permit tcp any host 10.1.1.1 range ftp-data smtp");
}

TEST_CASE("acl: dead lines need the union of earlier lines, not one shadowing line") {
  auto a = acl_of(
      " permit ip 10.0.0.0 0.0.0.127 any\n"
      " deny ip 10.0.0.128 0.0.0.127 any\n"
      " permit ip 10.0.0.0 0.0.0.255 any\n"       // covered by 1+2 together
      " permit tcp host 10.0.1.1 any eq 80\n"
      " permit ip host 10.0.1.1 any\n"            // not covered (only tcp/80 earlier)
      " permit tcp 10.0.1.0 0.0.0.255 any\n"
      " permit tcp host 10.0.1.1 any gt 1000\n");  // covered by line 5 (and 6)
  auto dead = dead_lines(a);
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].index == 2);
  CHECK(dead[0].covered_by == std::vector<size_t>{0, 1});
  CHECK(dead[1].index == 6);
  CHECK(dead[1].covered_by == std::vector<size_t>{4});  // line 5 (ip host 10.0.1.1) takes it first
  CHECK(a.aces[0].contains(a.aces[0]));
  CHECK_FALSE(a.aces[0].contains(a.aces[2]));
  CHECK(a.aces[2].contains(a.aces[0]));
}

TEST_CASE("acl: proxies come from the ACE, not the packet") {
  auto a = acl_of(" permit ip 192.168.1.0 0.0.0.255 host 192.168.2.1\n permit tcp host 1.1.1.1 eq 80 any\n");
  auto pr = a.aces[0].proxies().value();
  CHECK(pr.first.ios() == "192.168.1.0/255.255.255.0/0/0");
  CHECK(pr.first.id_type == 4);
  CHECK(pr.second.ios() == "192.168.2.1/255.255.255.255/0/0");
  CHECK(pr.second.id_type == 1);
  auto t = a.aces[1].proxies().value();
  CHECK(t.first.ios() == "1.1.1.1/255.255.255.255/6/80");
  CHECK(t.second.ios() == "0.0.0.0/0.0.0.0/6/0");
}

TEST_CASE("acl: mirror relations between crypto ACLs") {
  auto a = acl_of(" permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255\n");
  auto b = acl_of(" permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255\n");
  auto h = acl_of(" permit ip host 192.168.2.1 host 192.168.1.1\n");
  auto wrong = acl_of(" permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255\n");
  auto part = acl_of(" permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.1.255\n");
  auto ports = acl_of(" permit tcp 192.168.1.0 0.0.0.255 eq 80 192.168.2.0 0.0.0.255 gt 1023\n");
  auto portsm = acl_of(" permit tcp 192.168.2.0 0.0.0.255 gt 1023 192.168.1.0 0.0.0.255 eq www\n");
  CHECK(compare_mirror(a, b) == SetRelation::Equal);
  CHECK(compare_mirror(h, a) == SetRelation::Subset);   // mirror of a contains h
  CHECK(compare_mirror(a, h) == SetRelation::Superset);
  CHECK(compare_mirror(a, wrong) == SetRelation::Disjoint);
  CHECK(compare_mirror(a, part) == SetRelation::Subset);
  CHECK(compare_mirror(ports, portsm) == SetRelation::Equal);
  // deny lines matter: the permitted set, not the permit lines
  auto holes = acl_of(" deny ip host 192.168.2.5 any\n permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255\n");
  CHECK(compare_mirror(a, holes) == SetRelation::Superset);
}

TEST_CASE("acl: region difference is exact (randomised against packet sampling)") {
  std::mt19937 rng(7);
  auto rnd_block = [&]() {
    uint32_t care = rng() & 0xFF00FF0Fu;  // non-contiguous masks on purpose
    if (rng() % 3 == 0) care = prefix_mask(static_cast<int>(rng() % 33));
    return AddrMatch{static_cast<uint32_t>(rng()) & care, care};
  };
  for (int round = 0; round < 200; ++round) {
    Region a, b;
    a.src = rnd_block(); a.dst = rnd_block();
    b.src = rnd_block(); b.dst = rnd_block();
    if (rng() % 2) b.proto = IntervalSet::one(6);
    if (rng() % 2) b.dport = IntervalSet::range(rng() % 100, 100 + rng() % 100);
    auto pieces = a.minus(b).value();
    for (int k = 0; k < 300; ++k) {
      // sample packets inside a
      uint32_t s = (static_cast<uint32_t>(rng()) & ~a.src.care) | a.src.value;
      uint32_t d = (static_cast<uint32_t>(rng()) & ~a.dst.care) | a.dst.value;
      if (rng() % 2) s = (s & ~b.src.care) | b.src.value;  // bias towards b
      if (!a.src.matches(s)) continue;
      uint8_t proto = rng() % 2 ? 6 : 17;
      uint16_t dp = static_cast<uint16_t>(rng() % 250);
      Ace inb; inb.regions = {b};
      Packet p{s, d, proto, 1, dp};
      bool in_b = inb.matches(p);
      int hits = 0;
      for (auto& x : pieces) { Ace t; t.regions = {x}; hits += t.matches(p); }
      CHECK(hits == (in_b ? 0 : 1));  // pieces are disjoint and cover exactly a \ b
    }
  }
}

TEST_CASE("acl_entry: the crypto ACL entry of a proxy pair, protocol and ports included") {
  auto p = [](const char* s) { return *parse_proxy(s); };
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/0/0"), p("10.2.2.5/255.255.255.255/0/0")) ==
        "ip 10.1.1.0 0.0.0.255 host 10.2.2.5");
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/6/23"), p("0.0.0.0/0.0.0.0/6/0")) == "tcp 10.1.1.0 0.0.0.255 eq 23 any");
  CHECK(acl_entry(p("10.1.1.1/255.255.255.255/17/0"), p("10.2.2.0/255.255.255.0/17/500")) ==
        "udp host 10.1.1.1 10.2.2.0 0.0.0.255 eq 500");
  // a port means nothing to ICMP or GRE; other protocols by the ACL grammar's names
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/1/8"), p("10.2.2.0/255.255.255.0/1/0")) ==
        "icmp 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255");
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/47/0"), p("10.2.2.0/255.255.255.0/47/0")) ==
        "gre 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255");
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/200/0"), p("10.2.2.0/255.255.255.0/200/0")) ==
        "200 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255");
  // IOS-XE prints 256 for "any protocol": that is `ip`
  CHECK(acl_entry(p("10.1.1.0/255.255.255.0/256/0"), p("10.2.2.0/255.255.255.0/256/0")) ==
        "ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255");
}
