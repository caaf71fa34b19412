// Timeline grouping when lines come out of IOS's order: a syslog server receiving over UDP
// can reorder them, and lines of the IPsec key engine (another process) can come between an
// ISAKMP run's lines. The timeline then relies on what the lines name (connection id, peer,
// SPI, transform) rather than on which negotiation took the previous line. The in-order cases
// are corpus logs (test_seed_logs.cc); each log here was mis-grouped before the fix it tests.
#include <doctest/doctest.h>

#include <map>

#include "test_analysis_helpers.h"

using namespace ipsecdoc;

namespace {

Analysis run_text(const char* name, const std::string& text) {
  return analyze_text("timeline", std::string(name) + ".log", text);
}

std::map<std::string, const Negotiation*> by_peer(const Analysis& a) {
  std::map<std::string, const Negotiation*> m;
  for (const auto& n : a.negotiations) m[n.peer] = &n;
  return m;
}

// The negotiations with these local proxies (both must be there).
std::pair<const Negotiation*, const Negotiation*> two_by_local_proxy(const Analysis& a, const std::string& p1,
                                                                     const std::string& p2) {
  const Negotiation *x = nullptr, *y = nullptr;
  for (const auto& n : a.negotiations) {
    if (n.local_proxy == p1) x = &n;
    if (n.local_proxy == p2) y = &n;
  }
  REQUIRE(x);
  REQUIRE(y);
  return {x, y};
}

std::vector<uint32_t> lines(const Negotiation& n) {
  std::vector<uint32_t> v;
  for (const auto& s : n.steps) v.push_back(s.event.where.line);
  return v;
}

}  // namespace

TEST_CASE("timeline: a new IKE SA id seen before its peer is named waits for the peer (two id-less SAs)") {
  // 1011 first appears without an address while two Main Modes are id-less; the next 1011 line
  // names 192.0.2.20, the older of the two. Its retransmissions and give-up are that peer's.
  auto a = run_text("provisional", R"(R1#debug crypto isakmp
ISAKMP:(0):beginning Main Mode exchange
ISAKMP:(0): sending packet to 192.0.2.20 my_port 500 peer_port 500 (I) MM_NO_STATE
ISAKMP:(0):beginning Main Mode exchange
ISAKMP:(0): sending packet to 192.0.2.10 my_port 500 peer_port 500 (I) MM_NO_STATE
ISAKMP:(1011):Old State = IKE_I_MM1  New State = IKE_I_MM2
ISAKMP:(0): received packet from 192.0.2.20 dport 500 sport 500 Global (I) MM_NO_STATE
ISAKMP:(0): processing SA payload. message ID = 0
ISAKMP:(1011): received packet from 192.0.2.20 dport 500 sport 500 Global (I) MM_SA_SETUP
ISAKMP:(1011): processing KE payload. message ID = 0
ISAKMP:(1011): sending packet to 192.0.2.20 my_port 500 peer_port 500 (I) MM_KEY_EXCH
ISAKMP:(0): received packet from 192.0.2.10 dport 500 sport 500 Global (I) MM_NO_STATE
ISAKMP:(0): processing SA payload. message ID = 0
ISAKMP:(1012):Old State = IKE_I_MM1  New State = IKE_I_MM2
ISAKMP:(1012): received packet from 192.0.2.10 dport 500 sport 500 Global (I) MM_SA_SETUP
ISAKMP:(1011): retransmitting phase 1 MM_KEY_EXCH...
ISAKMP:(1012): sending packet to 192.0.2.10 my_port 500 peer_port 500 (I) MM_KEY_EXCH
ISAKMP:(1012): received packet from 192.0.2.10 dport 500 sport 500 Global (I) MM_KEY_EXCH
ISAKMP:(1012):SA has been authenticated with 192.0.2.10
ISAKMP:(1012):Old State = IKE_I_MM6  New State = IKE_P1_COMPLETE
ISAKMP:(1011): retransmitting phase 1 MM_KEY_EXCH...
ISAKMP:(1011):deleting SA reason "Death by retransmission P1" state (I) MM_KEY_EXCH (peer 192.0.2.20)
)");
  auto m = by_peer(a);
  REQUIRE(a.negotiations.size() == 2);
  REQUIRE(m.count("192.0.2.20"));
  REQUIRE(m.count("192.0.2.10"));
  const auto& failed = *m["192.0.2.20"];
  const auto& up = *m["192.0.2.10"];
  CHECK(failed.conn_id == 1011);
  CHECK(failed.outcome == "failed");
  CHECK(lines(failed) == std::vector<uint32_t>{2, 3, 6, 7, 8, 9, 10, 11, 16, 21, 22});
  CHECK(up.conn_id == 1012);
  CHECK(up.outcome == "established");
  REQUIRE(a.findings.size() == 1);
  CHECK(a.findings[0].rule == "phase1-psk-mismatch");
  CHECK(a.findings[0].peer == "192.0.2.20");
}

