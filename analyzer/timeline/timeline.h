// Timeline: groups tokenized events into negotiations per device — IKE SAs (Phase 1,
// keyed by ISAKMP connection id) and Quick Mode exchanges (Phase 2, including the
// IPSEC(...) lines that carry no connection id) — with role, addresses, proxies,
// transforms, SPIs, outcome and a plain-language explanation of every step.
// A line goes by what it names — connection id (which also gives the phase: "(0)" is an IKE
// SA without id yet), peer address, SPI, transform — and only when it names nothing by the
// step it continues (an attribute line the open proposal check, enable_outbound the exchange
// whose SAs were created) or, last, the focus (the negotiation that took the previous line).
// Streaming: a negotiation is handed to the sink as soon as it is closed; only open
// negotiations are kept (bounded per device), so memory does not grow with the input.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/event.h"

namespace ipsecdoc {

class Tokenizer;

struct Step {
  Event event;
  std::string explain;  // empty until a report renders it (Tokenizer::explain)
};

struct Negotiation {
  uint32_t id = 0;
  int phase = 2;                 // 1 = IKE SA (Main/Aggressive Mode), 2 = Quick Mode exchange
  uint32_t input = 0;
  std::string device;            // may be empty when the capture does not name it
  std::string role = "unknown";  // initiator | responder | unknown
  std::string local, peer;       // outer (IKE/ESP) addresses
  int conn_id = -1;              // ISAKMP connection id
  uint32_t ike = 0;              // id of the IKE SA negotiation this exchange ran under (0 = unknown)
  std::string local_proxy, remote_proxy;  // IOS form a/m/p/p
  std::vector<std::string> transforms;    // offered or used, canonical keywords
  std::string inbound_spi, outbound_spi;
  std::string map, map_seq, pfs_group, mode;
  std::string outcome = "incomplete";     // established | failed | incomplete
  std::string failure;                    // rule id, set by the diagnosis rules
  Stamp first, last;
  std::vector<Step> steps;
  uint32_t steps_omitted = 0;             // beyond the per-negotiation cap; counted, not lost silently
  uint64_t kinds = 0, kinds2 = 0;         // bitset of EventKinds seen (see has())
  uint64_t touched = 0;                   // builder clock when it last took an event
  uint64_t proposal_at = 0;               // builder clock of its last proposal check/request (responder side)
  uint64_t checked_at = 0;                // ... and of the last validation error it took
  bool provisional = false;               // an IKE SA id seen before it was known which id-less SA got it
  bool block_open = false;                // a proposal is being checked: its attribute lines are still due
  uint8_t esp = 0;                        // IPsec DOI transform id of the ESP transform last offered (0 = unknown)
  uint64_t validate_at = 0;               // builder clock of its last IPSEC(validate_proposal_request)
  int64_t mid = 0;                        // Quick Mode message id ("M-ID of", "message ID =", "Node"), 0 = not seen

  bool has(EventKind k) const {
    auto i = static_cast<unsigned>(k);
    return i < 64 ? (kinds >> i) & 1u : (kinds2 >> (i - 64)) & 1u;
  }
  void mark(EventKind k) {
    auto i = static_cast<unsigned>(k);
    if (i < 64) kinds |= uint64_t{1} << i;
    else kinds2 |= uint64_t{1} << (i - 64);
  }
  const Event* first_of(EventKind k) const {
    for (const auto& s : steps)
      if (s.event.kind == k) return &s.event;
    return nullptr;
  }
  double duration() const;  // seconds between first and last stamp, <0 if unknown
};

class TimelineBuilder {
 public:
  using Sink = std::function<void(Negotiation&&)>;
  using StandaloneSink = std::function<void(Event&&)>;
  TimelineBuilder(const Tokenizer& tok, Sink on_close, StandaloneSink on_standalone, size_t max_steps = 200);
  ~TimelineBuilder();

  // Takes e's content; e is left valid, possibly holding buffers of an older event (whose
  // capacity a caller that reuses e writes the next one into).
  void add(Event&& e);
  void finish();  // closes everything still open, in order of creation

 private:
  struct DeviceState;
  DeviceState& state_for(const Event& e);
  DeviceState& switch_device(const Event& e);  // state_for when the device is not the last one
  Negotiation* new_negotiation(DeviceState& d, const Event& e, int phase);
  Negotiation* ipsec_exchange(DeviceState& d, Negotiation* focus, const Event& e, std::string_view& peer);
  void learn(Negotiation& n, const Event& e);
  void attach(DeviceState& d, Negotiation& n, Event&& e);
  void merge(DeviceState& d, Negotiation& from, Negotiation& into);
  void close(DeviceState& d, uint32_t id);
  void close_idle(DeviceState& d);

  const Tokenizer& tok_;
  Sink sink_;
  StandaloneSink standalone_;
  size_t max_steps_;
  uint32_t next_id_ = 1;
  uint64_t clock_ = 0;       // events seen, all devices
  size_t open_total_ = 0;
  std::map<std::string, std::unique_ptr<DeviceState>> devices_;
  DeviceState* last_state_ = nullptr;  // state_for's answer for the previous event
  std::string last_device_;
  uint32_t last_input_ = 0;
  // Step vectors of closed negotiations the sink left behind (cleared, capacity kept): a
  // new negotiation takes one instead of allocating ~7 KB, which glibc serves slowly.
  static constexpr size_t kSpareSteps = 16;  // (more gave no fewer instructions)
  std::vector<std::vector<Step>> spare_steps_;
  // Closed negotiations' steps the sink left behind, as they were (at most about
  // kDonorSteps of them): add() hands the text and field buffers of their events, last
  // first, back in the event it was given (see attach), so a producer that reuses its Event
  // (the tokenizer's caller, the pipeline) writes the next record into memory it already has
  // instead of two new allocations per record. Only the two buffers are handed back (moving
  // and swapping whole events cost ~150 instructions a record more).
  static constexpr size_t kDonorSteps = 512;
  std::vector<std::vector<Step>> donors_;
  size_t donor_steps_ = 0;  // steps in donors_
};

}  // namespace ipsecdoc
