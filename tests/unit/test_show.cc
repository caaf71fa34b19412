// show: command detection, tolerant parsing, the seed examples and the rule cases.
#include <doctest/doctest.h>

#include <set>

#include "show/show.h"
#include "test_show_util.h"

using namespace ipsecdoc;
using namespace ipsecdoc::show;
using nlohmann::json;

namespace {

std::vector<Finding> run(const std::string& rel, Command expect_cmd, Parsed* keep = nullptr) {
  auto sec = show_test::load(rel);
  Command c = command_from_cli(sec.command);
  CHECK(c == expect_cmd);
  Parsed p = parse(c, sec);
  CHECK(p.unrecognized.empty());
  auto f = read(p, sec);
  if (keep) *keep = p;
  return f;
}
std::set<std::string> serious(const std::vector<Finding>& fs) {
  std::set<std::string> s;
  for (auto& f : fs) if (f.severity != Severity::Info) s.insert(f.rule);
  return s;
}
const Finding* find(const std::vector<Finding>& fs, const std::string& rule) {
  for (auto& f : fs) if (f.rule == rule) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("show command_from_cli: full words and IOS abbreviations") {
  CHECK(command_from_cli("show crypto ipsec sa") == Command::IpsecSa);
  CHECK(command_from_cli("sh cry ips sa") == Command::IpsecSa);
  CHECK(command_from_cli("show crypto ipsec sa peer 1.2.3.4") == Command::IpsecSa);
  CHECK(command_from_cli("sh crypto ipsec sa det") == Command::IpsecSa);
  CHECK(command_from_cli("show crypto ipsec sa count") == Command::IpsecSaCount);
  CHECK(command_from_cli("sh crypto isa sa det") == Command::IsakmpSaDetail);
  CHECK(command_from_cli("sh cry isa sa") == Command::IsakmpSa);
  CHECK(command_from_cli("show crypto isakmp sa count") == Command::IsakmpSaCount);
  CHECK(command_from_cli("show crypto engine connection active") == Command::EngineConnections);
  CHECK(command_from_cli("sh cry eng conn act") == Command::EngineConnections);
  CHECK(command_from_cli("show crypto map") == Command::CryptoMap);
  CHECK(command_from_cli("sh cry ipsec transform-set") == Command::TransformSet);
  CHECK(command_from_cli("sh cry ips tr") == Command::TransformSet);
  CHECK(command_from_cli("show crypto session") == Command::Session);
  CHECK(command_from_cli("show crypto session remote 1.1.1.1 detail") == Command::SessionDetail);
  CHECK(command_from_cli("do sh cry sess det") == Command::SessionDetail);
  CHECK(command_from_cli("show ip route") == Command::Unknown);
  CHECK(command_from_cli("show crypto ikev1 sa detail") == Command::Unknown);  // ASA
  CHECK(command_from_cli("") == Command::Unknown);
  CHECK(command_from_cli("s crypto ipsec sa") == Command::Unknown);  // "s" is ambiguous on IOS
}

TEST_CASE("show command_from_content: first lines of each output") {
  CHECK(command_from_content("interface: Ethernet0/0") == Command::IpsecSa);
  CHECK(command_from_content("  Crypto map tag: mymap, local addr 192.1.1.40") == Command::IpsecSa);
  CHECK(command_from_content("IPv4 Crypto ISAKMP SA") == Command::IsakmpSa);
  CHECK(command_from_content("dst             src             state          conn-id slot") == Command::IsakmpSa);
  CHECK(command_from_content("C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.") ==
        Command::IsakmpSaDetail);
  CHECK(command_from_content("Crypto Map \"mymap\" 10 ipsec-isakmp") == Command::CryptoMap);
  CHECK(command_from_content("Crypto Map IPv4 \"VPN\" 1 ipsec-isakmp") == Command::CryptoMap);
  CHECK(command_from_content("Crypto session current status") == Command::Session);
  CHECK(command_from_content("ID Interface      IP-Address      State Algorithm      Encrypt  Decrypt") ==
        Command::EngineConnections);
  CHECK(command_from_content("Transform set myset: { esp-aes esp-sha-hmac  }") == Command::TransformSet);
  CHECK(command_from_content("IPsec SA total: 8, active: 8, rekeying: 0, unused: 0, invalid: 0") == Command::IpsecSaCount);
  CHECK(command_from_content("Active ISAKMP SA's: 0") == Command::IsakmpSaCount);
  CHECK(command_from_content("Building configuration...") == Command::Unknown);
  CHECK(command_from_content("") == Command::Unknown);
}

TEST_CASE("show seed Example 19-8: engine connections, IKE vs IPsec, no finding") {
  Parsed p;
  auto f = run("show/seed/example-19-8.txt", Command::EngineConnections, &p);
  const auto& c = p.data["connections"];
  REQUIRE(c.size() == 3);
  CHECK(c[0]["id"] == 1);
  CHECK(c[0]["role"] == "ike");
  CHECK(c[0]["algorithm"] == "HMAC_SHA+AES_CBC");
  CHECK(c[1]["id"] == 2001);
  CHECK(c[1]["role"] == "ipsec");
  CHECK(c[1]["decrypt"] == 5);
  CHECK(c[2]["id"] == 2002);
  CHECK(c[2]["encrypt"] == 5);
  for (auto& r : c) CHECK(r["state"] == "set");
  CHECK(c[1]["interface"] == "Ethernet0/0");
  CHECK(c[1]["ip"] == "192.1.1.40");
  CHECK(f.empty());
}

TEST_CASE("show seed Example 19-9: split by a code fence, parsed whole, no finding") {
  Parsed p;
  auto f = run("show/seed/example-19-9.txt", Command::IpsecSa, &p);
  REQUIRE(p.data["interfaces"].size() == 1);
  const auto& i = p.data["interfaces"][0];
  CHECK(i["name"] == "Ethernet0/0");
  CHECK(i["crypto_map_tag"] == "mymap");
  CHECK(i["local_addr"] == "192.1.1.40");
  REQUIRE(i["idents"].size() == 1);
  const auto& id = i["idents"][0];
  CHECK(id["protected_vrf"] == "(none)");
  CHECK(id["local_ident"]["prefix"] == "192.168.2.0/24");
  CHECK(id["remote_ident"]["prefix"] == "192.168.3.0/24");
  CHECK(id["current_peer"] == "192.1.1.42");
  CHECK(id["peer_port"] == 500);
  CHECK(id["counters"]["encaps"] == 5);
  CHECK(id["counters"]["decaps"] == 5);
  CHECK(id["counters"]["verify"] == 5);
  CHECK(id["counters"]["send_errors"] == 0);
  CHECK(id["current_outbound_spi"]["hex"] == "0x79B5B3BD");
  CHECK(id["current_outbound_spi"]["value"] == 2041951165LL);
  CHECK(id["path_mtu"] == 1500);
  REQUIRE(id["sas"].size() == 2);
  CHECK(id["sas"][0]["direction"] == "inbound");
  CHECK(id["sas"][0]["spi"]["hex"] == "0x4D1107A7");
  CHECK(id["sas"][0]["spi"]["value"] == 1292961703LL);
  CHECK(id["sas"][0]["transform"] == "esp-aes esp-sha-hmac");
  CHECK(id["sas"][0]["transform_parsed"]["canonical"] == "esp-aes esp-sha-hmac");
  CHECK(id["sas"][0]["conn_id"] == 2001);
  CHECK(id["sas"][0]["flow_id"] == "SW:1");
  CHECK(id["sas"][0]["crypto_map"] == "mymap");
  CHECK(id["sas"][0]["lifetime"]["kb"] == 4456557);
  CHECK(id["sas"][0]["lifetime"]["sec"] == 2479);
  CHECK(id["sas"][0]["iv_size"] == 16);
  CHECK(id["sas"][0]["replay_detection"] == true);
  CHECK(id["sas"][0]["status"] == "ACTIVE");
  CHECK(id["sas"][1]["direction"] == "outbound");
  CHECK(id["sas"][1]["spi"]["hex"] == "0x79B5B3BD");
  CHECK(id["sas"][1]["conn_id"] == 2002);
  CHECK(serious(f).empty());
  CHECK(f.empty());
}

TEST_CASE("show parsing does not depend on indentation, tabs, blank lines or a final newline") {
  auto base = show_test::read_file(std::string(CORPUS_DIR) + "/show/seed/example-19-9.txt");
  auto ref = parse(Command::IpsecSa, show_test::section_from_text(base));
  std::string flat, tabbed, spaced;
  size_t st = 0;
  while (st < base.size()) {
    size_t i = base.find('\n', st);
    std::string l = base.substr(st, i - st);
    size_t a = l.find_first_not_of(' ');
    std::string core = a == std::string::npos ? "" : l.substr(a);
    flat += core + "\n";
    tabbed += "\t" + core + "   \n";
    spaced += l + "\n\n";
    st = i + 1;
  }
  flat.pop_back();  // no final newline
  for (const std::string& t : {flat, tabbed, spaced}) {
    auto p = parse(Command::IpsecSa, show_test::section_from_text(t));
    CHECK(p.unrecognized.empty());
    // Line numbers differ; compare the values that matter.
    const auto& a = p.data["interfaces"][0]["idents"][0];
    const auto& b = ref.data["interfaces"][0]["idents"][0];
    CHECK(a["counters"] == b["counters"]);
    CHECK(a["sas"].size() == b["sas"].size());
    CHECK(a["sas"][1]["spi"] == b["sas"][1]["spi"]);
    CHECK(a["current_peer"] == b["current_peer"]);
  }
  // Garbage is counted, not absorbed, and never crashes.
  auto g = parse(Command::IpsecSa, show_test::section_from_text("interface: Gi1\nthis is not IOS\n#pkts encaps: x\n"));
  CHECK(g.unrecognized.size() == 2);
  auto u = parse(Command::Unknown, show_test::section_from_text("a\n\nb\n"));
  CHECK(u.unrecognized.size() == 2);
  for (Command c : {Command::IpsecSa, Command::IsakmpSa, Command::Session, Command::CryptoMap, Command::EngineConnections})
    CHECK(parse(c, show_test::section_from_text("")).unrecognized.empty());
}

TEST_CASE("show rule no-data-sa") {
  auto f = run("show/cases/no-data-sa-1.txt", Command::IpsecSa);
  auto* x = find(f, "no-data-sa");
  REQUIRE(x);
  CHECK(x->severity == Severity::Warning);
  CHECK(x->peer == "198.51.100.2");
  CHECK(x->device == "R1");
  CHECK(x->message.find("37 packets") != std::string::npos);
  CHECK(x->fix.empty());  // a mismatch is not fixed by clearing SAs; the next steps say what to collect
  CHECK(x->next.size() >= 4);
  CHECK(x->evidence.size() >= 4);
  CHECK(serious(f) == std::set<std::string>{"no-data-sa"});
  // An idle crypto-map entry: reported as info only.
  auto idle = run("show/cases/no-data-sa-idle-1.txt", Command::IpsecSa);
  REQUIRE(find(idle, "no-data-sa"));
  CHECK(find(idle, "no-data-sa")->severity == Severity::Info);
  CHECK(serious(idle).empty());
}

TEST_CASE("show rule one-way-traffic: ipsec sa both directions and engine connections") {
  auto f = run("show/cases/one-way-1.txt", Command::IpsecSa);
  auto* x = find(f, "one-way-traffic");
  REQUIRE(x);
  CHECK(x->severity == Severity::Warning);
  CHECK(x->extra["direction"] == "outbound-only");
  CHECK(x->explanation.find("return") != std::string::npos);
  CHECK(x->evidence.size() >= 2);
  CHECK(serious(f) == std::set<std::string>{"one-way-traffic"});
  auto in = run("show/cases/one-way-inbound-1.txt", Command::IpsecSa);
  REQUIRE(find(in, "one-way-traffic"));
  CHECK(find(in, "one-way-traffic")->extra["direction"] == "inbound-only");
  CHECK(find(in, "one-way-traffic")->explanation.find("NAT") != std::string::npos);
  auto e = run("show/cases/one-way-engine-1.txt", Command::EngineConnections);
  REQUIRE(find(e, "one-way-traffic"));
  CHECK(find(e, "one-way-traffic")->extra["encrypt"] == 23);
  auto typed = run("show/cases/engine-typed-1.txt", Command::EngineConnections);
  CHECK(typed.empty());  // 57 decrypted, 57 encrypted
  // The same with connection 1 decrypting nothing: named by the local address (no Interface column).
  auto text = show_test::read_file(std::string(CORPUS_DIR) + "/show/cases/engine-typed-1.txt");
  const std::string row1 = "    1  IPsec   AES+SHA                   0       57       57 203.0.113.1";
  REQUIRE(text.find(row1) != std::string::npos);
  text.replace(text.find(row1), row1.size(), "    1  IPsec   AES+SHA                   0        0        0 203.0.113.1");
  auto sec = show_test::section_from_text(text);
  auto one = read(parse(Command::EngineConnections, sec), sec);
  REQUIRE(find(one, "one-way-traffic"));
  CHECK(find(one, "one-way-traffic")->message.find("on 203.0.113.1: IPsec connections encrypted 57 and decrypted 0") !=
        std::string::npos);
}

TEST_CASE("show 12.2 layouts: outbound spi without 0x, IPsec engine rows that print HMAC_ first") {
  Parsed p;
  auto f = run("show/cases/ipsec-sa-122-1.txt", Command::IpsecSa, &p);  // run() checks: no line unrecognized
  const auto& ids = p.data["interfaces"][0]["idents"];
  REQUIRE(ids.size() == 2);
  CHECK(ids[0]["current_outbound_spi"]["hex"] == "0x20890A6F");
  CHECK(ids[0]["current_outbound_spi"]["value"] == 545852015);  // the outbound SA's spi, printed in decimal there
  CHECK(ids[1]["current_outbound_spi"]["value"] == 0);
  REQUIRE(find(f, "no-data-sa"));
  CHECK(find(f, "no-data-sa")->message.find("10.1.1.0/24 <-> 10.2.2.0/24") != std::string::npos);
  CHECK(serious(f).empty());  // the second ident is idle (no '#pkts no sa'): info only

  // Rows 2000+ are the IPsec connections whatever their algorithm text; Tunnel0's pair decrypts only.
  Parsed e;
  auto g = run("show/cases/engine-122-hmac-1.txt", Command::EngineConnections, &e);
  const auto& c = e.data["connections"];
  REQUIRE(c.size() == 5);
  CHECK(c[0]["role"] == "ike");
  for (size_t i = 1; i < 5; ++i) CHECK(c[i]["role"] == "ipsec");
  CHECK(!find(g, "no-data-sa"));  // was: "IKE connections exist but no IPsec data connection"
  auto* w = find(g, "one-way-traffic");
  REQUIRE(w);
  CHECK(w->message.find("Tunnel0") != std::string::npos);
  CHECK(w->extra["decrypt"] == 6);
  CHECK(w->extra["encrypt"] == 0);
  CHECK(g.size() == 1);  // Ethernet0 carries both directions
}

TEST_CASE("show rule no-data-sa: not on a capture cut before the outbound spi and the SA lists") {
  // Example 19-9 cut after its counters: nothing says the SA lists are empty.
  auto full = show_test::read_file(std::string(CORPUS_DIR) + "/show/seed/example-19-9.txt");
  std::string cut = full.substr(0, full.find("  local crypto endpt."));
  auto sec = show_test::section_from_text(cut);
  auto p = parse(Command::IpsecSa, sec);
  CHECK(p.unrecognized.empty());
  CHECK(p.data["interfaces"][0]["idents"][0]["counters"]["encaps"] == 5);
  CHECK(!find(read(p, sec), "no-data-sa"));
}

TEST_CASE("show ipsec sa filtered with '| include peer|pkts': one block per peer, read like the full output") {
  auto sec = show_test::section_from_text(
      "R2#show crypto ipsec sa | i pkts|peer\n"
      "current_peer 192.1.1.42 port 500\n"
      "#pkts encaps: 48, #pkts encrypt: 48, #pkts digest: 48\n"
      "#pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0\n"
      "current_peer 10.9.9.9 port 500\n"
      "#pkts encaps: 7, #pkts encrypt: 7, #pkts digest: 7\n"
      "#pkts decaps: 7, #pkts decrypt: 7, #pkts verify: 7\n");
  REQUIRE(command_from_cli(sec.command) == Command::IpsecSa);
  auto p = parse(Command::IpsecSa, sec);
  CHECK(p.unrecognized.empty());
  const auto& ids = p.data["interfaces"][0]["idents"];
  REQUIRE(ids.size() == 2);
  CHECK(ids[0]["current_peer"] == "192.1.1.42");
  CHECK(ids[0]["counters"]["decaps"] == 0);
  CHECK(ids[1]["current_peer"] == "10.9.9.9");
  CHECK(ids[1]["counters"]["decaps"] == 7);
  auto f = read(p, sec);
  REQUIRE(f.size() == 1);  // one-way to 192.1.1.42 only; no no-data-sa (no spi line was printed)
  CHECK(f[0].rule == "one-way-traffic");
  CHECK(f[0].peer == "192.1.1.42");
  // "| include pkts": a counter printed again starts the next block.
  auto only = parse(Command::IpsecSa, show_test::section_from_text(
      "#pkts encaps: 5, #pkts encrypt: 5, #pkts digest: 5\n#pkts decaps: 5, #pkts decrypt: 5, #pkts verify: 5\n"
      "#pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n#pkts decaps: 9, #pkts decrypt: 9, #pkts verify: 9\n"));
  CHECK(only.unrecognized.empty());
  REQUIRE(only.data["interfaces"][0]["idents"].size() == 2);
  CHECK(only.data["interfaces"][0]["idents"][1]["counters"]["decaps"] == 9);
}

TEST_CASE("show rule packet-errors and sa-lifetime-low") {
  auto f = run("show/cases/packet-errors-1.txt", Command::IpsecSa);
  auto* x = find(f, "packet-errors");
  REQUIRE(x);
  CHECK(x->message.find("recv_errors 17") != std::string::npos);
  CHECK(serious(f) == std::set<std::string>{"packet-errors"});
  auto l = run("show/cases/sa-lifetime-low-1.txt", Command::IpsecSa);
  auto* y = find(l, "sa-lifetime-low");
  REQUIRE(y);
  CHECK(y->severity == Severity::Info);
  CHECK(y->message.find("41 s") != std::string::npos);
  CHECK(serious(l).empty());
}

TEST_CASE("show rule packet-errors: invalid SPI and replay drops come with the command that answers them") {
  auto base = show_test::read_file(std::string(CORPUS_DIR) + "/show/seed/example-19-9.txt");
  const std::string at = "#send errors 0, #recv errors 0\n";
  REQUIRE(base.find(at) != std::string::npos);
  auto with = [&](const std::string& lines) {
    std::string t = base;
    t.insert(t.find(at) + at.size(), lines);
    auto sec = show_test::section_from_text(t);
    auto p = parse(Command::IpsecSa, sec);
    CHECK(p.unrecognized.empty());
    return read(p, sec);
  };
  auto f = with("#pkts no sa (send) 0, #pkts invalid sa (rcv) 12\n##pkts replay failed (rcv): 3\n");
  auto* x = find(f, "packet-errors");
  REQUIRE(x);
  CHECK(x->severity == Severity::Warning);  // 15 of 5 packets
  REQUIRE(x->fix.size() == 2);
  CHECK(x->fix[0].device == "r3640a");
  CHECK(x->fix[0].commands == std::vector<std::string>{"crypto isakmp invalid-spi-recovery"});
  CHECK(x->fix[1].commands == std::vector<std::string>{"crypto ipsec security-association replay window-size 1024"});
  CHECK(x->evidence.size() == 2);
  // Other counters have no configuration answer on this router: no fix, the next steps say what to check.
  auto g = with("#pkts invalid identity (recv) 4, #pkts invalid len (rcv) 0\n");
  REQUIRE(find(g, "packet-errors"));
  CHECK(find(g, "packet-errors")->fix.empty());
}

TEST_CASE("show rule no-ike-sa: Main Mode states point at the phase-1 diagnosis") {
  auto a = run("show/cases/no-ike-sa-mm-no-state-1.txt", Command::IsakmpSa);
  REQUIRE(find(a, "no-ike-sa"));
  CHECK(find(a, "no-ike-sa")->candidates == std::vector<std::string>{"phase1-policy-mismatch", "phase1-no-response"});
  CHECK(find(a, "no-ike-sa")->peer == "192.1.1.42");
  CHECK(find(a, "no-ike-sa")->device == "r3640a");
  auto b = run("show/cases/no-ike-sa-mm-key-exch-1.txt", Command::IsakmpSa);
  REQUIRE(find(b, "no-ike-sa"));
  CHECK(find(b, "no-ike-sa")->candidates == std::vector<std::string>{"phase1-psk-mismatch"});
  Parsed p6;
  auto c = run("show/cases/no-ike-sa-ipv6-1.txt", Command::IsakmpSa, &p6);
  REQUIRE(p6.data["sas"].size() == 2);
  CHECK(p6.data["sas"][1]["family"] == "IPv6");
  CHECK(p6.data["sas"][1]["dst"] == "2001:DB8:0:2::2");
  CHECK(p6.data["sas"][1]["conn_id"] == 1002);
  CHECK(serious(c) == std::set<std::string>{"no-ike-sa"});
  CHECK(find(c, "no-ike-sa")->peer == "2001:DB8:0:2::2");
  auto h = run("show/cases/isakmp-healthy-1.txt", Command::IsakmpSa);
  CHECK(h.empty());
  auto s = run("show/cases/no-ike-sa-session-1.txt", Command::Session);
  REQUIRE(find(s, "no-ike-sa"));
  CHECK(find(s, "no-ike-sa")->severity == Severity::Warning);
}

TEST_CASE("show transform-set and 12.x crypto map") {
  Parsed p;
  run("show/cases/transform-set-1.txt", Command::TransformSet, &p);
  const auto& ts = p.data["transform_sets"];
  REQUIRE(ts.size() == 3);
  CHECK(ts[0]["name"] == "myset");
  CHECK(ts[0]["transform_parsed"]["canonical"] == "esp-aes 256 esp-sha-hmac");
  CHECK(ts[0]["mode"] == "Tunnel");
  CHECK(ts[1]["transforms"] == "ah-sha-hmac esp-des");
  CHECK(ts[2]["name"] == "#$!default_transform_set_1");
  CHECK(ts[2]["mode"] == "Transport");
  Parsed m;
  run("show/cases/crypto-map-12x-1.txt", Command::CryptoMap, &m);
  const auto& mp = m.data["maps"][0];
  CHECK(mp["tag"] == "mymap");
  CHECK(mp["seq"] == 10);
  CHECK(mp["peers"] == json::array({"192.1.1.42"}));
  CHECK(mp["acl"] == "101");
  CHECK(mp["acl_entries"].size() == 1);
  CHECK(mp["transform_sets"][0]["name"] == "myset");
  CHECK(mp["interfaces"] == json::array({"Ethernet0/0"}));
  CHECK(mp["pfs"] == false);
  // PFS group on its own line, a map of three entries on one interface, a dynamic-map entry.
  Parsed q;
  run("show/cases/crypto-map-pfs-1.txt", Command::CryptoMap, &q);  // run() checks: no line unrecognized
  const auto& ms = q.data["maps"];
  REQUIRE(ms.size() == 3);
  CHECK(ms[0]["pfs"] == true);
  CHECK(ms[0]["pfs_group"] == "group14");
  CHECK(ms[1]["pfs"] == false);
  CHECK(!ms[1].contains("pfs_group"));
  CHECK(ms[2]["seq"] == 65535);
  CHECK(ms[2]["dynamic_map"] == "DYN");
  for (const auto& e : ms) CHECK(e["interfaces"] == json::array({"GigabitEthernet0/1"}));
}

TEST_CASE("show conformance findings: healthy captures give no warning, the broken ones the right rule") {
  // Per case: the warning/error rules the capture really shows (empty = healthy).
  const std::vector<std::pair<std::string, std::set<std::string>>> expect = {
      {"genie-show-crypto-ipsec-sa-detail-4", {}},
      {"genie-show-crypto-ipsec-sa-peer-1", {}},  // no "#pkts encaps" line: never read as 0
      {"genie-show-crypto-ipsec-sa-interface-1", {}},  // manual SA, lifetime 0 is not "expiring"
      {"genie-show-crypto-ipsec-sa-interface-4", {}},
      {"genie-show-crypto-ipsec-sa-interface-5", {}},
      {"ntc-show-crypto-ipsec-sa-detail-1", {}},
      {"genie-show-crypto-ipsec-sa-ipv6-detailed-1", {"one-way-traffic"}},  // encaps 3425, decaps 0
      {"genie-show-crypto-isakmp-sa-3", {"no-ike-sa"}},                     // MM_NO_STATE (deleted)
      {"genie-show-crypto-isakmp-sa-status-1", {}},
      {"muninn-show-crypto-isakmp-sa-1", {}},
      {"genie-show-crypto-session-1", {}},
      {"genie-show-crypto-session-detail-2", {"packet-errors"}},  // Outbound drop 1
      {"ntc-show-crypto-session-detail-1", {"no-ike-sa"}},        // two DOWN-NEGOTIATING tunnels
      {"ntc-show-crypto-session-detail-2", {}},  // 33920 inbound drops of 4033155813 packets: under 0.01%, info
      {"genie-show-crypto-session-remote-detail-4", {}},
  };
  auto idx = json::parse(show_test::read_file(std::string(CORPUS_DIR) + "/show/conformance/index.json"));
  for (auto& [name, rules] : expect) {
    CAPTURE(name);
    std::string cmd;
    for (auto& c : idx) if (c["case"] == name) cmd = c["command"];
    auto sec = show_test::load("show/conformance/" + name + ".txt");
    auto f = read(parse(command_from_cli(cmd), sec), sec);
    CHECK(serious(f) == rules);
  }
}
