#include "timeline/timeline.h"

#include <algorithm>

#include "tokenize/tokenizer.h"

namespace ipsecdoc {
namespace {

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

bool qm_success(EventKind k) {
  return k == EventKind::CreateSa || k == EventKind::SaInstalled || k == EventKind::EnableOutbound ||
         k == EventKind::QmComplete;
}

bool starts_qm(const Event& e) {
  return (e.kind == EventKind::ProposalRequest && (e.get("part") == "1" || e.get("part").empty())) ||
         e.kind == EventKind::SaRequest || e.kind == EventKind::QmBegin;
}

// Which phase an event belongs to when its kind alone does not say.
int phase_hint(const Event& e) {
  int p = event_kind_phase(e.kind);
  if (p != 0) return p;
  switch (e.kind) {
    case EventKind::StateChange: {
      auto s = std::string(e.get("new")) + std::string(e.get("old"));
      return s.find("QM") != std::string::npos ? 2 : 1;
    }
    case EventKind::ProposalNotChosenSent:
    case EventKind::ProposalNotChosenRecv:
    case EventKind::NotifySent:
    case EventKind::NotifyReceived:
      return e.get("protocol") == "1" ? 1 : e.get("protocol").empty() ? 0 : 2;
    case EventKind::ModeFailure:
      return e.get("mode") == "Quick" ? 2 : 1;
    case EventKind::DeleteSa:
      return 1;
    case EventKind::PacketSent:
    case EventKind::PacketReceived: {
      std::string_view st = e.get("state");
      return st.substr(0, 2) == "QM" ? 2 : (st.substr(0, 2) == "MM" || st.substr(0, 2) == "AG") ? 1 : 0;
    }
    default:
      return 0;
  }
}

std::string event_peer(const Event& e) {
  for (const char* k : {"remote", "peer", "peer2"}) {
    std::string_view v = e.get(k);
    if (!v.empty()) return std::string(v);
  }
  return {};
}

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

