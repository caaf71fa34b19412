// Ingest decisions that depend on more than one line.
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "ingest/ingest.h"
#include "ingest/line_reader.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;

TEST_CASE("ingest: a syslog server's line belongs to its sender, never to the device of the line before") {
  // hub1 sends with `logging origin-id`; 10.0.0.2 without; hub1 again without.
  RecordSink rs;
  ingest_text("server.log", "Nov 26 10:00:00 10.0.0.1 hub1: %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Quick mode "
                            "failed with peer at 10.9.9.9\n"
                            "Nov 26 10:00:01 10.0.0.2 %CRYPTO-4-IKMP_NO_SA: IKE message from 10.8.8.8 has no SA\n"
                            "Nov 26 10:00:02 10.0.0.1 %CRYPTO-4-IKMP_NO_SA: IKE message from 10.9.9.9 has no SA\n"
                            "Nov 26 10:00:03 10.0.0.3 %LINK-3-UPDOWN: Interface Gi0/1, changed state to up\n"
                            "*Mar  1 00:00:01: %CRYPTO-4-IKMP_NO_SA: IKE message from 10.7.7.7 has no SA\n", rs);
  REQUIRE(rs.records.size() == 4);
  CHECK(rs.records[0].device == "hub1");
  CHECK(rs.records[1].device == "10.0.0.2");  // was "hub1": the device of the line before
  CHECK(rs.records[2].device == "hub1");      // the sender's name from its earlier line
  CHECK(rs.records[3].device == "hub1");      // a console line without a sender: the last device named
}

