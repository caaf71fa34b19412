#include "timeline/timeline.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

#include "core/text_hash.h"
#include "tokenize/tokenizer.h"

namespace ipsecdoc {
namespace {

// Negotiation's outcome and role are compared with literals on every event: `x == "failed"_is`
// compares the lengths, then the bytes with a load or two (same_text). (As string_views,
// std::string_view::compare was a call, and memcmp another.) The lengths are compared here,
// inline: GCC calls same_text at most of these, and most of them differ in length (an outcome
// "incomplete" against "established"); learn alone made ~1.3 M such calls on a 100 MB capture
// (-1.3 M instructions on a 10 MB slice).
struct Literal {
  std::string_view text;
};
constexpr Literal operator""_is(const char* s, size_t n) { return {{s, n}}; }
bool operator==(std::string_view a, Literal b) { return a.size() == b.text.size() && same_text(a, b.text); }

bool decisive_qm_failure(EventKind k) {
  switch (k) {
    case EventKind::TransformNotSupported:
    case EventKind::ProxyNotSupported:
    case EventKind::MapDbNoMatch:
    case EventKind::PolicyInvalidated:
    case EventKind::InvalidLocalAddress:
    case EventKind::PeerNotFound:
    case EventKind::InvalidProxyIds:
    case EventKind::AttsNotAcceptable:
    case EventKind::SaNotAcceptable:
    case EventKind::P2PolicyNotAcceptable:
    case EventKind::ProposalNotChosenSent:
    case EventKind::ProposalNotChosenRecv:
    case EventKind::ModeFailure:
      return true;
    default:
      return false;
  }
}

bool decisive_ike_failure(EventKind k) {
  switch (k) {
    case EventKind::P1NoOffers:
    case EventKind::P1PolicyNotAcceptable:
    case EventKind::PskNotFound:
    case EventKind::SanityFail:
    case EventKind::ModeFailure:
    case EventKind::P1RetransmitGiveUp:
    case EventKind::StartMmFailed:
    case EventKind::AttsNotAcceptable:
    case EventKind::SaNotAcceptable:
    case EventKind::ProposalNotChosenRecv:
    case EventKind::ProposalNotChosenSent:
      return true;
    default:
      return false;
  }
}

// The responder's validation errors that IOS prints without a connection id or an address
// (IPSEC(validate_transform_proposal): proxy identities not supported, ...).
bool responder_check_failure(EventKind k) {
  switch (k) {
    case EventKind::TransformNotSupported:
    case EventKind::ProxyNotSupported:
    case EventKind::MapDbNoMatch:
    case EventKind::InvalidLocalAddress:
    case EventKind::PeerNotFound:
      return true;
    default:
      return false;
  }
}

// IPsec DOI ESP transform id named by an attribute line ("transform 1, ESP_3DES") or a
// transform error ("{esp-3des esp-sha-hmac }", "(port 3, trans 3, hmac_alg 2)"); 0 = unknown.
uint8_t esp_id(const Event& e) {
  std::string_view t;
  if (e.kind == EventKind::P2Attribute) {
    t = e.get("esp_id");
    if (t.size() > 4 && t.substr(0, 4) == "ESP_"_is) t.remove_prefix(4);
  } else if (e.kind == EventKind::TransformNotSupported) {
    std::string_view num = e.get("trans");
    if (!num.empty()) {
      unsigned v = 0;
      for (char c : num) v = v * 10 + static_cast<unsigned>(c - '0');
      return v < 256 ? static_cast<uint8_t>(v) : 0;
    }
    t = e.get("transform");
    if (t.size() > 4 && t.substr(0, 4) == "esp-"_is) t.remove_prefix(4);
    t = t.substr(0, t.find(' '));
  }
  if (t.empty()) return 0;
  auto is = [&](std::string_view w) {
    return t.size() == w.size() && std::equal(t.begin(), t.end(), w.begin(), [](char a, char b) { return std::tolower(a) == b; });
  };
  if (is("des")) return 2;
  if (is("3des")) return 3;
  if (is("null")) return 11;
  if (is("aes")) return 12;
  if (is("gcm")) return 20;
  if (is("gmac")) return 21;
  return 0;
}

bool qm_success(EventKind k) {
  return k == EventKind::CreateSa || k == EventKind::SaInstalled || k == EventKind::EnableOutbound ||
         k == EventKind::QmComplete;
}

// The lines that end a Quick Mode exchange's refusal: after them no other proposal of the
// exchange is checked. (A transform error or "atts not acceptable" alone refuses one
// proposal: the responder goes on with the next, "Checking IPSec proposal 2".)
bool qm_refused(const Negotiation& n) {
  return n.has(EventKind::SaNotAcceptable) || n.has(EventKind::P2PolicyNotAcceptable) ||
         n.has(EventKind::ProposalNotChosenSent) || n.has(EventKind::ProposalNotChosenRecv) ||
         n.has(EventKind::ModeFailure) || n.has(EventKind::DeleteNode);
}

// s.find(w) != npos for a short w, inline (string_view::find calls memchr, then memcmp for
// every candidate).
bool contains(std::string_view s, std::string_view w) {
  if (w.empty()) return true;
  for (size_t i = 0; i + w.size() <= s.size(); ++i)
    if (s[i] == w[0] && same_text(s.substr(i, w.size()), w)) return true;
  return false;
}

// The ISAKMP message id a line names (0: none; Main Mode's is 0 too): "M-ID of N", "message
// ID = N", "Node N, Input", "deleting node N".
int64_t message_id(const Event& e) {
  std::string_view t = e.get("mid");
  if (t.empty()) t = e.get("node");
  int64_t v = 0;
  if (!t.empty()) std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

// A line that starts a Quick Mode exchange and says its message id: the initiator's "beginning
// Quick Mode exchange, M-ID of N", the responder's "processing SA payload. message ID = N"
// (Informational exchanges, DPD and deletes, carry no SA payload).
bool names_new_qm(const Event& e) {
  return e.kind == EventKind::QmBegin || (e.kind == EventKind::IsakmpOther && e.get("payload") == "SA"_is);
}

// An IKE SA of this router that has no connection id yet ("(0)" or none printed), which the
// next id may be. Not the SA a peer's message without one stood for (%CRYPTO-4-IKMP_NO_SA):
// that never becomes an SA of this router (adopting it gave a later Main Mode its peer).
bool awaits_id(const Negotiation& n) { return n.phase == 1 && n.conn_id <= 0 && !n.has(EventKind::NoSa); }

bool starts_qm(const Event& e) {
  return (e.kind == EventKind::ProposalRequest && (e.get("part") == "1"_is || e.get("part").empty())) ||
         e.kind == EventKind::SaRequest || e.kind == EventKind::QmBegin;
}

// Which phase an event belongs to when its kind alone does not say.
int phase_hint(const Event& e) {
  int p = event_kind_phase(e.kind);
  if (p != 0) return p;
  switch (e.kind) {
    case EventKind::StateChange: {  // QM in either state (the two joined could put Q|M across them)
      std::string_view to = e.get("new"), from = e.get("old");
      bool qm = contains(to, "QM") || contains(from, "QM") ||
                (!to.empty() && to.back() == 'Q' && !from.empty() && from.front() == 'M');
      return qm ? 2 : 1;
    }
    case EventKind::ProposalNotChosenSent:
    case EventKind::ProposalNotChosenRecv:
    case EventKind::NotifySent:
    case EventKind::NotifyReceived:
      return e.get("protocol") == "1"_is ? 1 : e.get("protocol").empty() ? 0 : 2;
    case EventKind::ModeFailure:
      return e.get("mode") == "Quick"_is ? 2 : 1;
    case EventKind::DeleteSa:
      return 1;
    case EventKind::PacketSent:
    case EventKind::PacketReceived: {
      std::string_view st = e.get("state").substr(0, 2);
      return st == "QM"_is ? 2 : (st == "MM"_is || st == "AG"_is || st == "NE"_is) ? 1 : 0;  // NEW SA: a Main Mode offer
    }
    case EventKind::InputEvent: {  // "Input = IKE_MESG_FROM_PEER, IKE_MM_EXCH" / "..., IKE_QM_EXCH"
      // "_QM" anywhere: 2, else "_MM" or "_AM": 1 — in one pass (three find()s took a memchr
      // and a memcmp call for every '_', ~650 instructions on such a line)
      std::string_view in = e.get("input");
      int phase = 0;
      for (size_t i = 0; i + 2 < in.size(); ++i) {
        if (in[i] != '_' || in[i + 2] != 'M') continue;
        if (in[i + 1] == 'Q') return 2;
        if (in[i + 1] == 'M' || in[i + 1] == 'A') phase = 1;
      }
      return phase;
    }
    default:
      return 0;
  }
}

// The first non-empty of fields remote, peer, peer2 (in that order of preference): one
// pass over the fields (three lookups walked them three times, for every event). A view
// into e's fields, valid while e is.
std::string_view event_peer(const Event& e) { return e.fields.preferred({"remote", "peer", "peer2"}); }

}  // namespace

double Negotiation::duration() const {
  if (first.kind == Stamp::Kind::None || last.kind != first.kind) return -1;
  return last.seconds - first.seconds;
}

struct TimelineBuilder::DeviceState {
  std::string key;
  std::vector<std::unique_ptr<Negotiation>> open;  // in creation order
  uint32_t focus = 0;                               // negotiation that took the last event
  uint64_t events = 0;