TEST_CASE("timeline: attribute lines after another exchange's key-engine line stay with the proposal being checked") {
  // initialize_sas of 192.0.2.44's exchange comes between the attribute lines of
  // 198.51.100.7's proposal: the rest of those lines (the authenticator) are still its own.
  auto a = run_text("attributes", R"(HUB#debug crypto isakmp
ISAKMP:(1002):beginning Quick Mode exchange, M-ID of 5551212
IPSEC(sa_request): ,
  (key eng. msg.) OUTBOUND local= 203.0.113.1, remote= 192.0.2.44,
    local_proxy= 10.1.0.0/255.255.0.0/0/0 (type=4),
    remote_proxy= 10.9.9.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes 256 esp-sha-hmac (Tunnel),
    lifedur= 3600s and 4608000kb,
    spi= 0x0(0), conn_id= 0, keysize= 256, flags= 0x0
ISAKMP:(1002): sending packet to 192.0.2.44 my_port 500 peer_port 500 (I) QM_IDLE
ISAKMP:(1001): received packet from 198.51.100.7 dport 500 sport 500 Global (R) QM_IDLE
ISAKMP:(1001):set new node 7771234 to QM_IDLE
ISAKMP:(1001): processing SA payload. message ID = 7771234
ISAKMP:(1001):Checking IPSec proposal 1
ISAKMP: transform 1, ESP_3DES
ISAKMP:      attributes in transform:
IPSEC(initialize_sas): ,
  (key eng. msg.) INBOUND local= 203.0.113.1, remote= 192.0.2.44,
    local_proxy= 10.1.0.0/255.255.0.0/0/0 (type=4),
    remote_proxy= 10.9.9.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes 256 esp-sha-hmac (Tunnel),
    lifedur= 3600s and 4608000kb,
    spi= 0x1A2B3C4D(439041101), conn_id= 0, keysize= 256, flags= 0x2
ISAKMP:      encaps is 1 (Tunnel)
ISAKMP:      SA life type in seconds
ISAKMP:      SA life duration (basic) of 3600
ISAKMP:      SA life type in kilobytes
ISAKMP:      SA life duration (VPI) of  0x0 0x46 0x50 0x0
ISAKMP:      authenticator is HMAC-MD5
ISAKMP:(1001):atts are acceptable.
IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-3des esp-md5-hmac }
ISAKMP-ERROR: (1001): IPSec policy invalidated proposal with error 256
ISAKMP-ERROR: (1001): phase 2 SA policy not acceptable! (local 203.0.113.1 remote 198.51.100.7)
ISAKMP:(1001):Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3
)");
  auto m = by_peer(a);
  REQUIRE(m.count("198.51.100.7"));
  REQUIRE(m.count("192.0.2.44"));
  CHECK(lines(*m["192.0.2.44"]) == std::vector<uint32_t>{2, 3, 10, 17});
  CHECK(m["198.51.100.7"]->failure == "transform-mismatch");
  REQUIRE(a.findings.size() == 1);
  CHECK(a.findings[0].message.find("(esp-3des esp-md5-hmac)") != std::string::npos);
}

