// Cisco IOS / IOS-XE `show crypto ...` outputs: which command a block is, its parse into
// structured JSON, and the findings that parse means (rules no-data-sa, one-way-traffic,
// packet-errors, sa-lifetime-low, no-ike-sa).
//
// Parsing is line based and does not depend on indentation, blank lines, tabs or trailing
// blanks (published fixtures strip or mangle all of these). Lines that are not understood
// are reported by line number, never guessed at.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "core/source_line.h"

namespace ipsecdoc::show {

enum class Command {
  IpsecSa,            // show crypto ipsec sa [detail|peer X|interface X|address|ipv6 ...]
  IpsecSaCount,       // show crypto ipsec sa count
  EngineConnections,  // show crypto engine connection(s) active
  IsakmpSa,           // show crypto isakmp sa [active|standby]
  IsakmpSaDetail,     // show crypto isakmp sa detail
  IsakmpSaCount,      // show crypto isakmp sa count
  CryptoMap,          // show crypto map
  TransformSet,       // show crypto ipsec transform-set
  Session,            // show crypto session [remote X|local X|interface X]
  SessionDetail,      // show crypto session ... detail
  Unknown
};

std::string_view command_name(Command c);

// From the text after a prompt, with IOS abbreviations: "sh cry ips sa", "sh crypto isa sa det".
Command command_from_cli(std::string_view cli);

// Without a prompt: does this line start the output of one of the commands? Unknown if not.
// Session and SessionDetail cannot be told apart from the first line; Session is returned.
Command command_from_content(std::string_view line);

// Can the output of `a` contain a line that command_from_content takes for `b`? The same
// command, or its plain/detail twin: "show crypto isakmp sa detail" prints the "IPv4 Crypto
// ISAKMP SA" line of the plain form, "show crypto session detail" the same banner.
bool same_output(Command a, Command b);

// A line inside an output that starts like a crypto debug record once its indentation is
// lost (mail clients, published fixtures): "IPSEC FLOW: ..." (session), "ISAKMP Profile: ..."
// (crypto map), "IPsecv6 policy name: ..." (ipsec sa).
bool is_body_line(std::string_view line);

struct Parsed {
  Command command = Command::Unknown;
  nlohmann::json data = nlohmann::json::object();
  std::vector<uint32_t> unrecognized;  // line numbers of non-blank lines not understood
};

// Never throws; an unknown command yields empty data with every non-blank line unrecognized.
Parsed parse(Command c, const TextSection& section);

// Thresholds for sa-lifetime-low: 10% of the IOS default IPsec lifetime (3600 s / 4608000 kB).
// The configured lifetime is not printed in `show crypto ipsec sa`, so the default is the yardstick.
inline constexpr long long kLowLifetimeSeconds = 360;
inline constexpr long long kLowLifetimeKilobytes = 460800;

std::vector<Finding> read(const Parsed& parsed, const TextSection& section);

}  // namespace ipsecdoc::show