TEST_CASE("ingest: the router's answers to debug and undebug are known lines, not unrecognized ones") {
  RecordSink rs;
  ingest_text("echo.log", "R1#debug crypto isakmp\n"
                          "Crypto ISAKMP debugging is on\n"
                          "*Mar  1 00:00:01: ISAKMP:(0): SA request profile is (NULL)\n"
                          "R1#undebug all\n"
                          "All possible debugging has been turned off\n"
                          "R1#debug all\n"
                          "This may severely impact network performance. Continue? (yes/[no]): yes\n"
                          "All possible debugging has been turned on\n", rs);
  CHECK(rs.records.size() == 1);
  CHECK(rs.unrecognized == 1);  // only the confirmation question
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

TEST_CASE("analyze: a listed unrecognized line keeps its first bytes and its length, not all of it") {
  // 2,000 listed lines of a 1 MiB piece each would be 2 GB of report: the list keeps the start.
  std::string junk(5000, 'x');
  auto a = analyze_text("ingest", "long.log", "short junk line\n" + junk + "\n");
  REQUIRE(a.unrecognized.size() == 2);
  CHECK(a.unrecognized[0].text == "short junk line");
  CHECK(a.unrecognized[0].bytes == 0);
  CHECK(a.unrecognized[1].line == 2);
  CHECK(a.unrecognized[1].text == junk.substr(0, AnalysisOptions{}.max_unrecognized_text));
  CHECK(a.unrecognized[1].bytes == 5000);
}

TEST_CASE("ingest: a log record keeps at most max_record_bytes, counted once per record") {
  IngestOptions opt;
  opt.max_record_bytes = 100;
  std::string head = "*Mar  1 00:00:01: ISAKMP:(1001): ";
  std::string text = head + std::string(150, 'a') + "\n" +                     // one line over
                     head + std::string(40, 'b') + "\n" +  // folded lines over: "ISAKMP:(1001): " + 40
                     "   " + std::string(30, 'c') + "\n" +     //  is 55, + " ccc.." 86 fits,
                     "   " + std::string(30, 'd') + "\n" +     //  13 of the 'd's fit,
                     "   " + std::string(30, 'e') + "\n" +     //  then nothing more
                     head + std::string(50, 'f') + "\n";                       // a short one after
  RecordSink rs;
  InputSummary sum = ingest_text("records.log", text, rs, opt);
  REQUIRE(rs.records.size() == 3);
  CHECK(rs.records[0].body.size() == 100);
  CHECK(rs.records[1].body.size() == 100);
  CHECK(rs.records[1].body.find('e') == std::string::npos);
  CHECK(rs.records[1].body.substr(rs.records[1].body.size() - 14) == " " + std::string(13, 'd'));
  CHECK(rs.records[1].where.last_line == 5);  // the cut lines still belong to the record
  CHECK(rs.records[2].body.size() < 100);
  CHECK(sum.long_records == 2);
}

namespace {

// `text` gzip-compressed, as gzip(1) writes it.
std::string gzipped(const std::string& text) {
  std::string p = write_temp("ingest-gz", "plain.gz", "");
  gzFile g = gzopen(p.c_str(), "wb");
  gzwrite(g, text.data(), static_cast<unsigned>(text.size()));
  gzclose(g);
  std::ifstream in(p, std::ios::binary);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  remove_temp(p);
  return out;
}

// Many unrelated syslog lines, then one crypto record: what a reader stopped early never sees.
std::string archive(int lines) {
  std::string s;
  for (int i = 0; i < lines; ++i)
    s += fmt::format("Nov 26 10:00:00 10.0.0.1 {}: %SYS-5-CONFIG_I: Configured from console by vty{} ({})\n", i, i % 7,
                     i * 7919 % 65521);
  return s + "Nov 26 10:00:01 10.0.0.1 %CRYPTO-4-IKMP_NO_SA: IKE message from 10.8.8.8 has no SA\n";
}

}  // namespace

TEST_CASE("ingest: a truncated or corrupt .gz keeps what was read before and says where it stopped") {
  std::string gz = gzipped(archive(60000));
  REQUIRE(gz.size() > 4096);
  SUBCASE("truncated") {
    RecordSink rs;
    InputSummary s = ingest_text("cut.log.gz", gz.substr(0, gz.size() - 300), rs);
    CHECK(s.error.empty());  // not unusable: most of it was read
    CHECK(s.read_error.find("truncated") != std::string::npos);
    CHECK(s.lines > 50000);
    CHECK(s.compressed);
  }
  SUBCASE("corrupt near the end") {
    for (size_t i = gz.size() - 2000; i < gz.size() - 1900; ++i) gz[i] = static_cast<char>(gz[i] ^ 0x55);
    RecordSink rs;
    InputSummary s = ingest_text("bad.log.gz", gz, rs);
    CHECK(s.error.empty());
    CHECK(s.read_error.rfind("gzip: ", 0) == 0);
    CHECK(s.read_error.find("<fd:") == std::string::npos);  // zlib's name for the descriptor
    CHECK(s.lines > 40000);
  }
  SUBCASE("nothing but the magic bytes: unusable") {
    RecordSink rs;
    InputSummary s = ingest_text("magic.gz", "\x1f\x8b", rs);
    CHECK(s.error.find("truncated") != std::string::npos);
    CHECK(s.read_error.empty());
  }
}

TEST_CASE("expand_paths: a directory with nothing to read, and a subdirectory that cannot be listed, are reported") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("ipsecdoc-expand-" + std::to_string(::getpid()));
  fs::create_directories(root / "empty" / "sub");
  fs::create_directories(root / "hidden" / ".git");
  std::ofstream(root / "hidden" / ".git" / "x.log") << "ISAKMP (0:1): SA not acceptable!\n";
  ExpandedPaths e = expand_paths({(root / "empty").string(), (root / "hidden").string()});
  CHECK(e.files.empty());
  REQUIRE(e.errors.size() == 2);
  CHECK(e.errors[0].second == "directory holds no file to read");
  CHECK(e.errors[1].second == "directory holds no file to read (1 hidden entry skipped)");
  if (::geteuid() != 0) {  // (root lists any directory)
    fs::create_directories(root / "closed" / "inner");
    std::ofstream(root / "closed" / "inner" / "a.log") << "ISAKMP (0:1): SA not acceptable!\n";
    std::ofstream(root / "closed" / "b.log") << "ISAKMP (0:1): SA not acceptable!\n";
    fs::permissions(root / "closed" / "inner", fs::perms::none);
    ExpandedPaths c = expand_paths({(root / "closed").string()});
    fs::permissions(root / "closed" / "inner", fs::perms::owner_all);
    CHECK(c.files.size() == 1);
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].first == (root / "closed" / "inner").string());
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