TEST_CASE("timeline: a transform error goes to the exchange that offered that transform") {
  // Two proposals are being checked (3DES from 198.51.100.7, then AES from 192.0.2.44) when
  // "transform proposal not supported for identity: {esp-3des ...}" comes: it is the first's.
  auto a = run_text("transform", R"(HUB#debug crypto isakmp
ISAKMP:(1001): received packet from 198.51.100.7 dport 500 sport 500 Global (R) QM_IDLE
ISAKMP:(1001):Checking IPSec proposal 1
ISAKMP: transform 1, ESP_3DES
ISAKMP:      attributes in transform:
ISAKMP:      encaps is 1 (Tunnel)
ISAKMP:      authenticator is HMAC-SHA
ISAKMP:(1001):atts are acceptable.
ISAKMP:(1003): received packet from 192.0.2.44 dport 500 sport 500 Global (R) QM_IDLE
ISAKMP:(1003):Checking IPSec proposal 1
ISAKMP: transform 1, ESP_AES
ISAKMP:      attributes in transform:
ISAKMP:      encaps is 1 (Tunnel)
ISAKMP:      authenticator is HMAC-SHA
ISAKMP:      key length is 256
ISAKMP:(1003):atts are acceptable.
IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-3des esp-sha-hmac }
ISAKMP:(1001): IPSec policy invalidated proposal with error 256
ISAKMP:(1001): phase 2 SA policy not acceptable! (local 203.0.113.1 remote 198.51.100.7)
)");
  auto m = by_peer(a);
  REQUIRE(m.count("198.51.100.7"));
  REQUIRE(m.count("192.0.2.44"));
  CHECK(m["198.51.100.7"]->has(EventKind::TransformNotSupported));
  CHECK(m["198.51.100.7"]->failure == "transform-mismatch");
  CHECK_FALSE(m["192.0.2.44"]->has(EventKind::TransformNotSupported));
  CHECK(m["192.0.2.44"]->outcome != "failed");
}

TEST_CASE("timeline: a proposal refused for its transform, then the next one accepted, is one established exchange") {
  // 12.x responder: proposal 1 (3DES/MD5) is refused ("transform proposal ... not supported",
  // "atts not acceptable"), proposal 2 (DES/SHA) is accepted and the SAs come up. The refusal
  // was proposal 1's only: its validation request and SAs are the same exchange's, not a new one.
  auto a = run_text("next-proposal", R"(*Mar  1 00:55:42.200: ISAKMP (0:2): received packet from 13.1.1.3 dport 500 sport 500 Global (R) QM_IDLE
*Mar  1 00:55:42.204: ISAKMP (0:2): Checking IPSec proposal 1
*Mar  1 00:55:42.205: ISAKMP: transform 1, ESP_3DES
*Mar  1 00:55:42.206: ISAKMP:   attributes in transform:
*Mar  1 00:55:42.207: ISAKMP:      encaps is 1
*Mar  1 00:55:42.210: ISAKMP:      authenticator is HMAC-MD5
*Mar  1 00:55:42.211: ISAKMP (0:2): atts are acceptable.
*Mar  1 00:55:42.212: IPSEC(validate_proposal): transform proposal (port 3, trans 3, hmac_alg 1) not supported
*Mar  1 00:55:42.213: ISAKMP (0:2): atts not acceptable. Next payload is 0
*Mar  1 00:55:42.214: ISAKMP (0:2): Checking IPSec proposal 2
*Mar  1 00:55:42.215: ISAKMP: transform 1, ESP_DES
*Mar  1 00:55:42.216: ISAKMP:   attributes in transform:
*Mar  1 00:55:42.217: ISAKMP:      encaps is 1
*Mar  1 00:55:42.220: ISAKMP:      authenticator is HMAC-SHA
*Mar  1 00:55:42.221: ISAKMP (0:2): atts are acceptable.
*Mar  1 00:55:42.222: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 12.1.1.2, remote= 13.1.1.3,
    local_proxy= 2.2.2.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 3.3.3.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-des esp-sha-hmac ,
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 0, flags= 0x2
*Mar  1 00:55:42.229: IPSEC(spi_response): getting spi 2178760362 for SA
        from 12.1.1.2 to 13.1.1.3 for prot 3
*Mar  1 00:55:42.231: ISAKMP (0:2): sending packet to 13.1.1.3 my_port 500 peer_port 500 (R) QM_IDLE
*Mar  1 00:55:42.240: ISAKMP (0:2): received packet from 13.1.1.3 dport 500 sport 500 Global (R) QM_IDLE
*Mar  1 00:55:42.244: IPSEC(initialize_sas): ,
  (key eng. msg.) INBOUND local= 12.1.1.2, remote= 13.1.1.3,
    local_proxy= 2.2.2.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 3.3.3.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-des esp-sha-hmac ,
    lifedur= 3600s and 4608000kb,
    spi= 0x81DD3EAA(2178760362), conn_id= 2000, keysize= 0, flags= 0x2
*Mar  1 00:55:42.245: IPSEC(create_sa): sa created,
  (sa) sa_dest= 12.1.1.2, sa_prot= 50,
    sa_spi= 0x81DD3EAA(2178760362),
    sa_trans= esp-des esp-sha-hmac , sa_conn_id= 2000
*Mar  1 00:55:42.247: ISAKMP (0:2): Old State = IKE_QM_R_QM2  New State = IKE_QM_PHASE2_COMPLETE
)");
  REQUIRE(a.negotiations.size() == 1);
  const Negotiation& n = a.negotiations[0];
  CHECK(n.outcome == "established");
  CHECK(n.role == "responder");
  CHECK(n.transforms == std::vector<std::string>{"esp-3des esp-md5-hmac", "esp-des esp-sha-hmac"});
  CHECK(n.local_proxy == "2.2.2.0/255.255.255.0/0/0");
  CHECK(lines(n).size() == 22);  // every record of the capture
  CHECK(a.findings.empty());
}