  Negotiation* find(uint32_t id) {
    for (auto& n : open)
      if (n->id == id) return n.get();
    return nullptr;
  }
};

TimelineBuilder::TimelineBuilder(const Tokenizer& tok, Sink on_close, StandaloneSink on_standalone, size_t max_steps)
    : tok_(tok), sink_(std::move(on_close)), standalone_(std::move(on_standalone)), max_steps_(max_steps) {}

TimelineBuilder::~TimelineBuilder() = default;

TimelineBuilder::DeviceState& TimelineBuilder::state_for(const Event& e) {
  // Consecutive events mostly come from the same device: skip building the key.
  if (last_state_ && last_device_ == e.device && (!e.device.empty() || last_input_ == e.where.input)) return *last_state_;
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

void TimelineBuilder::close(DeviceState& d, uint32_t id) {
  auto it = std::find_if(d.open.begin(), d.open.end(), [&](auto& n) { return n->id == id; });
  if (it == d.open.end()) return;
  std::unique_ptr<Negotiation> n = std::move(*it);
  d.open.erase(it);
  --open_total_;
  if (d.focus == id) d.focus = 0;
  sink_(std::move(*n));
}

// Negotiations whose outcome is known and that have not been touched for a while are done.
void TimelineBuilder::close_idle(DeviceState& d) {
  constexpr uint64_t kIdleEvents = 200;
  std::vector<uint32_t> done;
  for (auto& n : d.open) {
    uint64_t idle = clock_ - n->touched;
    if (idle > kIdleEvents && (n->outcome != "incomplete" || idle > 4 * kIdleEvents))
      done.push_back(n->id);
  }
  for (uint32_t id : done) close(d, id);
}

void TimelineBuilder::attach(DeviceState& d, Negotiation& n, Event&& e) {
  // Fields the negotiation learns from this event.
  auto learn_peer = [&](const std::string& p) {
    if (!p.empty() && n.peer.empty()) n.peer = p;
  };
  switch (e.kind) {
    case EventKind::ProposalRequest:
    case EventKind::SaRequest:
      if (n.role == "unknown") n.role = e.kind == EventKind::SaRequest ? "initiator" : "responder";
      if (n.local.empty()) n.local = std::string(e.get("local"));
      learn_peer(std::string(e.get("remote")));
      if (n.local_proxy.empty()) n.local_proxy = std::string(e.get("local_proxy"));
      if (n.remote_proxy.empty()) n.remote_proxy = std::string(e.get("remote_proxy"));
      if (n.mode.empty()) n.mode = std::string(e.get("mode"));
      [[fallthrough]];
    case EventKind::TransformNotSupported: {
      std::string t(e.get("transform"));
      if (!t.empty() && std::find(n.transforms.begin(), n.transforms.end(), t) == n.transforms.end())
        n.transforms.push_back(t);
      break;
    }
    case EventKind::InitializeSas:
      if (n.local_proxy.empty()) n.local_proxy = std::string(e.get("local_proxy"));
      if (n.remote_proxy.empty()) n.remote_proxy = std::string(e.get("remote_proxy"));
      if (n.local.empty()) n.local = std::string(e.get("local"));
      learn_peer(std::string(e.get("remote")));
      if (e.get("direction") == "INBOUND") n.inbound_spi = std::string(e.get("spi"));
      if (e.get("direction") == "OUTBOUND") n.outbound_spi = std::string(e.get("spi"));
      break;
    case EventKind::CreateSa:
      if (!n.local.empty() && e.get("sa_dest") == n.local) {
        if (n.inbound_spi.empty()) n.inbound_spi = std::string(e.get("spi"));
      } else if (!e.get("sa_dest").empty()) {
        if (n.outbound_spi.empty()) n.outbound_spi = std::string(e.get("spi"));
        learn_peer(std::string(e.get("sa_dest")));
      }
      break;
    case EventKind::SpiAllocated:
      if (n.inbound_spi.empty()) n.inbound_spi = std::string(e.get("spi"));
      if (n.local.empty()) n.local = std::string(e.get("local"));
      learn_peer(std::string(e.get("remote")));
      break;
    case EventKind::MapAccepted:
    case EventKind::MapFound:
      n.map = std::string(e.get("map"));
      n.map_seq = std::string(e.get("seq"));
      break;
    case EventKind::PfsGroup:
      n.pfs_group = std::string(e.get("group"));
      break;
    case EventKind::MmBegin:
    case EventKind::QmBegin:
      if (n.role == "unknown") n.role = "initiator";
      break;
    case EventKind::PacketSent:
    case EventKind::PacketReceived:
      learn_peer(std::string(e.get("peer")));
      if (n.role == "unknown" && !e.get("role").empty()) n.role = e.get("role") == "I" ? "initiator" : "responder";
      break;
    case EventKind::StateChange: {
      std::string_view s = e.get("new");
      if (n.role == "unknown" && (s.find("_I_") != std::string_view::npos)) n.role = "initiator";
      if (n.role == "unknown" && (s.find("_R_") != std::string_view::npos)) n.role = "responder";
      break;
    }
    case EventKind::P2PolicyNotAcceptable:
    case EventKind::P1PolicyNotAcceptable:
      if (n.local.empty()) n.local = std::string(e.get("local"));
      learn_peer(std::string(e.get("remote")));
      break;
    default:
      learn_peer(std::string(e.get("peer")));
      break;
  }
  if (n.conn_id < 0 && e.conn_id > 0) n.conn_id = e.conn_id;
  if (e.kind == EventKind::ProposalRequest || e.kind == EventKind::P2ProposalCheck) n.proposal_at = clock_;
  if (responder_check_failure(e.kind)) n.checked_at = clock_;
  // Outcome.
  if (n.outcome != "established") {
    if (n.phase == 2 && qm_success(e.kind)) n.outcome = "established";
    else if (n.phase == 1 && (e.kind == EventKind::P1Authenticated || e.kind == EventKind::P1Complete))
      n.outcome = "established";
    else if (n.phase == 2 && decisive_qm_failure(e.kind)) n.outcome = "failed";
    else if (n.phase == 1 && decisive_ike_failure(e.kind)) n.outcome = "failed";
  }
  n.mark(e.kind);
  if (e.stamp.kind != Stamp::Kind::None) {
    if (n.first.kind == Stamp::Kind::None) n.first = e.stamp;
    n.last = e.stamp;
  }
  if (n.steps.empty()) n.steps.reserve(16);
  if (n.steps.size() < max_steps_) {
    n.steps.push_back(Step{std::move(e), {}});  // explanations are rendered by the report, when shown
  } else {
    ++n.steps_omitted;
  }
  d.focus = n.id;
  n.touched = clock_;
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
  std::string peer = event_peer(e);
  Negotiation* focus = d.focus ? d.find(d.focus) : nullptr;

  auto find_ike = [&](int conn) -> Negotiation* {
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 1 && (*it)->conn_id == conn) return it->get();
    return nullptr;
  };
  auto find_ike_by_peer = [&](const std::string& p) -> Negotiation* {
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 1 && (p.empty() || (*it)->peer == p || (*it)->peer.empty())) return it->get();
    return nullptr;
  };
  auto current_qm = [&](const std::string& p) -> Negotiation* {
    if (focus && focus->phase == 2 && (p.empty() || focus->peer.empty() || focus->peer == p)) return focus;
    for (auto it = d.open.rbegin(); it != d.open.rend(); ++it)
      if ((*it)->phase == 2 && (p.empty() || (*it)->peer.empty() || (*it)->peer == p)) return it->get();
    return nullptr;
  };

