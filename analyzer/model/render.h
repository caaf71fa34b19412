// Renders a model trace as the debug output one device would print (debug crypto isakmp +
// debug crypto ipsec + %CRYPTO syslog), in the formats of each release (reference §5.2, §2.2).
// Multi-line records are a head line plus indented continuation lines, as IOS prints them.
// Pure: returns lines, prints nothing.
#pragma once
#include <string>
#include <vector>

#include "model/model.h"

namespace ipsecdoc::model {

struct RenderOptions {
  bool timestamps = true;   // fixed fake clock "*Mar  1 00:00:01.000: ", +4 ms per trace event
  bool isakmp = true;       // debug crypto isakmp lines
  bool ipsec = true;        // debug crypto ipsec lines (IPSEC(...), Crypto mapdb)
  bool syslog = true;       // %CRYPTO-* messages
};

// Which debug facility prints an event kind: 'k' isakmp, 'i' ipsec, 's' syslog.
char event_facility(EventKind k);

// One record (head line + continuation lines) for one trace event in one dialect; empty when
// that release does not print the event.
std::vector<std::string> render_event(const TraceEvent& e, Dialect d);

// All lines `device` prints for the trace.
std::vector<std::string> render(const ReplayResult& r, const std::string& device, Dialect d,
                                const RenderOptions& opt = {});

std::string_view dialect_name(Dialect d);  // "12.x", "15.x", "IOS-XE"

}  // namespace ipsecdoc::model