TEST_CASE("timeline: XE's Map found of an SA creation does not join an exchange refused in the meantime") {
  // 198.51.100.2's offer is accepted (Map Accepted, SPI); 198.51.100.3's is refused for its
  // transform before the key engine creates the first one's SAs: "Map found" (no conn id,
  // no address) is the creation of 198.51.100.2's SAs.
  auto a = run_text("map-found", R"(R1#debug crypto ipsec
ISAKMP-PAK: (1001):received packet from 198.51.100.2 dport 500 sport 500 Global (R) QM_IDLE
ISAKMP: (1001):Checking IPSec proposal 1
ISAKMP: (1001):transform 1, ESP_AES
ISAKMP: (1001):atts are acceptable.
IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 203.0.113.1:0, remote= 198.51.100.2:0,
    local_proxy= 10.1.1.0/255.255.255.0/256/0,
    remote_proxy= 10.2.2.0/255.255.255.0/256/0,
    protocol= ESP, transform= esp-aes esp-sha-hmac  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
(ipsec_process_proposal)Map Accepted: CMAP, 10
ISAKMP: (1001):QM Responder gets spi
ISAKMP-PAK: (1002):received packet from 198.51.100.3 dport 500 sport 500 Global (R) QM_IDLE
ISAKMP: (1002):Checking IPSec proposal 1
ISAKMP: (1002):transform 1, ESP_3DES
ISAKMP: (1002):atts are acceptable.
IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 203.0.113.1:0, remote= 198.51.100.3:0,
    local_proxy= 10.1.1.0/255.255.255.0/256/0,
    remote_proxy= 10.3.3.0/255.255.255.0/256/0,
    protocol= ESP, transform= esp-3des esp-sha-hmac  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 0, flags= 0x0
IPSEC(ipsec_process_proposal): transform proposal not supported for identity: {esp-3des esp-sha-hmac }
ISAKMP-ERROR: (1002):IPSec policy invalidated proposal with error 256
ISAKMP-ERROR: (1002):phase 2 SA policy not acceptable! (local 203.0.113.1 remote 198.51.100.3)
ISAKMP: (1002):Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3
ISAKMP: (1002):deleting node 77 error TRUE reason "QM rejected"
IPSEC(key_engine): got a queue event with 1 KMI message(s)
IPSEC(crypto_ipsec_create_ipsec_sas): Map found CMAP, 10
IPSEC(create_sa): sa created,
  (sa) sa_dest= 203.0.113.1, sa_proto= 50,
    sa_spi= 0x11111111(286331153),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2005
ISAKMP: (1001):Successfully installed IPSEC SA (SPI:0x11111111) on GigabitEthernet1
ISAKMP: (1001):Old State = IKE_QM_R_QM2  New State = IKE_QM_PHASE2_COMPLETE
)");
  auto m = by_peer(a);
  REQUIRE(m.count("198.51.100.2"));
  REQUIRE(m.count("198.51.100.3"));
  const Negotiation& up = *m["198.51.100.2"];
  const Negotiation& refused = *m["198.51.100.3"];
  CHECK(up.outcome == "established");
  CHECK(up.has(EventKind::MapFound));
  CHECK(refused.outcome == "failed");
  CHECK(refused.failure == "transform-mismatch");
  CHECK_FALSE(refused.has(EventKind::MapFound));
}

