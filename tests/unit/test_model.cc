// Reference model decisions, one behaviour per case (reference section in the name).
#include <doctest/doctest.h>

#include <sstream>

#include "config/config.h"
#include "model/model.h"

using namespace ipsecdoc;
using namespace ipsecdoc::model;

namespace {

DeviceConfig cfg(const std::string& text) {
  DeviceConfig d = parse_config(text_section(text, "t.cfg"));
  for (auto& u : d.stats.unrecognized) FAIL_CHECK("config line not understood: " << u.text);
  return d;
}

// Initiator A: outside 10.0.0.1/24, inside 192.168.1.0/24. Responder B: outside 10.0.1.1/24,
// inside 192.168.2.0/24. Tests append their crypto maps and ACLs.
const char* kA = R"(hostname A
crypto isakmp policy 10
 encr aes
 authentication pre-share
 group 14
crypto isakmp key s3cret address 0.0.0.0 0.0.0.0
crypto ipsec transform-set T1 esp-aes esp-sha-hmac
crypto ipsec transform-set T2 esp-3des esp-sha-hmac
interface GigabitEthernet0/0
 ip address 10.0.0.1 255.255.255.0
 crypto map M
interface GigabitEthernet0/1
 ip address 192.168.1.1 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.0.254
)";
const char* kB = R"(hostname B
crypto isakmp policy 10
 encr aes
 authentication pre-share
 group 14
crypto isakmp key s3cret address 0.0.0.0 0.0.0.0
crypto ipsec transform-set T1 esp-aes esp-sha-hmac
crypto ipsec transform-set T2 esp-3des esp-sha-hmac
interface GigabitEthernet0/0
 ip address 10.0.1.1 255.255.255.0
 crypto map M
interface GigabitEthernet0/1
 ip address 192.168.2.1 255.255.255.0
ip route 0.0.0.0 0.0.0.0 10.0.1.254
)";

const char* kMapA = R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.1.1
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
)";
const char* kMapB = R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.0.1
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
)";

Trigger ping(const char* s = "192.168.1.10", const char* d = "192.168.2.10") {
  Trigger t;
  t.src = *parse_ipv4(s);
  t.dst = *parse_ipv4(d);
  return t;
}

ReplayResult run(const std::string& a, const std::string& b, const ModelOptions& o = {}, Trigger t = ping()) {
  DeviceConfig da = cfg(a), db = cfg(b);
  return replay({&da, &db}, t, "", o);
}

size_t count(const ReplayResult& r, EventKind k, const std::string& dev = "") {
  size_t n = 0;
  for (auto& te : r.trace) n += te.event.kind == k && (dev.empty() || te.device == dev);
  return n;
}
const Event* first(const ReplayResult& r, EventKind k) {
  for (auto& te : r.trace) if (te.event.kind == k) return &te.event;
  return nullptr;
}

}  // namespace

TEST_CASE("model: mirrored pair establishes, proxies come from the ACE, not the packet (§1.2.1)") {
  auto r = run(std::string(kA) + kMapA, std::string(kB) + kMapB);
  CHECK(r.outcome == "established");
  CHECK(r.initiator == "A");
  CHECK(r.responder == "B");
  CHECK(r.local_proxy.str() == "192.168.1.0/24");
  CHECK(r.remote_proxy.str() == "192.168.2.0/24");
  CHECK(r.transform == "esp-aes esp-sha-hmac");
  CHECK(count(r, EventKind::CreateSa) == 4);
  CHECK(count(r, EventKind::QmComplete) == 2);
  const Event* sa = first(r, EventKind::SaRequest);
  REQUIRE(sa);
  CHECK(sa->get("local") == "10.0.0.1");
  CHECK(sa->get("remote") == "10.0.1.1");
  CHECK(sa->get("local_proxy") == "192.168.1.0/255.255.255.0/0/0");
}

TEST_CASE("model: deny falls through to the next entry (§1.1.5), no permit = sent in clear") {
  std::string a = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.9.9.9
 set transform-set T1
 match address 110
crypto map M 20 ipsec-isakmp
 set peer 10.0.1.1
 set transform-set T1
 match address 101
access-list 110 deny ip host 192.168.1.10 any
access-list 110 permit ip 192.168.1.0 0.0.0.255 any
access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
)";
  auto r = run(a, std::string(kB) + kMapB);
  CHECK(r.outcome == "established");
  CHECK(r.initiator_entry == "M 20");
  auto r2 = run(a, std::string(kB) + kMapB, {}, ping("192.168.1.11"));
  CHECK(r2.initiator_entry == "M 10");  // the permit line of entry 10 takes other hosts
  CHECK(r2.failure == "phase1-no-response");
  auto r3 = run(std::string(kA) + kMapA, std::string(kB) + kMapB, {}, ping("192.168.1.10", "192.168.9.9"));
  CHECK(r3.outcome == "no-crypto");
  CHECK(r3.trace.empty());
}

