// Ingest decisions that depend on more than one line.
#include <doctest/doctest.h>

#include "ingest/ingest.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

TEST_CASE("ingest: a syslog server's line belongs to its sender, never to the device of the line before") {
  // hub1 sends with `logging origin-id`; 10.0.0.2 without; hub1 again without.
  std::string p = write_temp("ingest", "server.log",
                             "Nov 26 10:00:00 10.0.0.1 hub1: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Quick mode "
                             "failed with peer at 10.9.9.9\n"
                             "Nov 26 10:00:01 10.0.0.2 %CRYPTO-4-IKMP_NO_SA: IKE message from 10.8.8.8 has no SA\n"
                             "Nov 26 10:00:02 10.0.0.1 %CRYPTO-4-IKMP_NO_SA: IKE message from 10.9.9.9 has no SA\n"
                             "Nov 26 10:00:03 10.0.0.3 %LINK-3-UPDOWN: Interface Gi0/1, changed state to up\n"
                             "*Mar  1 00:00:01: %CRYPTO-4-IKMP_NO_SA: IKE message from 10.7.7.7 has no SA\n");
  RecordSink rs;
  ingest_input(p, 0, rs, IngestOptions{});
  remove_temp(p);
  REQUIRE(rs.records.size() == 4);
  CHECK(rs.records[0].device == "hub1");
  CHECK(rs.records[1].device == "10.0.0.2");  // was "hub1": the device of the line before
  CHECK(rs.records[2].device == "hub1");      // the sender's name from its earlier line
  CHECK(rs.records[3].device == "hub1");      // a console line without a sender: the last device named
}

TEST_CASE("mentions_crypto: a keyword, or part of one, at the very end of the text") {
  // The 16-byte scan finds candidates ('I' then 'S'/'P', 'C' then 'R') up to the last byte; a
  // candidate there has fewer than 5 bytes left and must not be read past the end (exact-size
  // buffers: AddressSanitizer stops a read beyond them).
  for (size_t pad = 0; pad < 40; ++pad) {
    for (std::string_view tail : {"IPSEC", "IPSE", "IPS", "IP", "I", "ISAKMP", "ISAKM", "ISA", "CRYPTO", "CRYP", "Cr", "crypt"}) {
      std::string text = std::string(pad, 'x') + std::string(tail);
      std::vector<char> exact(text.begin(), text.end());
      bool whole = tail == "IPSEC" || tail == "ISAKMP" || tail == "CRYPTO";
      CAPTURE(text);
      CHECK(mentions_crypto(std::string_view(exact.data(), exact.size())) == whole);
    }
  }
}

TEST_CASE("ingest: a show output stays one section when its own lines look like another command's first line") {
  // `show crypto isakmp sa detail` prints the "IPv4 Crypto ISAKMP SA" line of the plain form;
  // the typed command is abbreviated. Was: four sections, one holding only the family line,
  // read as "No IKE (ISAKMP) SA at all" although two SAs are listed.
  std::string p = write_temp("ingest", "isakmp-detail.txt",
                             "R1#sh cry isa sa det\n"
                             "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
                             "       K - Keepalives, N - NAT-traversal\n"
                             "IPv4 Crypto ISAKMP SA\n"
                             "\n"
                             "C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n"
                             "\n"
                             "1001  203.0.113.1     198.51.100.2           ACTIVE aes  sha    psk  14 23:58:12 D\n"
                             "       Engine-id:Conn-id =  SW:1\n"
                             "\n"
                             "IPv6 Crypto ISAKMP SA\n"
                             "\n"
                             "R1#\n");
  auto a = run({p});
  remove_temp(p);
  REQUIRE(a.shows.size() == 1);
  CHECK(a.shows[0].section.command == "sh cry isa sa det");
  CHECK(a.shows[0].parsed.command == show::Command::IsakmpSaDetail);
  CHECK(a.shows[0].parsed.data["sas"].size() == 1);
  CHECK(a.unrecognized_total == 0);
  CHECK(!has_rule(a, "no-ike-sa"));
}