TEST_CASE("timeline: 15.x's bare map_db_find_best line is read and is part of the refused exchange") {
  // 15.x prints "map_db_find_best did not find matching map" with no facility in front: a
  // syslog stamp then plain text. It was taken for unrelated syslog and dropped.
  auto a = run_text("map-db", R"(Nov 26 10:00:00.001: ISAKMP:(1001): received packet from 10.2.2.2 dport 500 sport 500 Global (R) QM_IDLE
Nov 26 10:00:00.002: ISAKMP:(1001):Checking IPSec proposal 1
Nov 26 10:00:00.003: ISAKMP: transform 1, ESP_AES
Nov 26 10:00:00.004: ISAKMP:(1001):atts are acceptable.
Nov 26 10:00:00.005: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 10.1.1.1:0, remote= 10.2.2.2:0,
    local_proxy= 192.168.1.0/255.255.255.0/256/0,
    remote_proxy= 192.168.9.0/255.255.255.0/256/0,
    protocol= ESP, transform= esp-aes esp-sha-hmac  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
Nov 26 10:00:00.006: map_db_find_best did not find matching map
Nov 26 10:00:00.007: IPSEC(ipsec_process_proposal): proxy identities not supported
Nov 26 10:00:00.008: ISAKMP:(1001): IPSec policy invalidated proposal with error 32
Nov 26 10:00:00.009: ISAKMP:(1001): phase 2 SA policy not acceptable! (local 10.1.1.1 remote 10.2.2.2)
Nov 26 10:00:00.010: ISAKMP:(1001):Sending NOTIFY PROPOSAL_NOT_CHOSEN protocol 3
)");
  REQUIRE(a.negotiations.size() == 1);
  const Negotiation& n = a.negotiations[0];
  CHECK(n.has(EventKind::MapDbNoMatch));
  CHECK(lines(n) == std::vector<uint32_t>{1, 2, 3, 4, 5, 12, 13, 14, 15, 16});
  CHECK(n.failure == "proxy-id-mismatch");
  CHECK(a.unrecognized_total == 0);
}

TEST_CASE("timeline: a Main Mode offer received as \"(N) NEW SA\" starts the IKE SA this router answers") {
  // 12.4T/15.x print the first Main Mode packet as "(N) NEW SA": the responder's first step.
  auto a = run_text("new-sa", R"(Nov 26 10:00:00.001: ISAKMP (0): received packet from 192.0.2.1 dport 500 sport 500 Global (N) NEW SA
Nov 26 10:00:00.002: ISAKMP:(0):found peer pre-shared key matching 192.0.2.1
Nov 26 10:00:00.003: ISAKMP:(0):Checking ISAKMP transform 1 against priority 10 policy
Nov 26 10:00:00.004: ISAKMP:(0):Encryption algorithm offered does not match policy!
Nov 26 10:00:00.005: ISAKMP:(0):atts are not acceptable. Next payload is 0
Nov 26 10:00:00.006: ISAKMP-ERROR: (0):phase 1 SA policy not acceptable! (local 192.0.2.2 remote 192.0.2.1)
)");
  REQUIRE(a.negotiations.size() == 1);
  const Negotiation& n = a.negotiations[0];
  CHECK(n.phase == 1);
  CHECK(n.role == "responder");
  CHECK(lines(n) == std::vector<uint32_t>{1, 2, 3, 4, 5, 6});
  CHECK(n.failure == "phase1-policy-mismatch");
  CHECK(a.unrecognized_total == 0);
}

