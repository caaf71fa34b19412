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
};

// Parses the prefix of `line`. Never fails: when nothing is recognised, present=false and
// body=0. The string_views point into `line`.
LinePrefix parse_prefix(std::string_view line);

// Parses one timestamp at the start of s ("*Mar  1 00:42:09.431 UTC" or "00:27:07" or
// "1d00h"), returning the number of characters used (0 if none), without the trailing ':'.
size_t parse_stamp(std::string_view s, Stamp& out);

}  // namespace ipsecdoc