TEST_CASE("model: subset rule — a narrower offer is accepted, a wider one is refused (§2.1.3)") {
  std::string narrow = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.1.1
 set transform-set T1
 match address 101
access-list 101 permit ip host 192.168.1.10 192.168.2.0 0.0.0.127
)";
  auto r = run(narrow, std::string(kB) + kMapB);
  CHECK(r.outcome == "established");
  CHECK(r.local_proxy.id_type == 1);
  std::string wide = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.1.1
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.0.0 0.0.255.255 192.168.2.0 0.0.0.255
)";
  auto w = run(wide, std::string(kB) + kMapB);
  CHECK(w.failure == "proxy-id-mismatch");
  CHECK(count(w, EventKind::ProxyNotSupported) == 1);
  CHECK(count(w, EventKind::ProposalNotChosenRecv, "A") == 1);
}

TEST_CASE("model: several transform sets are offered in order, the responder takes the first it supports (§1.3.4)") {
  std::string a = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.1.1
 set transform-set T1 T2
 match address 101
access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
)";
  std::string b = std::string(kB) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.0.1
 set transform-set T2
 match address 101
access-list 101 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
)";
  auto r = run(a, b);
  CHECK(r.outcome == "established");
  CHECK(r.transform == "esp-3des esp-sha-hmac");
  CHECK(count(r, EventKind::SaRequest) == 2);
  CHECK(count(r, EventKind::P2ProposalCheck) == 2);
  const Event* tns = first(r, EventKind::TransformNotSupported);
  REQUIRE(tns);
  CHECK(tns->get("transform") == "esp-aes esp-sha-hmac");
}

TEST_CASE("model: responder_keeps_searching (§6.1)") {
  std::string b = std::string(kB) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.0.1
 set transform-set T2
 match address 101
crypto map M 20 ipsec-isakmp
 set peer 10.0.0.1
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
)";
  auto r = run(std::string(kA) + kMapA, b);
  CHECK(r.outcome == "established");
  CHECK(r.responder_entry == "M 20");
  ModelOptions o;
  o.responder_keeps_searching = false;
  auto s = run(std::string(kA) + kMapA, b, o);
  CHECK(s.failure == "transform-mismatch");
  CHECK(s.responder_entry == "M 10");
}

TEST_CASE("model: PFS (§2.3)") {
  std::string a_pfs = std::string(kA) + kMapA + "crypto map M 10 ipsec-isakmp\n set pfs group14\n";
  std::string b_pfs = std::string(kB) + kMapB + "crypto map M 10 ipsec-isakmp\n set pfs group14\n";
  std::string b_pfs5 = std::string(kB) + kMapB + "crypto map M 10 ipsec-isakmp\n set pfs group5\n";
  CHECK(run(a_pfs, b_pfs).outcome == "established");
  CHECK(run(std::string(kA) + kMapA, b_pfs).failure == "pfs-mismatch");  // §2.3.1
  CHECK(run(a_pfs, b_pfs5).failure == "pfs-mismatch");                   // §2.3.2
  auto r = run(a_pfs, std::string(kB) + kMapB);                          // §2.3.3 default: accepted
  CHECK(r.outcome == "established");
  CHECK(r.pfs_group == 14);
  ModelOptions o;
  o.accept_initiator_pfs_when_responder_has_none = false;
  CHECK(run(a_pfs, std::string(kB) + kMapB, o).failure == "pfs-mismatch");
}

TEST_CASE("model: lifetimes never fail, the smaller one is used (§2.4)") {
  std::string a = std::string(kA) + kMapA + "crypto map M 10 ipsec-isakmp\n set security-association lifetime seconds 7200\n";
  std::string b = std::string(kB) + kMapB + "crypto ipsec security-association lifetime seconds 1800\n";
  auto r = run(a, b);
  CHECK(r.outcome == "established");
  CHECK(r.lifetime_seconds == 1800);
}