TEST_CASE("timeline: 15.x's \"transform= NONE\" in an offer is no transform, the SAs name the one used") {
  auto a = run_text("none", R"(Nov 26 10:00:00.001: ISAKMP:(1001): received packet from 192.0.2.1 dport 500 sport 500 Global (R) QM_IDLE
Nov 26 10:00:00.002: ISAKMP:(1001):Checking IPSec proposal 1
Nov 26 10:00:00.003: ISAKMP: transform 1, ESP_AES
Nov 26 10:00:00.004: ISAKMP:(1001):atts are acceptable.
Nov 26 10:00:00.005: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 192.0.2.2, remote= 192.0.2.1,
    local_proxy= 10.2.2.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= NONE  (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
Nov 26 10:00:00.006: ISAKMP:(1001):QM Responder gets spi
Nov 26 10:00:00.007: IPSEC(create_sa): sa created,
  (sa) sa_dest= 192.0.2.2, sa_proto= 50,
    sa_spi= 0x2E3A5C71(775576689),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2001
Nov 26 10:00:00.008: ISAKMP:(1001):Old State = IKE_QM_R_QM2  New State = IKE_QM_PHASE2_COMPLETE
)");
  REQUIRE(a.negotiations.size() == 1);
  CHECK(a.negotiations[0].outcome == "established");
  CHECK(a.negotiations[0].transforms == std::vector<std::string>{"esp-aes esp-sha-hmac"});
}

TEST_CASE("timeline: the time taken runs to the outcome, not to the SAs' deletion an hour later") {
  auto a = run_text("duration", R"(Nov 26 10:00:00.100: ISAKMP (0): received packet from 192.0.2.1 dport 500 sport 500 Global (R) MM_KEY_EXCH
Nov 26 10:00:00.200: ISAKMP:(1001):SA has been authenticated with 192.0.2.1
Nov 26 10:00:00.300: ISAKMP:(1001):Old State = IKE_R_MM5  New State = IKE_P1_COMPLETE
Nov 26 10:00:00.400: ISAKMP:(1001): received packet from 192.0.2.1 dport 500 sport 500 Global (R) QM_IDLE
Nov 26 10:00:00.500: ISAKMP:(1001):Checking IPSec proposal 1
Nov 26 10:00:00.600: ISAKMP:(1001):atts are acceptable.
Nov 26 10:00:00.650: IPSEC(validate_proposal_request): proposal part #1,
  (key eng. msg.) INBOUND local= 192.0.2.2, remote= 192.0.2.1,
    local_proxy= 10.2.2.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),
    lifedur= 0s and 0kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
Nov 26 10:00:00.700: IPSEC(create_sa): sa created,
  (sa) sa_dest= 192.0.2.2, sa_proto= 50,
    sa_spi= 0x2E3A5C71(775576689),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2001
Nov 26 10:00:00.900: ISAKMP:(1001):Old State = IKE_QM_R_QM2  New State = IKE_QM_PHASE2_COMPLETE
Nov 26 10:00:01.000: IPSEC(key_engine): got a queue event with 1 KMI message(s)
Nov 26 11:00:00.001: IPSEC(delete_sa): deleting SA,
  (sa) sa_dest= 192.0.2.2, sa_proto= 50,
    sa_spi= 0x2E3A5C71(775576689),
    sa_trans= esp-aes esp-sha-hmac , sa_conn_id= 2001
Nov 26 11:00:00.002: ISAKMP:(1001):deleting SA reason "No reason" state (R) QM_IDLE  (peer 192.0.2.1)
Nov 26 11:00:00.003: ISAKMP:(1001):deleting node 1234567 error FALSE reason "Informational (in) state 1"
)");
  REQUIRE(a.negotiations.size() == 2);
  for (const auto& n : a.negotiations) {
    CHECK(n.outcome == "established");
    CHECK(n.steps.back().event.where.line >= 24);  // the deletion is still a step of each
  }
  const Negotiation& ike = a.negotiations[0].phase == 1 ? a.negotiations[0] : a.negotiations[1];
  const Negotiation& qm = a.negotiations[0].phase == 2 ? a.negotiations[0] : a.negotiations[1];
  CHECK(ike.duration() == doctest::Approx(0.2));  // received MM5 .. P1_COMPLETE
  CHECK(qm.duration() == doctest::Approx(0.5));   // received QM1 .. PHASE2_COMPLETE
}

TEST_CASE("timeline: a failed Informational exchange fails no negotiation and raises no finding") {
  // %CRYPTO-6-IKMP_MODE_FAILURE names Main, Aggressive, Quick or Informational mode; the last is
  // a delete or DPD about an SA the router no longer has (routine after a peer reboots).
  auto a = run_text("informational", R"(Nov 26 10:05:00.001: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Informational mode failed with peer at 192.0.2.1
Nov 26 10:05:00.002: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 192.0.2.9
)");
  auto m = by_peer(a);
  REQUIRE(m.count("192.0.2.1"));
  REQUIRE(m.count("192.0.2.9"));
  CHECK(m["192.0.2.1"]->outcome == "incomplete");
  CHECK(m["192.0.2.9"]->outcome == "failed");
  REQUIRE(a.findings.size() == 1);
  CHECK(a.findings[0].peer == "192.0.2.9");
}

