// Replay confirmation without configs (issue #4): from a log finding and its negotiation,
// write the smallest pair of IOS running-configs (the logging router and its peer) that
// agrees with everything the capture shows (addresses, proxies, offered transforms, PFS group,
// the address in `invalid local address X` / `peer address X not found`), with everything the
// capture does not show filled by documented assumptions. Then replay it in the reference
// model and check two things: the model fails with the finding's rule, AND the logging
// router's rendered log (in the release the capture came from) contains the captured failure
// events with the same decisive values. That second check is what makes it a confirmation
// and not a tautology: the configs are built to fail, but not to print what the router printed.
// Finally the finding's own fix, with its <placeholders> filled from the reconstructed names
// (never changing the printed fix), is applied through the config parser and replayed again.
//
// Scope: responder-side Quick Mode findings (transform-mismatch, proxy-id-mismatch,
// invalid-local-address, peer-not-found, crypto-map-overlap, pfs-mismatch). Initiator-side
// and Phase-1 findings are "not-replayable" with the reason.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "core/source_line.h"
#include "model/model.h"
#include "timeline/timeline.h"

namespace ipsecdoc {

class Tokenizer;

// One reconstructed crypto map entry (kept to fill fix placeholders by name).
struct ReconEntry {
  uint32_t seq = 10;
  std::string acl;
  std::vector<uint32_t> peers;
  std::vector<std::string> sets;
};

struct ReconRouter {
  std::string hostname;
  std::string map;
  std::vector<ReconEntry> entries;
  std::vector<std::pair<std::string, uint32_t>> interfaces;  // name, primary address
  TextSection config;                                        // the IOS running-config text
};

struct Reconstruction {
  bool ok = false;
  std::string why;                       // when !ok: what the capture lacks
  std::vector<std::string> assumptions;  // everything the capture does not show
  ReconRouter logger, peer;              // logger = the router that wrote the log (responder)
  model::Trigger trigger;                // sent by the peer (the initiator)
  model::Dialect dialect = model::Dialect::Ios12;
  std::string dialect_why;
  std::string local_acl, remote_acl;     // the proxies as ACL operands (logger's view)
  std::string transform;                 // first offered transform
};

// Can a finding of this rule, logged by a router in this role, be reconstructed from the log
// alone (it then needs its negotiation's steps)? Quick Mode responder findings, today.
bool replayable_from_log(const std::string& rule, const std::string& role);

// Builds the scenario. `n` is the finding's negotiation (nullptr when it was not kept).
Reconstruction reconstruct_from_log(const Finding& f, const Negotiation* n);

// Fills the <placeholders> of one fix command from the reconstructed names, for the router
// the fix step targets. Placeholders that are not unambiguous are left and listed in
// `unresolved`. One-line "crypto map M S set ..." forms are split into entry + sub-command.
std::vector<std::string> fill_fix_placeholders(const std::vector<std::string>& commands, const Reconstruction& r,
                                               bool on_logger, std::vector<std::string>& unresolved);

// The whole replay record: {status, before, after, assumptions[], traffic, fix_applied, why,
// scenario: "reconstructed from the log", dialect, compared[], configs{}}. With a tokenizer
// the rendered log is read back through it (the same path a real capture takes); without,
// the model's typed trace events are compared directly.
nlohmann::json replay_from_log(const Finding& f, const Negotiation* n, const model::ModelOptions& opt = {},
                               const Tokenizer* tok = nullptr);

}  // namespace ipsecdoc