  // Phase-0 events follow the focus (the negotiation that took the previous event).
  if (phase == 0) {
    bool ike_done = false;
    if (e.conn_id >= 0) {
      Negotiation* ike = find_ike(e.conn_id);
      ike_done = ike && ike->outcome == "established";
    }
    if (focus && focus->phase == 2 && (focus->outcome == "incomplete" || focus->outcome == "failed")) phase = 2;
    else if (ike_done) phase = 2;
    else if (focus) phase = focus->phase;
    else phase = e.conn_id > 0 && event_kind_is_failure(e.kind) ? 2 : 1;
  }

  Negotiation* target = nullptr;
  if (phase == 1) {
    if (e.conn_id > 0) {
      target = find_ike(e.conn_id);
      if (!target) {  // 15.x: "(0)" until the SA gets its id; adopt the pending one
        Negotiation* pending = find_ike(0);
        if (!pending) pending = find_ike(-1);
        if (pending && (peer.empty() || pending->peer.empty() || pending->peer == peer)) {
          pending->conn_id = e.conn_id;
          target = pending;
        }
      }
    } else if (e.conn_id == 0) {
      target = find_ike(0);
      if (!target) {
        target = find_ike(-1);  // lines without a conn id ("Created a peer struct") came first
        if (target) target->conn_id = 0;
      }
      if (target && target->outcome != "incomplete" && e.kind == EventKind::MmBegin) target = nullptr;
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
    if (e.conn_id > 0 && !starts_qm(e)) {  // the exchange of this IKE SA, even when another one has the focus
      for (auto it = d.open.rbegin(); it != d.open.rend() && !qm; ++it)
        if ((*it)->phase == 2 && (*it)->conn_id == e.conn_id && (peer.empty() || (*it)->peer.empty() || (*it)->peer == peer))
          qm = it->get();
    }
    if (!qm && e.conn_id < 0 && peer.empty() && responder_check_failure(e.kind)) {
      // It names no exchange: it answers the proposal being validated, i.e. the latest
      // proposal request not answered yet, even when another exchange (one this router
      // initiates, say) printed in between and holds the focus.
      uint64_t best = 0;
      for (auto& n : d.open)
        if (n->phase == 2 && n->proposal_at > best && n->proposal_at > n->checked_at) best = n->proposal_at, qm = n.get();
    }
    if (!qm) qm = current_qm(peer);
    if (starts_qm(e) && qm) {
      // IOS-XE prints validate_proposal_request twice; several proposals share one exchange.
      bool same_offer = qm->outcome == "incomplete" && !qm->has(EventKind::InitializeSas) &&
                        !qm->has(EventKind::CreateSa) && (qm->role == "unknown" || qm->role != "initiator" ||
                                                          e.kind != EventKind::ProposalRequest);
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
      }
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