TEST_CASE("ingest: a debug record wrapped by an 80-column terminal or by a mail client is folded back whole") {
  const std::string body =
      "IPSEC(validate_proposal_request): proposal part #1, (key eng. msg.) INBOUND local= 192.1.1.40, remote= "
      "192.1.1.42, local_proxy= 192.168.2.0/255.255.255.0/0/0 (type=4), remote_proxy= "
      "192.168.3.0/255.255.255.0/0/0 (type=4), protocol= ESP, transform= esp-aes esp-sha-hmac (Tunnel), lifedur= 0s "
      "and 0kb, spi= 0x0(0), conn_id= 0, keysize= 128, flags= 0x2";
  const std::string line = "*Mar  1 00:42:09.431: " + body;
  const std::string next = "*Mar  1 00:42:09.435: ISAKMP (0:2): atts not acceptable. Next payload is 0\n";
  SUBCASE("terminal: cut every 80 characters, mid-word") {
    std::string text;
    for (size_t i = 0; i < line.size(); i += 80) text += line.substr(i, 80) + "\n";
    REQUIRE(text.find("(key e\nng. msg.)") != std::string::npos);  // a piece that starts with a plain word
    RecordSink rs;
    ingest_text("term.log", text + next, rs);
    CHECK(rs.unrecognized == 0);
    REQUIRE(rs.records.size() == 2);
    CHECK(rs.records[0].body == body);
    CHECK(rs.records[0].where.last_line == (line.size() + 79) / 80);
  }
  SUBCASE("mail client: wrapped at spaces, at several widths") {
    for (size_t width : {60, 66, 72, 76}) {
      std::string text, cur;
      for (size_t b = 0, e; b < line.size(); b = e + 1) {
        e = std::min(line.find(' ', b), line.size());
        std::string_view word(line.data() + b, e - b);
        if (!cur.empty() && cur.size() + 1 + word.size() > width) {
          text += cur + "\n";
          cur.clear();
        }
        if (!cur.empty()) cur += ' ';
        cur += word;
      }
      text += cur + "\n";
      CAPTURE(width);
      CAPTURE(text);
      RecordSink rs;
      ingest_text("mail.log", text + next, rs);
      CHECK(rs.unrecognized == 0);
      REQUIRE(rs.records.size() == 2);
      CHECK(rs.records[0].body == body);
    }
  }
}

TEST_CASE("ingest: pasted notes are cut from the records and counted, never dropped silently") {
  RecordSink rs;
  InputSummary s = ingest_text("notes.log", "*Mar  1 00:42:09.431: ISAKMP (0:2): atts not acceptable. Next payload is 0   <-- this is the error\n"
                                            "IPSEC(spi_response): getting spi 3754627978 for SA (3)\n"
                                            "  from 192.1.1.40 to 192.1.1.42 for prot 3 <== here\n"
                                            "*Mar  1 00:42:09.435: ISAKMP (0:2): SA not acceptable!\n", rs);
  REQUIRE(rs.records.size() == 3);
  CHECK(rs.records[0].body == "ISAKMP (0:2): atts not acceptable. Next payload is 0");
  CHECK(rs.records[1].notes.size() == 2);
  CHECK(s.notes == 3);
}