  // The last answer is remembered (most events go to the negotiation of the one before);
  // forget() when a negotiation leaves `open`.
  Negotiation* find(uint32_t id) {
    if (id == found_id && found) return found;
    for (auto& n : open)
      if (n->id == id) {
        found_id = id;
        return found = n.get();
      }
    return nullptr;
  }
  void forget(uint32_t id) {
    if (id == found_id) found = nullptr;
  }

 private:
  Negotiation* found = nullptr;
  uint32_t found_id = 0;
};

TimelineBuilder::TimelineBuilder(const Tokenizer& tok, Sink on_close, StandaloneSink on_standalone, size_t max_steps)
    : tok_(tok), sink_(std::move(on_close)), standalone_(std::move(on_standalone)), max_steps_(max_steps) {}

TimelineBuilder::~TimelineBuilder() = default;

TimelineBuilder::DeviceState& TimelineBuilder::state_for(const Event& e) {
  // Consecutive events mostly come from the same device: skip building the key.
  if (last_state_ && same_text(last_device_, e.device) && (!e.device.empty() || last_input_ == e.where.input))
    return *last_state_;
  return switch_device(e);
}

// (Out of line: with the map lookup and the key's building inlined, every event paid for
// saving and restoring the registers they use.)
[[gnu::noinline]] TimelineBuilder::DeviceState& TimelineBuilder::switch_device(const Event& e) {
  last_device_ = e.device;
  last_input_ = e.where.input;
  std::string key = e.device.empty() ? "#" + std::to_string(e.where.input) : e.device;
  auto& slot = devices_[key];
  if (!slot) {
    slot = std::make_unique<DeviceState>();
    slot->key = key;
  }
  last_state_ = slot.get();  // devices are never removed: the pointer stays valid
  return *slot;
}

Negotiation* TimelineBuilder::new_negotiation(DeviceState& d, const Event& e, int phase) {
  // Bound the open set: close the least recently touched when too many are open.
  constexpr size_t kMaxOpen = 64;        // per device
  constexpr size_t kMaxOpenTotal = 256;  // all devices: a capture that moves on to another device
                                         // must not keep the first one's unfinished exchanges forever
  if (d.open.size() >= kMaxOpen) {
    uint32_t oldest = d.open.front()->id;
    uint64_t best = UINT64_MAX;
    for (auto& n : d.open)
      if (n->touched < best) best = n->touched, oldest = n->id;
    close(d, oldest);
  }
  if (open_total_ >= kMaxOpenTotal) {
    DeviceState* who = nullptr;
    uint32_t oldest = 0;
    uint64_t best = UINT64_MAX;
    for (auto& [k, dev] : devices_)
      for (auto& n : dev->open)
        if (n->touched < best) best = n->touched, oldest = n->id, who = dev.get();
    if (who) close(*who, oldest);
  }
  auto n = std::make_unique<Negotiation>();
  n->id = next_id_++;
  n->phase = phase;
  n->input = e.where.input;
  n->device = e.device;
  n->first = e.stamp;
  n->touched = clock_;
  d.open.push_back(std::move(n));
  ++open_total_;
  return d.open.back().get();
}

// `to = std::move(from)` as destruction and move construction: for the buffers handed back
// to an event just moved from (see attach), std::string's move assignment was a call of ~27
// instructions, its move constructor is ~8 inline.
template <class T>
void move_into(T& to, T& from) {
  std::destroy_at(&to);
  std::construct_at(&to, std::move(from));
}

// Negotiations of a debug capture take ~27 steps on average: one allocation, few moves.
constexpr size_t kStepsReserve = 32;

void TimelineBuilder::close(DeviceState& d, uint32_t id) {
  auto it = std::find_if(d.open.begin(), d.open.end(), [&](auto& n) { return n->id == id; });
  if (it == d.open.end()) return;
  std::unique_ptr<Negotiation> n = std::move(*it);
  d.open.erase(it);
  d.forget(id);
  --open_total_;
  if (d.focus == id) d.focus = 0;
  sink_(std::move(*n));
  // What the sink left of its steps is kept whole (bounded): attach() takes the buffers of
  // their events one by one, from the back, and an emptied vector becomes a spare step vector.
  // (Moving each step's two buffers into a list of spares here, and out again in attach(),
  // cost ~80 instructions a step more.)
  if (!n->steps.empty() && donor_steps_ < kDonorSteps) {
    donor_steps_ += n->steps.size();
    donors_.push_back(std::move(n->steps));
  } else if (n->steps.capacity() >= kStepsReserve && spare_steps_.size() < kSpareSteps) {
    n->steps.clear();
    spare_steps_.push_back(std::move(n->steps));
  }
}

// Negotiations whose outcome is known and that have not been touched for a while are done.
void TimelineBuilder::close_idle(DeviceState& d) {
  constexpr uint64_t kIdleEvents = 200;
  std::vector<uint32_t> done;
  for (auto& n : d.open) {
    uint64_t idle = clock_ - n->touched;
    if (idle > kIdleEvents && (n->outcome != "incomplete"_is || idle > 4 * kIdleEvents))
      done.push_back(n->id);
  }
  for (uint32_t id : done) close(d, id);
}

void TimelineBuilder::learn(Negotiation& n, const Event& e) {
  // Fields the negotiation learns from this event. (Assigned from the field's view: a string
  // built from it and moved in cost ~20 instructions more, ~130 K times on a 100 MB capture.)
  // (The field is looked up only while the peer is unknown: most events come after it is
  // known, and a lookup for every event cost ~45 M instructions on a 100 MB capture.)
  auto learn_peer = [&](std::string_view key) {
    if (!n.peer.empty()) return;
    if (std::string_view p = e.get(key); !p.empty()) n.peer = p;
  };
  switch (e.kind) {
    case EventKind::ProposalRequest:
    case EventKind::SaRequest:
      if (n.role == "unknown"_is) n.role = e.kind == EventKind::SaRequest ? "initiator" : "responder";
      if (n.local.empty()) n.local.assign(e.get("local"));
      learn_peer("remote");
      if (n.local_proxy.empty()) n.local_proxy.assign(e.get("local_proxy"));
      if (n.remote_proxy.empty()) n.remote_proxy.assign(e.get("remote_proxy"));
      if (n.mode.empty()) n.mode.assign(e.get("mode"));
      [[fallthrough]];
    case EventKind::TransformNotSupported: {
      // 15.x prints "transform= NONE  (Tunnel)" in the first validation of an offer: no transform.
      std::string_view t = e.get("transform");
      if (!t.empty() && t.substr(0, 4) != "NONE"_is &&
          std::find(n.transforms.begin(), n.transforms.end(), t) == n.transforms.end())
        n.transforms.emplace_back(t);
      break;
    }
    case EventKind::InitializeSas:
      if (n.local_proxy.empty()) n.local_proxy.assign(e.get("local_proxy"));
      if (n.remote_proxy.empty()) n.remote_proxy.assign(e.get("remote_proxy"));
      if (n.local.empty()) n.local.assign(e.get("local"));
      learn_peer("remote");
      if (e.get("spi") != "0x0"_is) {  // spi= 0x0(0): not allocated yet
        if (e.get("direction") == "INBOUND"_is) n.inbound_spi.assign(e.get("spi"));
        if (e.get("direction") == "OUTBOUND"_is) n.outbound_spi.assign(e.get("spi"));
      }
      break;
    case EventKind::CreateSa:
      // The transform used, when no offer named one (a 15.x offer prints "NONE"; a capture
      // that starts after the offer).
      if (n.transforms.empty() && !e.get("transform").empty()) n.transforms.emplace_back(e.get("transform"));
      if (!n.local.empty() && e.get("sa_dest") == n.local) {
        if (n.inbound_spi.empty() || n.inbound_spi == "0x0"_is) n.inbound_spi.assign(e.get("spi"));
      } else if (!e.get("sa_dest").empty()) {
        if (n.outbound_spi.empty() || n.outbound_spi == "0x0"_is) n.outbound_spi.assign(e.get("spi"));
        learn_peer("sa_dest");
      }
      break;
    case EventKind::SpiAllocated:
      if (n.inbound_spi.empty()) n.inbound_spi.assign(e.get("spi"));
      if (n.local.empty()) n.local.assign(e.get("local"));
      learn_peer("remote");
      break;
    case EventKind::MapAccepted:
    case EventKind::MapFound:
      n.map.assign(e.get("map"));
      n.map_seq.assign(e.get("seq"));
      break;
    case EventKind::PfsGroup:
      n.pfs_group.assign(e.get("group"));
      break;
    case EventKind::MmBegin:
    case EventKind::QmBegin:
      if (n.role == "unknown"_is) n.role = "initiator";
      break;
    case EventKind::PacketSent:
    case EventKind::PacketReceived:
      if (n.peer.empty()) learn_peer("peer");
      if (n.role == "unknown"_is && !e.get("role").empty()) n.role = e.get("role") == "I"_is ? "initiator" : "responder";
      break;
    case EventKind::StateChange: {
      std::string_view s = e.get("new");
      if (n.role == "unknown"_is && (s.find("_I_") != std::string_view::npos)) n.role = "initiator";
      if (n.role == "unknown"_is && (s.find("_R_") != std::string_view::npos)) n.role = "responder";
      break;
    }
    case EventKind::P2PolicyNotAcceptable:
    case EventKind::P1PolicyNotAcceptable:
      if (n.local.empty()) n.local.assign(e.get("local"));
      learn_peer("remote");
      break;
    default:
      if (n.peer.empty()) learn_peer("peer");  // (checked here too: most events take this way, and the call was not inlined)
      break;
  }
  if (n.conn_id < 0 && e.conn_id > 0) n.conn_id = e.conn_id;
  if (e.kind == EventKind::ProposalRequest || e.kind == EventKind::P2ProposalCheck) n.proposal_at = clock_;
  if (e.kind == EventKind::ProposalRequest) n.validate_at = clock_;
  if (e.kind == EventKind::P2Attribute && !e.get("esp_id").empty()) n.esp = esp_id(e);
  switch (e.kind) {  // a proposal's attribute lines follow its "Checking ..." line until its verdict
    case EventKind::P1PolicyCheck:
    case EventKind::P2ProposalCheck:
      n.block_open = true;
      break;
    case EventKind::AttsAcceptable:
    case EventKind::P1AttsNotAcceptable:
    case EventKind::AttsNotAcceptable:
    case EventKind::P1AttrMismatch:
    case EventKind::TransformNotSupported:
      n.block_open = false;
      break;
    default:
      break;
  }
  if (responder_check_failure(e.kind)) n.checked_at = clock_;
  // Outcome. The check of a later proposal of the exchange reopens it: the refusal was the
  // earlier proposal's only.
  if (e.kind == EventKind::P2ProposalCheck && n.phase == 2 && n.outcome == "failed"_is && e.get("proposal") != "1"_is &&
      !qm_refused(n))
    n.outcome = "incomplete";
  bool completes = n.phase == 2 ? qm_success(e.kind) : e.kind == EventKind::P1Authenticated || e.kind == EventKind::P1Complete;
  if (n.outcome != "established"_is) {
    if (completes) n.outcome = "established";
    else if (n.phase == 2 && decisive_qm_failure(e.kind)) n.outcome = "failed";
    // (A failed Informational exchange, a delete or DPD about an SA already gone, fails no
    // negotiation: "Processing of Informational mode failed" is routine after a peer reboots.)
    else if (n.phase == 1 && decisive_ike_failure(e.kind) &&
             !(e.kind == EventKind::ModeFailure && e.get("mode") == "Informational"_is))
      n.outcome = "failed";
  }
  n.mark(e.kind);
  if (e.stamp.kind != Stamp::Kind::None) {
    if (n.first.kind == Stamp::Kind::None) n.first = e.stamp;
    // The time taken runs to the outcome: once established, only the steps that complete the
    // setup extend it (the SAs' deletion or a DPD an hour later are not the negotiation's time).
    if (n.outcome != "established"_is || completes) n.last = e.stamp;
  }
}

void TimelineBuilder::attach(DeviceState& d, Negotiation& n, Event&& e) {
  const bool had_local = !n.local.empty();
  learn(n, e);
  if (!had_local && !n.local.empty() && n.phase == 2 && n.ike) {
    // The IKE SA's own lines rarely name this router's address; its Quick Modes' do.
    if (Negotiation* ike = d.find(n.ike); ike && ike->local.empty()) ike->local = n.local;
  }
  if (n.steps.capacity() == 0) {
    if (!spare_steps_.empty()) {
      n.steps = std::move(spare_steps_.back());
      spare_steps_.pop_back();
    } else {
      n.steps.reserve(kStepsReserve);
    }
  }
  if (n.steps.size() < max_steps_) {
    n.steps.emplace_back(std::move(e));  // explanations are rendered by the report, when shown
    if (!donors_.empty()) {              // e (moved from) gets an old event's buffers back (see add)
      std::vector<Step>& donor = donors_.back();
      Event& old = donor.back().event;
      move_into(e.text, old.text);
      move_into(e.fields, old.fields);
      donor.pop_back();
      --donor_steps_;
      if (donor.empty()) {
        if (spare_steps_.size() < kSpareSteps) spare_steps_.push_back(std::move(donor));
        donors_.pop_back();
      }
    }
  } else {
    ++n.steps_omitted;
  }
  d.focus = n.id;
  n.touched = clock_;
}

// `from` turned out to be part of `into` (an IKE SA whose id appeared before any line said
// which of several id-less SAs it was): its steps move over, in log order, and `into`
// learns everything again from the whole list.
void TimelineBuilder::merge(DeviceState& d, Negotiation& from, Negotiation& into) {
  std::vector<Step> steps = std::move(into.steps);
  size_t mid = steps.size();
  for (auto& s : from.steps) steps.push_back(std::move(s));
  std::inplace_merge(steps.begin(), steps.begin() + static_cast<long>(mid), steps.end(), [](const Step& a, const Step& b) {
    return a.event.where.input != b.event.where.input ? a.event.where.input < b.event.where.input
                                                      : a.event.where.line < b.event.where.line;
  });
  Negotiation fresh;
  fresh.id = into.id;
  fresh.phase = into.phase;
  fresh.input = into.input;
  fresh.device = into.device;
  fresh.conn_id = from.conn_id > 0 ? from.conn_id : into.conn_id;
  fresh.ike = into.ike ? into.ike : from.ike;
  fresh.steps_omitted = into.steps_omitted + from.steps_omitted;
  for (const auto& s : steps) learn(fresh, s.event);
  fresh.proposal_at = std::max(into.proposal_at, from.proposal_at);
  fresh.checked_at = std::max(into.checked_at, from.checked_at);
  fresh.validate_at = std::max(into.validate_at, from.validate_at);
  fresh.touched = std::max(into.touched, from.touched);
  if (steps.size() > max_steps_) {
    fresh.steps_omitted += static_cast<uint32_t>(steps.size() - max_steps_);
    steps.resize(max_steps_);
  }
  fresh.steps = std::move(steps);
  uint32_t gone = from.id;
  into = std::move(fresh);
  auto it = std::find_if(d.open.begin(), d.open.end(), [&](auto& n) { return n->id == gone; });
  if (it != d.open.end()) {
    d.open.erase(it);
    d.forget(gone);
    --open_total_;
  }
  if (d.focus == gone) d.focus = into.id;
  for (auto& n : d.open)
    if (n->ike == gone) n->ike = into.id;
}

// The exchange an IPSEC(...) line of a successful setup belongs to, by what it names (an SPI,
// the peer as SA destination) or, when it names nothing, by the step it follows: SAs are
// created after initialize_sas, outbound enabled after they were created. `peer` gets the
// address the line names, if any. Null: no better answer than the focus.
Negotiation* TimelineBuilder::ipsec_exchange(DeviceState& d, Negotiation* focus, const Event& e, std::string_view& peer) {
  auto by = [&](auto&& pred) -> Negotiation* {
    if (focus && focus->phase == 2 && pred(*focus)) return focus;
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 2 && pred(**it)) return it->get();
    return nullptr;
  };
  auto same_spi = [](std::string_view a, std::string_view b) {  // hex digits in either case
    auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };  // (the C locale's toupper, inline)
    return !a.empty() && a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return up(x) == up(y); });
  };
  switch (e.kind) {
    case EventKind::CreateSa: {
      std::string_view spi = e.get("spi"), dest = e.get("sa_dest");
      if (Negotiation* n = by([&](const Negotiation& n) { return same_spi(n.inbound_spi, spi) || same_spi(n.outbound_spi, spi); }))
        return n;
      bool inbound = !dest.empty() && by([&](const Negotiation& n) { return n.local == dest; });
      if (!dest.empty() && !inbound) {
        peer = dest;  // the outbound SA goes to the peer
        return nullptr;
      }
      return by([](const Negotiation& n) {
        return n.outcome != "failed"_is && n.has(EventKind::InitializeSas) && !n.has(EventKind::CreateSa);
      });
    }
    case EventKind::EnableOutbound: {
      std::string_view dec = e.get("spi_dec");
      if (!dec.empty()) {
        uint64_t v = 0;
        for (char c : dec) v = v * 10 + static_cast<uint64_t>(c - '0');
        char hex[24] = {'0', 'x'};  // lower-case hex digits: same_spi ignores case
        std::string_view spi(hex, static_cast<size_t>(std::to_chars(hex + 2, hex + sizeof hex, v, 16).ptr - hex));
        if (Negotiation* n = by([&](const Negotiation& n) { return same_spi(n.outbound_spi, spi); })) return n;
      }
      // After both SAs were created (the outbound one has its SPI), else after the first.
      auto created = [](const Negotiation& n) {
        return n.outcome != "failed"_is && n.has(EventKind::CreateSa) && !n.has(EventKind::EnableOutbound);
      };
      if (Negotiation* n = by([&](const Negotiation& n) {
            return created(n) && !n.outbound_spi.empty() && n.outbound_spi != "0x0"_is;
          }))
        return n;
      return by(created);
    }
    case EventKind::IpsecInternal: {  // "update_current_outbound_sa): updated peer X current outbound sa ..."
      auto at = e.text.find("updated peer ");
      if (at != std::string::npos) {
        auto from = at + 13, to = e.text.find(' ', from);
        peer = std::string_view(e.text).substr(from, to == std::string::npos ? std::string::npos : to - from);
      }
      return nullptr;
    }
    case EventKind::SpiAllocated: {  // "spi_response: getting spi N for SA\n from L to R for prot 3"
      if (!peer.empty()) return nullptr;
      auto at = e.text.find(" to ", e.text.find(" from "));
      if (at != std::string::npos && e.text.find(" from ") != std::string::npos) {
        auto from = at + 4, to = e.text.find(' ', from);
        peer = std::string_view(e.text).substr(from, to == std::string::npos ? std::string::npos : to - from);
      }
      return nullptr;
    }
    default:
      return nullptr;
  }
}