TEST_CASE("ingest: show outputs recognised without a prompt, or whose first line starts like a debug record") {
  // The typed engine layout starts with a title line; the isakmp detail output with its legend;
  // `show crypto ipsec sa count` with "IPsec SA total", which also starts a debug record.
  std::string p = write_temp("ingest", "no-prompt.txt",
                             "Crypto Engine Connections\n"
                             "\n"
                             "   ID  Type    Algorithm           Encrypt  Decrypt LastSeqN IP-Address\n"
                             "    1  IPsec   AES+SHA                   0       57       57 203.0.113.1\n"
                             "    2  IPsec   AES+SHA                  57        0        0 203.0.113.1\n"
                             "Codes: C - IKE configuration mode, D - Dead Peer Detection\n"
                             "       K - Keepalives, N - NAT-traversal\n"
                             "IPv4 Crypto ISAKMP SA\n"
                             "C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n"
                             "1001  203.0.113.1     198.51.100.2           ACTIVE aes  sha    psk  14 23:58:12 D\n"
                             "R1#show crypto ipsec sa count\n"
                             "IPsec SA total: 8, active: 8, rekeying: 0, unused: 0, invalid: 0\n"
                             "R1#\n");
  auto a = run({p});
  remove_temp(p);
  REQUIRE(a.shows.size() == 3);
  CHECK(a.shows[0].parsed.command == show::Command::EngineConnections);
  CHECK(a.shows[0].parsed.data["connections"].size() == 2);
  CHECK(a.shows[1].parsed.command == show::Command::IsakmpSaDetail);
  CHECK(a.shows[1].parsed.data["sas"].size() == 1);
  CHECK(a.shows[2].parsed.command == show::Command::IpsecSaCount);
  CHECK(a.shows[2].parsed.data["total"] == 8);
  CHECK(a.unrecognized_total == 0);
}

TEST_CASE("ingest: a flush-left show line that starts like a debug record stays in its show section") {
  // Indentation lost (pasted through a mail client): "IPSEC FLOW:" and "ISAKMP Profile:" start
  // like debug records. Was: the section ended there and the flow and its drops were lost.
  std::string p = write_temp("ingest", "flush.txt",
                             "R1#show crypto session detail\n"
                             "Crypto session current status\n"
                             "Interface: Tunnel11\n"
                             "Session status: UP-ACTIVE\n"
                             "Peer: 21.16.95.23 port 4500 fvrf: INET ivrf: (none)\n"
                             "IKEv2 SA: local 18.81.19.19/4500 remote 21.61.95.23/4500 Active\n"
                             "IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0\n"
                             "Active SAs: 2, origin: crypto map\n"
                             "Inbound:  #pkts dec'ed 4033 drop 33 life (KB/Sec) 4607363/2513\n"
                             "Outbound: #pkts enc'ed 1326 drop 0 life (KB/Sec) 4606628/2513\n"
                             "R1#show crypto map\n"
                             "Crypto Map IPv4 \"CMAP\" 10 ipsec-isakmp\n"
                             "Peer = 198.51.100.2\n"
                             "ISAKMP Profile: PROF\n"
                             "Extended IP access list VPN-ACL\n"
                             "R1#\n");
  auto a = run({p});
  remove_temp(p);
  REQUIRE(a.shows.size() == 2);
  CHECK(a.unrecognized_total == 0);
  REQUIRE(a.shows[0].parsed.data["sessions"][0]["flows"].size() == 1);
  CHECK(a.shows[0].parsed.data["sessions"][0]["flows"][0]["in_drop"] == 33);
  CHECK(has_rule(a, "packet-errors"));
  CHECK(a.shows[1].parsed.data["maps"][0]["isakmp_profile"] == "PROF");
  CHECK(a.shows[1].parsed.data["maps"][0]["acl"] == "VPN-ACL");
}
