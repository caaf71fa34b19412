#include <doctest/doctest.h>

#include "core/event.h"
#include "core/ip.h"
#include "core/source_line.h"
#include "core/transform.h"

using namespace ipsecdoc;

TEST_CASE("ipv4 parse and format round-trip") {
  CHECK(parse_ipv4("192.1.1.40").value() == 0xC0010128u);
  CHECK(format_ipv4(0xC0010128u) == "192.1.1.40");
  CHECK_FALSE(parse_ipv4("192.1.1").has_value());
  CHECK_FALSE(parse_ipv4("192.1.1.256").has_value());
  CHECK_FALSE(parse_ipv4("192.1.1.4x").has_value());
  CHECK(mask_prefix_len(0xFFFFFF00u) == 24);
  CHECK(mask_prefix_len(0xFF00FF00u) == -1);
}

TEST_CASE("proxy parse: 12.x (type=N) and IOS-XE /256/0 forms") {
  auto p = parse_proxy("192.168.2.0/255.255.255.0/0/0 (type=4),").value();
  CHECK(p.addr == 0xC0A80200u);
  CHECK(p.mask == 0xFFFFFF00u);
  CHECK(p.id_type == 4);
  CHECK(p.str() == "192.168.2.0/24");
  auto x = parse_proxy("192.168.102.0/255.255.255.0/256/0,").value();
  CHECK(x.proto == 0);
  CHECK(x.proto_raw == 256);
  CHECK(x.id_type == -1);
  auto h = parse_proxy("192.168.1.1/255.255.255.255/0/0 (type=1)").value();
  CHECK(h.is_host());
  CHECK(p.contains(parse_proxy("192.168.2.7/255.255.255.255/0/0").value()));
  CHECK_FALSE(h.contains(p));
}

TEST_CASE("12.x numeric transform decode (seed Example 19-11)") {
  auto t = decode_transform_numbers(3, 2, 2).value();
  CHECK(t.str() == "esp-des esp-sha-hmac");
  CHECK(decode_transform_numbers(3, 12, 2)->str() == "esp-aes esp-sha-hmac");
  CHECK(decode_transform_numbers(3, 3, 1)->str() == "esp-3des esp-md5-hmac");
  CHECK_FALSE(decode_transform_numbers(3, 99, 2).has_value());
}

TEST_CASE("transform keywords parse, compare and weakness") {
  auto a = parse_transform("esp-aes esp-sha-hmac (Tunnel)").value();
  auto b = parse_transform("{esp-aes 128 esp-sha-hmac }").value();
  CHECK(a.same(b));
  auto c = parse_transform("esp-aes 256 esp-sha512-hmac").value();
  CHECK_FALSE(a.same(c));
  CHECK(c.str() == "esp-aes 256 esp-sha512-hmac");
  CHECK(parse_transform("esp-des esp-md5-hmac")->weak_parts().size() == 2);
  CHECK_FALSE(parse_transform("esp-bogus").has_value());
}

TEST_CASE("event kind table is consistent") {
  for (int i = 0; i < static_cast<int>(EventKind::Count_); ++i) {
    auto k = static_cast<EventKind>(i);
    auto back = event_kind_from_name(event_kind_name(k));
    REQUIRE(back.has_value());
    CHECK(*back == k);
  }
}

TEST_CASE("text_section: one numbered line per newline, a final newline adds none") {
  auto s = ipsecdoc::text_section("a\n\nb\n", "p", "R1");
  REQUIRE(s.lines.size() == 3);
  CHECK(s.lines[1].line == 2);
  CHECK(s.lines[1].text.empty());
  CHECK(s.lines[2].text == "b");
  CHECK(s.path == "p");
  CHECK(s.device == "R1");
  CHECK(ipsecdoc::text_section("x", "p").lines.size() == 1);
  CHECK(ipsecdoc::text_section("", "p").lines.empty());
}

TEST_CASE("IKE attribute names as debug prints them, both ways") {
  for (const char* k : {"des", "3des", "aes"}) {
    IkePolicy p;
    p.encryption = k;
    CHECK(ike_encryption_of_debug_name(ike_encryption_debug_name(p)) == k);
  }
  for (const char* k : {"sha", "md5", "sha256", "sha384", "sha512"}) CHECK(ike_hash_of_debug_name(ike_hash_debug_name(k)) == k);
  for (const char* k : {"pre-share", "rsa-sig", "rsa-encr"}) CHECK(ike_auth_of_debug_name(ike_auth_debug_name(k)) == k);
  CHECK(ike_encryption_of_debug_name("3DES-CBC") == "3des");
  CHECK(ike_hash_of_debug_name("sha256") == "sha256");  // case as some releases print it
  CHECK(ike_encryption_of_debug_name("CAST-CBC").empty());
  CHECK(ike_auth_of_debug_name("XAUTHInitPreShared").empty());
}