TEST_CASE("timeline: two Quick Modes of one IKE SA at once are told apart by their message ids") {
  // Traffic for two crypto ACL lines: two SA requests, two Quick Modes begun in that order; the
  // peer refuses the second (PROPOSAL_NOT_CHOSEN) and accepts the first. The lines without an id
  // follow the exchange of the line before that named one.
  auto a = run({corpus("logs/cases/two-qm-one-ike-sa-initiator.log")});
  REQUIRE(a.negotiations.size() == 2);
  auto [first, second] = two_by_local_proxy(a, "192.168.1.0/255.255.255.0/0/0", "192.168.5.0/255.255.255.0/0/0");
  CHECK(first->outcome == "established");
  CHECK(first->mid == 111111);
  CHECK(lines(*first) == std::vector<uint32_t>{1, 15, 16, 17, 18, 19, 31, 32, 33, 34, 35, 36, 37, 38, 39});
  CHECK(second->outcome == "failed");
  CHECK(second->failure == "peer-rejected-proposal");
  CHECK(second->mid == -222222);
  CHECK(lines(*second) == std::vector<uint32_t>{8, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30});  // 30: the next
  // reply's packet-received names no id: it stays with the exchange of the line before
  CHECK(has_rule(a, "peer-rejected-proposal"));
  CHECK(a.unrecognized_total == 0);
}

TEST_CASE("timeline: a responder's second Quick Mode on one IKE SA starts at its SA payload") {
  // Two offers of one peer under IKE SA 1001, the second before the first is complete: the
  // "processing SA payload. message ID" of a new id starts a new exchange.
  auto a = run({corpus("logs/cases/two-qm-one-ike-sa-responder.log")});
  REQUIRE(a.negotiations.size() == 2);
  auto [first, second] = two_by_local_proxy(a, "192.168.1.0/255.255.255.0/0/0", "192.168.5.0/255.255.255.0/0/0");
  CHECK(first->mid == 5001);
  CHECK(first->outcome == "established");
  CHECK(second->mid == 5002);
  CHECK(second->outcome == "failed");
  CHECK(second->failure == "proxy-id-mismatch");
  // Its packet-received (15) names no id, and its HASH line (16) starts no exchange (DPD and
  // deletes have one too): both stay with the first; from its SA payload (17) on it is its own.
  CHECK(lines(*second) == std::vector<uint32_t>{17, 18, 19, 20, 21, 28, 29, 30, 31});
}

TEST_CASE("timeline: %CRYPTO-4-IKMP_NO_SA does not become the IKE SA a later Main Mode starts") {
  // The peer's message for an SA this router does not have is not an SA of this router: the Main
  // Mode begun 2 s later with another peer got its lines (and its peer) before.
  auto a = run_text("no-sa", R"(*Nov 26 10:00:00.000: %CRYPTO-4-IKMP_NO_SA: IKE message from 203.0.113.9 has no SA and is not an initialization offer.
*Nov 26 10:00:02.000: ISAKMP (0:3605): beginning Main Mode exchange
*Nov 26 10:00:02.001: ISAKMP: Created a peer struct for 198.51.100.4, peer port 500
*Nov 26 10:00:02.002: ISAKMP (0:3605): found peer pre-shared key matching 198.51.100.4
*Nov 26 10:00:02.003: ISAKMP (0:3605): sending packet to 198.51.100.4 my_port 500 peer_port 500 (I) MM_NO_STATE
)");
  auto m = by_peer(a);
  REQUIRE(m.count("198.51.100.4"));
  CHECK(lines(*m["198.51.100.4"]) == std::vector<uint32_t>{2, 3, 4, 5});
  REQUIRE(m.count("203.0.113.9"));
  CHECK(lines(*m["203.0.113.9"]) == std::vector<uint32_t>{1});
}

TEST_CASE("timeline: an IKE SA takes this router's address from its Quick Mode when its own lines do not name it") {
  auto a = run_text("ike-local", R"(ISAKMP (0:3605): beginning Main Mode exchange
ISAKMP: Created a peer struct for 104.20.97.95, peer port 500
ISAKMP (0:3605): sending packet to 104.20.97.95 my_port 500 peer_port 500 (I) MM_NO_STATE
ISAKMP (0:3605): received packet from 104.20.97.95 dport 500 sport 500 Global (I) MM_KEY_EXCH
ISAKMP (0:3605): SA has been authenticated with 104.20.97.95
ISAKMP (0:3605): Old State = IKE_I_MM6  New State = IKE_P1_COMPLETE
ISAKMP (0:3605): beginning Quick Mode exchange, M-ID of 1100012462
IPSEC(sa_request): ,
  (key eng. msg.) OUTBOUND local= 135.94.61.225, remote= 104.20.97.95,
    local_proxy= 192.168.221.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 10.154.107.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),
    lifedur= 3600s and 4608000kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
ISAKMP (0:3605): sending packet to 104.20.97.95 my_port 500 peer_port 500 (I) QM_IDLE
)");
  REQUIRE(a.negotiations.size() == 2);
  for (const auto& n : a.negotiations) {
    CAPTURE(n.phase);
    CHECK(n.peer == "104.20.97.95");
    CHECK(n.local == "135.94.61.225");
  }
}

