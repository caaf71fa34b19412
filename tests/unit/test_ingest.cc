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

TEST_CASE("ingest: the router's answers to debug and undebug are known lines, not unrecognized ones") {
  std::string p = write_temp("ingest", "echo.log",
                             "R1#debug crypto isakmp\n"
                             "Crypto ISAKMP debugging is on\n"
                             "*Mar  1 00:00:01: ISAKMP:(0): SA request profile is (NULL)\n"
                             "R1#undebug all\n"
                             "All possible debugging has been turned off\n"
                             "R1#debug all\n"
                             "This may severely impact network performance. Continue? (yes/[no]): yes\n"
                             "All possible debugging has been turned on\n");
  RecordSink rs;
  ingest_input(p, 0, rs, IngestOptions{});
  remove_temp(p);
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
  std::string p = write_temp("ingest", "long.log", "short junk line\n" + junk + "\n");
  auto a = run({p});
  remove_temp(p);
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
  std::string p = write_temp("ingest", "records.log", text);
  RecordSink rs;
  InputSummary sum = ingest_input(p, 0, rs, opt);
  remove_temp(p);
  REQUIRE(rs.records.size() == 3);
  CHECK(rs.records[0].body.size() == 100);
  CHECK(rs.records[1].body.size() == 100);
  CHECK(rs.records[1].body.find('e') == std::string::npos);
  CHECK(rs.records[1].body.substr(rs.records[1].body.size() - 14) == " " + std::string(13, 'd'));
  CHECK(rs.records[1].where.last_line == 5);  // the cut lines still belong to the record
  CHECK(rs.records[2].body.size() < 100);
  CHECK(sum.long_records == 2);
}