TEST_CASE("model: peer not listed -> peer-not-found, wording option (§2.2 step 3)") {
  std::string b = std::string(kB) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.0.99
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
)";
  auto r = run(std::string(kA) + kMapA, b);
  CHECK(r.failure == "peer-not-found");
  REQUIRE(first(r, EventKind::PeerNotFound));
  CHECK(first(r, EventKind::PeerNotFound)->get("address") == "10.0.0.1");
  ModelOptions o;
  o.peer_not_found_prints_entry_peer = true;
  auto s = run(std::string(kA) + kMapA, b, o);
  CHECK(first(s, EventKind::PeerNotFound)->get("address") == "10.0.0.99");
}

TEST_CASE("model: invalid local address and crypto map local-address (§1.3.7-8, §2.2 step 2)") {
  std::string b = std::string(kB) + kMapB + R"(crypto map M local-address Loopback0
interface Loopback0
 ip address 10.255.0.2 255.255.255.255
)";
  // A talks to B's outside address, but B's map answers on its loopback only.
  auto r = run(std::string(kA) + kMapA, b);
  CHECK(r.failure == "invalid-local-address");
  CHECK(first(r, EventKind::InvalidLocalAddress)->get("address") == "10.0.1.1");
  std::string a = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.255.0.2
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
)";
  auto ok = run(a, b);
  CHECK(ok.outcome == "established");
}

TEST_CASE("model: peer failover to the next `set peer` (§1.3.1)") {
  std::string a = std::string(kA) + R"(crypto map M 10 ipsec-isakmp
 set peer 10.0.1.77
 set peer 10.0.1.1
 set transform-set T1
 match address 101
access-list 101 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
)";
  auto r = run(a, std::string(kB) + kMapB);
  CHECK(r.outcome == "established");
  CHECK(r.peer_address == *parse_ipv4("10.0.1.1"));
  CHECK(count(r, EventKind::P1RetransmitGiveUp) == 1);
  ModelOptions o;
  o.peer_failover = false;
  CHECK(run(a, std::string(kB) + kMapB, o).failure == "phase1-no-response");
}

TEST_CASE("model: dynamic maps answer only (§1.3.10)") {
  std::string b = std::string(kB) + R"(crypto dynamic-map DYN 10
 set transform-set T1
crypto map M 65535 ipsec-isakmp dynamic DYN
)";
  auto r = run(std::string(kA) + kMapA, b);
  CHECK(r.outcome == "established");
  CHECK(r.responder_entry == "M 65535");
  // B cannot start anything from a dynamic entry.
  DeviceConfig da = cfg(std::string(kA) + kMapA), db = cfg(b + "crypto dynamic-map DYN 10\n match address 120\naccess-list 120 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255\n");
  auto s = replay({&da, &db}, ping("192.168.2.10", "192.168.1.10"), "B");
  CHECK(s.outcome == "no-crypto");
  CHECK(s.failing_check == "initiator-dynamic-entry");
}

TEST_CASE("model: Phase 1 keys and policies (§4)") {
  std::string no_key_a = std::string(kA) + kMapA;
  no_key_a.replace(no_key_a.find("crypto isakmp key"), std::string("crypto isakmp key s3cret address 0.0.0.0 0.0.0.0").size(), "!");
  auto r = run(no_key_a, std::string(kB) + kMapB);
  CHECK(r.failure == "phase1-no-key");
  CHECK(r.failing_check == "p1-initiator-key");
  CHECK(count(r, EventKind::StartMmFailed) == 1);
  CHECK(count(r, EventKind::MmBegin) == 0);

  std::string other_key_b = std::string(kB) + kMapB;
  other_key_b.replace(other_key_b.find("s3cret"), 6, "other1");
  auto p = run(std::string(kA) + kMapA, other_key_b);
  CHECK(p.failure == "phase1-psk-mismatch");
  CHECK(count(p, EventKind::SanityFail, "B") >= 1);
  CHECK(count(p, EventKind::P1Retransmit, "A") == 5);

  std::string md5_b = std::string(kB) + kMapB;
  md5_b.replace(md5_b.find(" group 14"), 9, " group 14\n hash md5");
  auto m = run(std::string(kA) + kMapA, md5_b);
  CHECK(m.failure == "phase1-policy-mismatch");
  REQUIRE(first(m, EventKind::P1AttrMismatch));
  CHECK(first(m, EventKind::P1AttrMismatch)->get("attr") == "Hash algorithm");
  CHECK(count(m, EventKind::ModeFailure, "B") == 1);
}
