// Line prefixes IOS and syslog servers put in front of a message (reference §5.1):
//   [server-time host [seq:] [origin-id:]] [seq:] [*|.]timestamp: body
// Timestamps: uptime "00:27:07:", "1d00h:", "2w3d:"; datetime "*Mar  1 00:42:09.431:",
// ".Nov 26 10:00:00.123 UTC:", with or without msec, year or time zone. The prefix is
// kept as fields (stamp, sequence number, sender, origin host), not thrown away.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/event.h"

namespace ipsecdoc {

struct LinePrefix {
  bool present = false;         // anything recognised before the body
  Stamp stamp;                  // device timestamp (or the server's when the device sent none)
  int64_t seq = -1;             // `service sequence-numbers` value
  std::string_view sender;      // syslog server's sender field (IP or host)
  std::string_view origin;      // `logging origin-id` host
  size_t body = 0;              // offset of the message body in the line
  // Set by scan_prefix(line, true, ·), which leaves `stamp` unset: whether the stamp is still
  // to be read, by finish_prefix (0: `stamp` is set, or there is none; 1: a stamp at stamp_at;
  // 2: an ISO 8601 server stamp there). Where the stamp is (stamp_at, stamp_len) is set by
  // every scan that finds one.
  uint8_t stamp_pending = 0;
  uint32_t stamp_at = 0, stamp_len = 0;
};

// Parses the prefix of `line`. Never fails: when nothing is recognised, present=false and
// body=0. The string_views point into `line`.
LinePrefix parse_prefix(std::string_view line);

// parse_prefix in two steps, for a caller that may not need the stamp: ingest never reads the
// stamp of a line that turns out to be other syslog (most of an archive). scan_prefix(line,
// true, out) sets every field of `out` but `stamp` (it only finds where the stamp ends, which
// is what the other fields depend on); finish_prefix then sets `stamp`. With lazy=false,
// scan_prefix sets out = parse_prefix(line) and finish_prefix does nothing. Either way, after
// finish_prefix, out is parse_prefix(line) field for field (test_ingest_reference.cc). (Written
// in place: LinePrefix is not small and this runs for every line.)
void scan_prefix(std::string_view line, bool lazy, LinePrefix& out);

// What ingest_prefix (ingest.h) carries from line to line; only its cost depends on it.
struct PrefixScanState {
  bool lazy = true;  // scan the next line lazily (the last line with a prefix was other syslog)
  // A datetime stamp at the start of a line (a syslog server's, the same on most lines of an
  // archive) up to the end of its clock: any line of 40+ characters that starts with the same
  // characters the scan read (the core, the one after it, and one more when that one is a '.':
  // memo_read in prefix.cc) scans to the same place with the same values.
  struct {
    char key[32];
    uint8_t core = 0;     // 0: none yet
    bool values = false;  // kind/seconds/marker are set
    Stamp::Kind kind = Stamp::Kind::None;
    double seconds = 0;
    char marker = 0;
  } memo;
  // The shape of the last prefix of a debug capture ("018963: Nov 26 2026 00:00:01.204 UTC: ",
  // "032884: *Mar 14 19:53:26.650: "): the next lines repeat it with other digits. A line of
  // kShapeLine characters or more whose characters up to its body's first one are the key's,
  // but for digits in place of the key's digits, has the key's prefix with the values of its
  // own digits (why: ingest_prefix in prefix.cc).
  static constexpr size_t kShapeLine = 48;
  struct {
    char key[kShapeLine];  // the first characters of the last line with this shape
    uint64_t digits = 0;   // bit i: key[i] is a digit
    uint8_t body = 0;      // the body's offset (0: no shape yet)
    uint8_t stamp_at = 0, stamp_len = 0;  // the stamp; a sequence number before it when at > 0
    bool values = false;   // `stamp` is the key's stamp, read
    Stamp stamp;
    // With values: the stamp's clock (clock_len 0: not known), and stamp.seconds minus the
    // clock's value (as scan_stamp adds them): a line whose stamp differs only in the clock's
    // characters has that base plus its own clock's value.
    uint8_t clock_at = 0, clock_len = 0;
    double base = 0;
  } shape;
};
void finish_prefix(std::string_view line, LinePrefix& p);

// Parses one timestamp at the start of s ("*Mar  1 00:42:09.431 UTC" or "00:27:07" or
// "1d00h"), returning the number of characters used (0 if none), without the trailing ':'.
size_t parse_stamp(std::string_view s, Stamp& out);

}  // namespace ipsecdoc