TEST_CASE("ingest: lines that end in CR CR LF (a CRLF file converted once more) keep their text") {
  std::string text;
  for (const char* l : {"*Mar  1 00:42:09.431: ISAKMP (0:2): atts not acceptable. Next payload is 0",
                        "IPSEC(spi_response): getting spi 3754627978 for SA", "  from 192.1.1.40 to 192.1.1.42 for prot 3",
                        "*Mar  1 00:42:09.435: ISAKMP (0:2): SA not acceptable!"})
    text += std::string(l) + "\r\r\n";
  RecordSink rs;
  InputSummary s = ingest_text("crcr.log", text, rs);
  REQUIRE(rs.records.size() == 3);
  CHECK(rs.records[0].body == "ISAKMP (0:2): atts not acceptable. Next payload is 0");
  CHECK(rs.records[1].body == "IPSEC(spi_response): getting spi 3754627978 for SA from 192.1.1.40 to 192.1.1.42 for prot 3");
  CHECK(s.clean.cr == 8);
  // A CR inside a line is still a return to column 0.
  std::string scratch;
  CleanStats st;
  CHECK(clean_line("R1#sh\rISAKMP: x\r\r", scratch, st) == "ISAKMP: x");
}

TEST_CASE("ingest: a show output stays one section when its own lines look like another command's first line") {
  // `show crypto isakmp sa detail` prints the "IPv4 Crypto ISAKMP SA" line of the plain form;
  // the typed command is abbreviated. Was: four sections, one holding only the family line,
  // read as "No IKE (ISAKMP) SA at all" although two SAs are listed.
  auto a = analyze_text("ingest", "isakmp-detail.txt",
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
  auto a = analyze_text("ingest", "no-prompt.txt",
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
  auto a = analyze_text("ingest", "flush.txt",
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
  REQUIRE(a.shows.size() == 2);
  CHECK(a.unrecognized_total == 0);
  REQUIRE(a.shows[0].parsed.data["sessions"][0]["flows"].size() == 1);
  CHECK(a.shows[0].parsed.data["sessions"][0]["flows"][0]["in_drop"] == 33);
  CHECK(has_rule(a, "packet-errors"));
  CHECK(a.shows[1].parsed.data["maps"][0]["isakmp_profile"] == "PROF");
  CHECK(a.shows[1].parsed.data["maps"][0]["acl"] == "VPN-ACL");
}

TEST_CASE("LineReader: the pieces of an overlong line keep its line number, and the lines after it theirs") {
  std::string text = "first\n" + std::string(10000, 'x') + "\nthird\nlast without newline";
  std::string p = write_temp("ingest", "overlong.log", text);
  for (bool fast : {false, true}) {
    LineReader r(p, 4096);
    std::string_view line;
    uint8_t hints = 0;
    std::vector<std::pair<uint32_t, size_t>> got;  // line number, length
    while (fast ? r.next(line, hints) : r.next(line)) got.emplace_back(r.line_number(), line.size());
    CAPTURE(fast);
    REQUIRE(got.size() >= 5);
    CHECK(got.front() == std::pair<uint32_t, size_t>{1, 5});
    size_t x = 0;
    for (size_t i = 1; i + 2 < got.size(); ++i) {
      CHECK(got[i].first == 2);
      x += got[i].second;
    }
    CHECK(x == 10000);
    CHECK(got[got.size() - 2] == std::pair<uint32_t, size_t>{3, 5});
    CHECK(got.back() == std::pair<uint32_t, size_t>{4, 20});
    CHECK(r.overlong() == 1);  // one line, however many pieces
  }
  remove_temp(p);
}

TEST_CASE("analyze: an event keeps its line's sequence number (service sequence-numbers)") {
  auto a = run({corpus("logs/cases/key-engine-after-refusal.log")});
  REQUIRE(!a.negotiations.empty());
  size_t with_seq = 0, checked = 0;
  bool saw = false;
  for (const auto& n : a.negotiations)
    for (const auto& s : n.steps) {
      ++checked;
      if (s.event.seq >= 0) ++with_seq;
      if (s.event.where.line == 33) {  // "000418: Nov 26 2026 09:02:11.213 UTC: ..."
        saw = true;
        CHECK(s.event.seq == 418);
      }
    }
  CHECK(saw);
  CHECK(with_seq == checked);
}