TEST_CASE("timeline: %CRYPTO-4-IKMP_NO_SA is not the id-less SA of a 15.x Main Mode either") {
  // 15.x prints "(0)" until the SA has its id: the NO_SA entry is no SA of this router to adopt.
  auto a = run_text("no-sa-15", R"(*Nov 26 10:00:00.000: %CRYPTO-4-IKMP_NO_SA: IKE message from 203.0.113.9 has no SA and is not an initialization offer.
*Nov 26 10:00:02.000: ISAKMP:(0): SA request profile is (NULL)
*Nov 26 10:00:02.001: ISAKMP:(0): beginning Main Mode exchange
*Nov 26 10:00:02.002: ISAKMP:(0): sending packet to 198.51.100.4 my_port 500 peer_port 500 (I) MM_NO_STATE
*Nov 26 10:00:02.050: ISAKMP (0): received packet from 198.51.100.4 dport 500 sport 500 Global (I) MM_NO_STATE
*Nov 26 10:00:02.051: ISAKMP:(1001):Old State = IKE_I_MM1  New State = IKE_I_MM2
)");
  auto m = by_peer(a);
  REQUIRE(m.count("198.51.100.4"));
  CHECK(lines(*m["198.51.100.4"]) == std::vector<uint32_t>{2, 3, 4, 5, 6});
  REQUIRE(m.count("203.0.113.9"));
  CHECK(lines(*m["203.0.113.9"]) == std::vector<uint32_t>{1});
  CHECK(m["203.0.113.9"]->conn_id < 0);  // untouched
}

TEST_CASE("timeline: a Quick Mode begun on an IKE SA takes that SA's peer's waiting request, not an older one") {
  // 10.0.0.9's request waits for its Main Mode; 10.0.0.2's IKE SA (1002) is up and begins
  // Quick Mode: the M-ID is 10.0.0.2's, though 10.0.0.9's request is older.
  auto a = run_text("qm-begin-peer", R"(IPSEC(sa_request): ,
  (key eng. msg.) OUTBOUND local= 10.0.0.1, remote= 10.0.0.9,
    local_proxy= 192.168.1.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 192.168.9.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),
    lifedur= 3600s and 4608000kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
ISAKMP (0:1002): beginning Main Mode exchange
ISAKMP: Created a peer struct for 10.0.0.2, peer port 500
ISAKMP (0:1002): sending packet to 10.0.0.2 my_port 500 peer_port 500 (I) MM_NO_STATE
ISAKMP (0:1002): SA has been authenticated with 10.0.0.2
ISAKMP (0:1002): Old State = IKE_I_MM6  New State = IKE_P1_COMPLETE
IPSEC(sa_request): ,
  (key eng. msg.) OUTBOUND local= 10.0.0.1, remote= 10.0.0.2,
    local_proxy= 192.168.1.0/255.255.255.0/0/0 (type=4),
    remote_proxy= 192.168.2.0/255.255.255.0/0/0 (type=4),
    protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel),
    lifedur= 3600s and 4608000kb,
    spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x0
ISAKMP (0:1002): beginning Quick Mode exchange, M-ID of 777
ISAKMP (0:1002): Node 777, Input = IKE_MESG_INTERNAL, IKE_INIT_QM
)");
  const Negotiation *waiting = nullptr, *begun = nullptr;
  for (const auto& n : a.negotiations) {
    if (n.phase == 2 && n.peer == "10.0.0.9") waiting = &n;
    if (n.phase == 2 && n.peer == "10.0.0.2") begun = &n;
  }
  REQUIRE(waiting);
  REQUIRE(begun);
  CHECK(begun->mid == 777);
  CHECK(lines(*begun) == std::vector<uint32_t>{13, 20, 21});
  CHECK(waiting->mid == 0);
  CHECK(lines(*waiting) == std::vector<uint32_t>{1});
}
