// The reference model of how IOS negotiates IKEv1 (Main Mode + Quick Mode) with crypto maps.
//
// Sans-I/O (like h11 / strongSwan tasks): two parsed configs and a trigger packet in, an outcome
// and a typed event trace out. The trace uses the same Event type the tokenizer produces, so a
// rendered trace (render.h) read back through ingest + tokenizer gives the same events.
//
// Every decision cites the domain reference (docs: ios-ipsec-reference.md §n). Behaviour the
// reference marks '?' is an explicit ModelOptions switch with a documented default.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/event.h"
#include "core/ip.h"

namespace ipsecdoc::model {

// The first packet that makes the initiator look for an SA.
struct Trigger {
  uint32_t src = 0, dst = 0;
  uint8_t proto = 0;   // 0 = "a ping" (treated as ICMP, protocol 1): the usual trigger
  uint16_t port = 0;   // destination port (tcp/udp)
  uint16_t sport = 0;  // source port (tcp/udp): 0 = any; an ACL line `permit tcp A eq 443 B` needs it
};

// "10.1.1.1 -> 10.2.2.1" (with " proto N" / " port N" when set), for reports.
std::string trigger_text(const Trigger& t);

// IOS releases whose debug output differs (reference §5.2).
enum class Dialect { Ios12, Ios15, IosXe };
constexpr uint8_t dialect_bit(Dialect d) { return static_cast<uint8_t>(1u << static_cast<unsigned>(d)); }
constexpr uint8_t kAllDialects = 0x7;
constexpr uint8_t kIos12Only = 0x1;
constexpr uint8_t kIos15AndXe = 0x6;
constexpr uint8_t kXeOnly = 0x4;

struct ModelOptions {
  // §6.1: when the first entry whose ACL covers the proxies (and lists the peer) fails the
  // transform or PFS check, look at later entries that also cover the proxies and list the peer
  // (the function is called map_db_find_best). Unconfirmed; the name suggests it.
  bool responder_keeps_searching = true;
  // §2.3.3: initiator offers PFS, responder entry has no `set pfs`: documented "accept" for PIX,
  // one IOS 12.x lab agrees; unverified on IOS-XE.
  bool accept_initiator_pfs_when_responder_has_none = true;
  // §2.3.2: both sides do PFS with different groups -> reject. (The config model cannot tell a
  // bare `set pfs` from `set pfs group1`, so the "group1 accepts group2" nuance is not modelled.)
  bool pfs_groups_must_match = true;
  // §2.2 step 3: when NO entry of the map lists the sender P, which address does
  // "peer address X not found" print? The reference (from memory of TAC 5409) says P. When the
  // proxies land in an entry of another peer (seed Example 19-16) IOS prints THAT entry's peer
  // (captured), which is always reproduced. false = print the sender (default).
  bool peer_not_found_prints_entry_peer = false;
  // §1.3.1: move to the next `set peer` when Phase 1 with the current one fails.
  bool peer_failover = true;
  // Main Mode retransmissions before "Death by retransmission P1" (IOS default 5, I).
  int p1_retransmits = 5;
  // Phase-1 lifetime and Phase-2 lifetimes never fail (§4.1.5, §2.4); not a switch.
};

// One record a device prints, in protocol order. `event.kind` and `event.fields` carry what the
// tokenizer would extract (local, remote, local_proxy, remote_proxy in IOS a/m/p/p form,
// transform as canonical keywords, peer, address, spi, map, seq, state, role, ...). Field names
// starting with '_' are rendering hints (which attribute line, ...), not part of the event.
// `event.conn_id` is the device's IKE SA number (0 before it has one, -1 for lines without a
// connection id); the renderer maps it to each release's numbering (12.x N, 15.x/XE 1000+N).
struct TraceEvent {
  std::string device;
  Event event;
  uint8_t dialects = kAllDialects;  // releases that print this record (bit per Dialect)
  bool printed_by(Dialect d) const { return (dialects & dialect_bit(d)) != 0; }
};

struct ReplayResult {
  std::string initiator, responder;   // hostnames ("" when no device answers)
  Trigger trigger;
  std::string outcome;                // "established" | "failed" | "no-crypto"
  std::string failure;                // diagnosis rule id, "" unless failed
  std::string failing_check;          // model step that failed (e.g. "qm-transform"), "" if none
  std::vector<TraceEvent> trace;      // both devices interleaved in protocol order
  std::vector<std::string> notes;     // decisions worth explaining (fallbacks, assumptions)

  // What was negotiated / attempted (empty when not reached).
  std::string initiator_entry;        // "mymap 10"
  std::string responder_entry;        // entry that accepted (or was selected when it failed)
  uint32_t initiator_address = 0;     // IKE local address of the initiator
  uint32_t peer_address = 0;          // address the initiator sent IKE to
  Proxy local_proxy, remote_proxy;    // initiator's view
  std::string transform;              // accepted transform set keywords
  int pfs_group = 0;
  uint64_t lifetime_seconds = 0, lifetime_kb = 0;
};

// What a replay keeps in `trace`: every device's records (default), one device's records only
// (`device`: what rendering that device's log needs), or none (`trace` = false: the verdict,
// every other field of ReplayResult). The decisions never read the trace: records nobody reads
// (a fix check's, the peer's when only the logging router's log is compared) are not built.
struct Keep {
  bool trace = true;
  std::string device;  // "" = every device
  static Keep verdict() { return {false, ""}; }
  static Keep device_only(std::string d) { return {true, std::move(d)}; }
};

// Replays the negotiation the trigger causes. `from_device` names the initiator (hostname);
// "" = the device whose inside networks / crypto ACL hold trigger.src. Never throws.
ReplayResult replay(const std::vector<const DeviceConfig*>& devices, const Trigger& trigger,
                    const std::string& from_device = "", const ModelOptions& options = {},
                    const Keep& keep = {});

// Diagnosis rule ids the model can produce, in the order IOS meets the checks (the first failing
// one wins when several faults are present).
const std::vector<std::string>& failure_ids_in_check_order();

}  // namespace ipsecdoc::model
