// Line prefixes (ingest/prefix.h), form by form: what is recognised, the values kept, and
// where the body starts. The benchmark's generator writes these forms by the million; the
// corpus has the device forms of IOS 12.x, 15.x and IOS-XE.
#include <doctest/doctest.h>

#include "ingest/prefix.h"

using namespace ipsecdoc;

namespace {
struct Want {
  const char* line;
  bool present;
  Stamp::Kind kind;
  double seconds;
  const char* stamp;
  int64_t seq;
  const char* sender;
  const char* origin;
  const char* body;
};
constexpr double kNov26 = (304 + 25) * 86400.0;
constexpr double kMar1 = 59 * 86400.0;
using K = Stamp::Kind;
}  // namespace

TEST_CASE("prefix: every form, with its values and the body offset") {
  const Want cases[] = {
      // device stamps
      {"00:27:07: ISAKMP: x", true, K::Uptime, 27 * 60 + 7, "00:27:07", -1, "", "", "ISAKMP: x"},
      {"*00:27:07.123: x", true, K::Uptime, 27 * 60 + 7.123, "*00:27:07.123", -1, "", "", "x"},
      {"1d00h: %CRYPTO-4-X: y", true, K::Uptime, 86400, "1d00h", -1, "", "", "%CRYPTO-4-X: y"},
      {"2w3d: x", true, K::Uptime, 2 * 604800 + 3 * 86400, "2w3d", -1, "", "", "x"},
      {"1y2w: x", true, K::Uptime, 31536000 + 2 * 604800, "1y2w", -1, "", "", "x"},
      {"*Mar  1 00:42:09.431: IPSEC(x): y", true, K::Datetime, kMar1 + 42 * 60 + 9.431, "*Mar  1 00:42:09.431", -1,
       "", "", "IPSEC(x): y"},
      {".Nov 26 10:00:00.123 UTC: x", true, K::Datetime, kNov26 + 36000.123, ".Nov 26 10:00:00.123 UTC", -1, "", "",
       "x"},
      {"Nov 26 10:00:00: x", true, K::Datetime, kNov26 + 36000, "Nov 26 10:00:00", -1, "", "", "x"},
      {"Nov 26 2026 10:00:00.5 CEST: x", true, K::Datetime, kNov26 + 36000.5, "Nov 26 2026 10:00:00.5 CEST", -1, "",
       "", "x"},
      {"000123: *Mar  1 00:00:01: x", true, K::Datetime, kMar1 + 1, "*Mar  1 00:00:01", 123, "", "", "x"},
      {"000123: x", true, K::None, 0, "", 123, "", "", "x"},
      // syslog server in front
      {"Nov 26 00:00:00 10.0.59.38 %LINK-3-UPDOWN: z", true, K::Datetime, kNov26, "Nov 26 00:00:00", -1,
       "10.0.59.38", "", "%LINK-3-UPDOWN: z"},
      {"Nov 26 00:00:00 r1.example.net 084810: r1: .Nov 26 00:59:58.716 EDT: %SEC-5-X: z", true, K::Datetime,
       kNov26 + 3598.716, ".Nov 26 00:59:58.716 EDT", 84810, "r1.example.net", "r1", "%SEC-5-X: z"},
      {"Nov 26 00:00:00 10.0.9.8 999999: 9w9d: %X-1-Y: z", true, K::Uptime, 9 * 604800 + 9 * 86400, "9w9d", 999999,
       "10.0.9.8", "", "%X-1-Y: z"},
      {"Nov 26 00:00:00 10.0.9.8 hq-1: 000042: *Mar  1 00:00:01.000: %X: z", true, K::Datetime, kMar1 + 1,
       "*Mar  1 00:00:01.000", 42, "10.0.9.8", "hq-1", "%X: z"},
      // `logging origin-id ip`
      {"Nov 26 00:00:00 10.0.9.8 128: 10.9.9.9: Nov 26 10:00:00.123: %X: z", true, K::Datetime, kNov26 + 36000.123,
       "Nov 26 10:00:00.123", 128, "10.0.9.8", "10.9.9.9", "%X: z"},
      {"Nov 26 00:00:00 10.0.9.8 10.9.9.9: 000042: *Mar  1 00:00:01: %X: z", true, K::Datetime, kMar1 + 1,
       "*Mar  1 00:00:01", 42, "10.0.9.8", "10.9.9.9", "%X: z"},
      {"Nov 26 00:00:00 10.0.9.8 10.9.9: %X: z", true, K::Datetime, kNov26, "Nov 26 00:00:00", -1, "10.0.9.8", "",
       "10.9.9: %X: z"},
      {"Nov 26 00:00:00 10.0.9.8 hq-1: %X: z", true, K::Datetime, kNov26, "Nov 26 00:00:00", -1, "10.0.9.8", "hq-1",
       "%X: z"},
      {"<189>Nov 26 00:00:01 10.1.1.1 %X: z", true, K::Datetime, kNov26 + 1, "Nov 26 00:00:01", -1, "10.1.1.1", "",
       "%X: z"},
      {"2026-11-26T10:00:00.250Z 10.1.1.1 %X: z", true, K::Datetime, kNov26 + 36000.25, "2026-11-26T10:00:00.250Z",
       -1, "10.1.1.1", "", "%X: z"},
      {"2026-11-26 10:00:00 r2 *Mar  1 00:00:02: %X: z", true, K::Datetime, kMar1 + 2, "*Mar  1 00:00:02", -1, "r2",
       "", "%X: z"},
      // the sender field is never a facility, and a message is not an origin
      {"Nov 26 00:00:00 ISAKMP: x", false, K::None, 0, "", -1, "", "", "Nov 26 00:00:00 ISAKMP: x"},
      {"Nov 26 00:00:00 10.1.1.1 IPSEC(validate): x", true, K::Datetime, kNov26, "Nov 26 00:00:00", -1, "10.1.1.1", "",
       "IPSEC(validate): x"},
      {"Nov 26 00:00:00 10.1.1.1 ISAKMP: x", true, K::Datetime, kNov26, "Nov 26 00:00:00", -1, "10.1.1.1", "",
       "ISAKMP: x"},
      // edges of the fast paths: one-digit hours, long sequence numbers (8 digits are read at
      // once), a day without its padding, fractions longer than the six digits kept
      {"1:02:03: x", true, K::Uptime, 3723, "1:02:03", -1, "", "", "x"},
      {"*1:02:03.5: x", true, K::Uptime, 3723.5, "*1:02:03.5", -1, "", "", "x"},
      {"12345678: x", true, K::None, 0, "", 12345678, "", "", "x"},
      {"1234567890: Nov 26 10:00:00: x", true, K::Datetime, kNov26 + 36000, "Nov 26 10:00:00", 1234567890, "", "",
       "x"},
      {"Nov 6 10:00:00: x", true, K::Datetime, (304 + 5) * 86400.0 + 36000, "Nov 6 10:00:00", -1, "", "", "x"},
      {"00:00:01.1234567: x", false, K::None, 0, "", -1, "", "", "00:00:01.1234567: x"},
      {"00:00:01.123456: x", true, K::Uptime, 1.123456, "00:00:01.123456", -1, "", "", "x"},
      {"Nov 26 00:00:00 10.1.1.1 hq-1: 12345678: %X: z", true, K::Datetime, kNov26, "Nov 26 00:00:00", 12345678,
       "10.1.1.1", "hq-1", "%X: z"},
      // not prefixes
      {"12345678901: x", false, K::None, 0, "", -1, "", "", "12345678901: x"},
      {"12:34:5: x", false, K::None, 0, "", -1, "", "", "12:34:5: x"},
      {"1a:34:56: x", false, K::None, 0, "", -1, "", "", "1a:34:56: x"},
      {"12;34:56: x", false, K::None, 0, "", -1, "", "", "12;34:56: x"},
      {"ISAKMP: x", false, K::None, 0, "", -1, "", "", "ISAKMP: x"},
      {"Mar  1 junk", false, K::None, 0, "", -1, "", "", "Mar  1 junk"},
      {"12:3:45: x", false, K::None, 0, "", -1, "", "", "12:3:45: x"},
      {"", false, K::None, 0, "", -1, "", "", ""},
      {"Nov", false, K::None, 0, "", -1, "", "", "Nov"},
      {"Nov 26 10:00", false, K::None, 0, "", -1, "", "", "Nov 26 10:00"},
  };
  for (const Want& w : cases) {
    INFO(w.line);
    std::string_view line = w.line;
    LinePrefix p = parse_prefix(line);
    CHECK(p.present == w.present);
    CHECK(p.stamp.kind == w.kind);
    CHECK(p.stamp.seconds == doctest::Approx(w.seconds));
    CHECK(p.stamp.text.view() == std::string_view(w.stamp));
    CHECK(p.seq == w.seq);
    CHECK(p.sender == std::string_view(w.sender));
    CHECK(p.origin == std::string_view(w.origin));
    CHECK(line.substr(p.body) == std::string_view(w.body));
  }
}

TEST_CASE("prefix: clock markers and a stamp's length without the trailing colon") {
  Stamp s;
  CHECK(parse_stamp("*Mar  1 00:42:09.431: x", s) == 20);
  CHECK(s.clock_marker == '*');
  CHECK(parse_stamp(".00:00:01: x", s) == 9);
  CHECK(s.clock_marker == '.');
  CHECK(parse_stamp("Nov 26 10:00:00 CHADT: x", s) == 21);  // zones have 2-5 letters
  CHECK(parse_stamp("Nov 26 10:00:00 ISAKMP: x", s) == 15);  // six letters: a message, not a zone
  CHECK(parse_stamp("Nov 26 10:00:00 U: x", s) == 15);     // one letter is not a zone
  CHECK(parse_stamp("hello", s) == 0);
}