void TimelineBuilder::add(Event&& e) {
  switch (e.kind) {  // data-plane and generic syslog: not part of a negotiation
    case EventKind::InvIdentity:
    case EventKind::PktNotIpsec:
    case EventKind::PktInvSpi:
    case EventKind::ReplayError:
    case EventKind::CryptoSyslog:
      standalone_(std::move(e));
      return;
    default:
      break;
  }
  DeviceState& d = state_for(e);
  ++d.events;
  ++clock_;
  if (d.events % 64 == 0) close_idle(d);
  int phase = phase_hint(e);
  // (A view into e's fields or text: e is moved away only by the attach at the end.)
  std::string_view peer = event_peer(e);
  Negotiation* focus = d.focus ? d.find(d.focus) : nullptr;

  auto find_ike = [&](int conn) -> Negotiation* {
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 1 && (*it)->conn_id == conn) return it->get();
    return nullptr;
  };
  // The negotiation of this phase with peer p: with this very peer first (the focus, then
  // the latest); one whose peer is not known yet after that.
  auto latest_with_peer = [&](int ph, std::string_view p) -> Negotiation* {
    if (!p.empty()) {
      if (focus && focus->phase == ph && same_text(focus->peer, p)) return focus;
      for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
        if ((*it)->phase == ph && same_text((*it)->peer, p)) return it->get();
    }
    if (focus && focus->phase == ph && (p.empty() || focus->peer.empty())) return focus;
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == ph && (p.empty() || (*it)->peer.empty())) return it->get();
    return nullptr;
  };
  auto find_ike_by_peer = [&](std::string_view p) { return latest_with_peer(1, p); };
  bool verdict = e.kind == EventKind::AttsAcceptable || e.kind == EventKind::P1AttsNotAcceptable ||
                 e.kind == EventKind::P1AttrMismatch;
  // An IKE SA that has no connection id yet ("(0)" or none printed): the one with this peer;
  // else the focus or the latest one still negotiating (strict: only the single one still
  // negotiating whose peer is not known).
  auto find_pending = [&](std::string_view p, bool strict) -> Negotiation* {
    auto pending = [](const Negotiation& n) { return awaits_id(n); };
    if (!p.empty()) {
      if (focus && pending(*focus) && same_text(focus->peer, p)) return focus;
      for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
        if (pending(**it) && same_text((*it)->peer, p)) return it->get();
      if (strict) {  // one still negotiating without a known peer may be it
        Negotiation* only = nullptr;
        for (auto& n : d.open)
          if (pending(*n) && n->peer.empty() && n->outcome == "incomplete"_is) {
            if (only) return nullptr;
            only = n.get();
          }
        return only;
      }
    }
    if (p.empty() && verdict) {  // "atts are (not) acceptable" answers the check whose attributes were listed
      if (focus && pending(*focus) && focus->block_open) return focus;
      for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
        if (pending(**it) && (*it)->block_open) return it->get();
    }
    if (focus && pending(*focus) && (p.empty() || focus->peer.empty())) return focus;
    Negotiation* any = nullptr;
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if (pending(**it) && (p.empty() || (*it)->peer.empty())) {
        if ((*it)->outcome == "incomplete"_is) return it->get();
        if (!any) any = it->get();
      }
    return any;
  };
  auto find_qm = [&](int conn) -> Negotiation* {
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 2 && (*it)->conn_id == conn) return it->get();
    return nullptr;
  };
  auto current_qm = [&](std::string_view p) { return latest_with_peer(2, p); };

  // Phase-0 events: a connection id says which SA, hence which phase; without one they
  // follow the focus (the negotiation that took the previous event).
  if (phase == 0) {
    Negotiation* ike = e.conn_id > 0 ? find_ike(e.conn_id) : nullptr;
    if (e.conn_id == 0) {
      phase = 1;  // "(0)": an IKE SA that has no id yet, never a Quick Mode exchange
    } else if (ike) {
      phase = ike->outcome == "established"_is ? 2 : 1;
    } else if (e.conn_id > 0 && find_qm(e.conn_id)) {
      phase = 2;
    } else if (e.conn_id > 0 && std::any_of(d.open.begin(), d.open.end(), [](auto& n) { return awaits_id(*n); }) &&
               !(focus && focus->phase == 2 && focus->conn_id == e.conn_id)) {
      phase = 1;  // a new id: the IKE SA that had none so far gets it (adopted below)
    } else {
      if (focus && focus->phase == 2 && (focus->outcome == "incomplete"_is || focus->outcome == "failed"_is)) phase = 2;
      else if (focus) phase = focus->phase;
      else phase = e.conn_id > 0 && event_kind_is_failure(e.kind) ? 2 : 1;
    }
  }

  Negotiation* target = nullptr;
  if (e.conn_id < 0 && (e.kind == EventKind::P1Attribute || e.kind == EventKind::P2Attribute)) {
    // An attribute line belongs to the proposal being checked: the focus's, else the latest
    // exchange with a check still open.
    if (focus && focus->phase == phase && focus->block_open) target = focus;
    for (auto it = d.open.rbegin(); it != d.open.rend() && !target; ++it)
      if ((*it)->phase == phase && (*it)->block_open) target = it->get();
  }
  if (target) {
    // an attribute line of the open check
  } else if (phase == 1) {
    if (e.conn_id > 0) {
      target = find_ike(e.conn_id);
      if (target && target->provisional && !peer.empty()) {
        // The id appeared before a line said which id-less SA it belongs to; this one does.
        target->provisional = false;
        if (Negotiation* owner = find_pending(peer, true); owner && owner != target) {
          merge(d, *target, *owner);
          target = owner;
        }
      }
      if (!target) {  // 15.x: "(0)" until the SA gets its id; adopt the pending one
        Negotiation* pending = nullptr;
        bool provisional = false;
        if (!peer.empty()) {
          pending = find_pending(peer, true);
        } else {
          // Several SAs without an id: which one got it is said by a later line with the
          // peer's address; until then the id's lines are kept apart.
          int n = 0;
          for (auto& o : d.open)
            if (awaits_id(*o) && o->outcome == "incomplete"_is) ++n, pending = o.get();
          if (n > 1) pending = nullptr;
          provisional = n > 1;
        }
        if (pending) {
          pending->conn_id = e.conn_id;
          target = pending;
        } else {
          target = new_negotiation(d, e, 1);
          target->conn_id = e.conn_id;
          target->provisional = provisional;
        }
      }
    } else if (e.conn_id == 0) {
      bool starts = e.kind == EventKind::PacketReceived && e.get("state") == "NEW"_is;  // MM1 from a peer
      if (e.kind == EventKind::P1PolicyCheck && peer.empty()) {
        // A policy check answers a proposal this router received (MM1 as responder, MM2 as
        // initiator): not an SA that has only sent so far.
        auto answers = [](const Negotiation& n) {
          return n.phase == 1 && n.conn_id <= 0 && n.outcome == "incomplete"_is && n.has(EventKind::PacketReceived);
        };
        if (focus && answers(*focus)) target = focus;
        for (auto it = d.open.rbegin(); it != d.open.rend() && !target; ++it)
          if (answers(**it)) target = it->get();
      }
      if (!starts && !target) target = find_pending(peer, false);
      if (target && target->conn_id < 0) target->conn_id = 0;  // lines without a conn id ("Created a peer struct") came first
      if (target && target->outcome != "incomplete"_is && e.kind == EventKind::MmBegin) target = nullptr;
      // "beginning Main Mode exchange" starts an SA this router initiates: never one it answers.
      if (target && e.kind == EventKind::MmBegin && target->role == "responder"_is) target = nullptr;
    } else {
      target = find_ike_by_peer(peer);
    }
    if (target && e.kind == EventKind::MmBegin && target->has(EventKind::MmBegin)) target = nullptr;
    if (!target) {
      target = new_negotiation(d, e, 1);
      target->conn_id = e.conn_id;
    }
  } else {
    Negotiation* qm = nullptr;
    // Several Quick Mode exchanges of one IKE SA at once (two crypto ACL lines' traffic, say):
    // a line that names its message id goes to the exchange with that id.
    const int64_t mid = e.conn_id > 0 ? message_id(e) : 0;
    if (mid) {
      for (auto& n : d.open)
        if (n->phase == 2 && n->mid == mid && (n->conn_id == e.conn_id || n->conn_id <= 0)) qm = n.get();
      if (!qm && e.kind == EventKind::QmBegin) {
        // IOS begins Quick Mode for the SA requests waiting on an IKE SA in the order they
        // came: the oldest that has not begun (with the IKE SA's peer, when it is known).
        Negotiation* ike = find_ike(e.conn_id);
        std::string_view ike_peer = ike ? std::string_view(ike->peer) : std::string_view();
        for (auto& n : d.open)
          if (n->phase == 2 && n->mid == 0 && n->outcome == "incomplete"_is && n->has(EventKind::SaRequest) &&
              !n->has(EventKind::QmBegin) && (n->conn_id == e.conn_id || n->conn_id <= 0) &&
              (ike_peer.empty() || same_text(n->peer, ike_peer))) {
            qm = n.get();
            break;
          }
      }
    }
    const bool by_mid = qm != nullptr;
    if (!qm && e.conn_id > 0 && focus && focus->phase == 2 && focus->mid && focus->conn_id == e.conn_id &&
        focus->outcome == "incomplete"_is && !starts_qm(e))
      qm = focus;  // a line without an id continues the exchange of the line before, when that one named its id
    if (e.conn_id > 0 && !starts_qm(e)) {  // the exchange of this IKE SA, even when another one has the focus
      for (auto it = d.open.rbegin(); it != d.open.rend() && !qm; ++it)
        if ((*it)->phase == 2 && (*it)->conn_id == e.conn_id && (peer.empty() || (*it)->peer.empty() || same_text((*it)->peer, peer)))
          qm = it->get();
    }
    if (!qm && e.conn_id < 0) qm = ipsec_exchange(d, focus, e, peer);
    bool named = qm != nullptr;
    if (!qm && e.conn_id < 0 && peer.empty() && responder_check_failure(e.kind)) {
      // It names no exchange: it answers the proposal being validated, i.e. the latest
      // proposal request not answered yet, even when another exchange (one this router
      // initiates, say) printed in between and holds the focus.
      // Among several: a transform error names the transform, which the offer's attribute
      // lines named too; a proxy error follows the validation of a proposal request.
      uint8_t esp = esp_id(e);
      bool after_request = e.kind != EventKind::TransformNotSupported;
      uint64_t best = 0;
      int best_rank = -1;
      for (auto& n : d.open) {
        if (n->phase != 2 || n->proposal_at <= n->checked_at) continue;
        if (esp && n->esp && n->esp != esp) continue;
        int rank = after_request && n->validate_at > n->checked_at ? 1 : 0;
        if (rank > best_rank || (rank == best_rank && n->proposal_at > best))
          best_rank = rank, best = n->proposal_at, qm = n.get();
      }
    }
    if (!qm) qm = current_qm(peer);
    if (qm && !named && e.conn_id < 0 && peer.empty() && (qm_success(e.kind) || e.kind == EventKind::MapFound) &&
        qm->outcome == "failed"_is) {
      // A step of a successful setup that names no exchange (XE's "Map found" of the SAs'
      // creation included) does not continue a refused one.
      for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
        if ((*it)->phase == 2 && (*it)->outcome != "failed"_is) {
          qm = it->get();
          break;
        }
    }
    Negotiation* sibling = nullptr;  // an exchange of the same IKE SA (so of the same peer)
    if (mid && !by_mid && qm && qm->mid && qm->mid != mid && names_new_qm(e)) {
      sibling = qm;  // another exchange: a new one
      qm = nullptr;
    }
    if (starts_qm(e) && qm && !by_mid) {
      // IOS-XE prints validate_proposal_request twice; several proposals share one exchange.
      // The initiator validates the proposal the responder chose, after checking it.
      bool same_offer = qm->outcome == "incomplete"_is && !qm->has(EventKind::InitializeSas) &&
                        !qm->has(EventKind::CreateSa) &&
                        (qm->role != "initiator"_is || e.kind != EventKind::ProposalRequest ||
                         qm->has(EventKind::P2ProposalCheck));
      if (e.kind == EventKind::SaRequest && qm->has(EventKind::SaRequest)) same_offer = false;
      if (e.kind == EventKind::ProposalRequest && qm->has(EventKind::ProposalRequest) && !qm->remote_proxy.empty() &&
          !e.get("remote_proxy").empty() && qm->remote_proxy != e.get("remote_proxy"))
        same_offer = false;
      if (!same_offer) qm = nullptr;
    }
    if (qm && e.conn_id > 0 && qm->conn_id > 0 && qm->conn_id != e.conn_id) qm = nullptr;
    if (!qm) {
      qm = new_negotiation(d, e, 2);
      Negotiation* ike = e.conn_id > 0 ? find_ike(e.conn_id) : find_ike_by_peer(peer);
      if (ike) {
        qm->ike = ike->id;
        qm->conn_id = ike->conn_id;
        if (qm->peer.empty()) qm->peer = ike->peer;
        if (qm->local.empty()) qm->local = ike->local;
      }
      if (sibling && qm->peer.empty()) {
        qm->peer = sibling->peer;
        if (qm->local.empty()) qm->local = sibling->local;
      }
    }
    if (mid && qm->mid == 0 && names_new_qm(e)) {
      qm->mid = mid;
      if (qm->conn_id <= 0) qm->conn_id = e.conn_id;
    }
    target = qm;
  }
  attach(d, *target, std::move(e));
}

void TimelineBuilder::finish() {
  std::vector<std::pair<uint32_t, DeviceState*>> all;
  for (auto& [k, d] : devices_)
    for (auto& n : d->open) all.emplace_back(n->id, d.get());
  std::sort(all.begin(), all.end());
  for (auto& [id, d] : all) close(*d, id);
}

}  // namespace ipsecdoc
