// Replay confirmation without configs (issue #4): from a log finding and its negotiation,
// write the smallest pair of IOS running-configs (the logging router and its peer) that
// agrees with everything the capture shows (addresses, proxies, offered transforms, PFS group,
// the address in `invalid local address X` / `peer address X not found`, the ISAKMP attributes
// offered and the policies checked against them), with everything the capture does not show
// filled by documented assumptions. Then replay it in the reference model and check two
// things: the model fails with the finding's rule (or, for a finding with candidates, with the
// candidate built in), AND the logging router's rendered log (in the release the capture came
// from) contains the captured failure events with the same decisive values. That second check
// is what makes it a confirmation and not a tautology: the configs are built to fail, but not
// to print what the router printed. Finally the finding's own fix, with its <placeholders>
// filled from the reconstructed names (never changing the printed fix), is applied through the
// config parser and replayed again.
//
// Scope, and what each reconstruction assumes (listed in the replay record):
//  * responder-side Quick Mode findings (transform-mismatch, proxy-id-mismatch,
//    invalid-local-address, peer-not-found, crypto-map-overlap, pfs-mismatch): Phase 1 passes;
//    the responder accepts everything but the finding's cause.
//  * peer-rejected-proposal (Quick Mode, the initiator's side): the initiator offers what its
//    sa_request shows; each candidate cause is built into the peer in turn and the ones whose
//    replay prints the captured PROPOSAL_NOT_CHOSEN are listed; the first is replayed. The
//    finding has no fix of its own: `after` is not-applicable.
//  * phase1-policy-mismatch (responder): the peer's policies are the offered transforms (their
//    printed attributes); this router's are the priorities the log checks, each with the
//    attributes its `X offered does not match policy` lines imply (those before X equal the
//    offer's, X differs, the rest assumed). The fix's "as on the peer" takes the first offer.
//  * phase1-psk-mismatch / phase1-no-key (either side): keys are never printed, so two
//    different assumed keys / none on the logging router; the fix's key placeholders are
//    filled with the assumed keys (in the model only).
//  * phase1-no-response (initiator): no device answers at the peer address (the model's
//    silent peer); the rule has no fix, so `after` is not-applicable.
// Other findings (phase2-no-response, a Main Mode PROPOSAL_NOT_CHOSEN, an initiator's log of a
// Quick Mode check, a responder refusing pre-shared keys at the policy check for want of a key)
// and negotiations that mix several concurrent Main Modes (both sides' records, failures naming
// several peers) are "not-replayable" with the reason: the model cannot print them, which says
// nothing against the finding.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
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
  std::vector<IkePolicy> policies;                           // ISAKMP policies, in priority order
  std::vector<std::pair<uint32_t, std::string>> keys;        // pre-shared keys (assumed): peer address, secret
  TextSection config;                                        // the IOS running-config text
};

struct Reconstruction {
  bool ok = false;
  std::string why;                       // when !ok: what the capture lacks
  std::vector<std::string> assumptions;  // everything the capture does not show
  ReconRouter logger, peer;              // logger = the router that wrote the log
  bool peer_absent = false;              // phase1-no-response: no device answers (peer not replayed)
  std::string initiator;                 // hostname of the router that sends the trigger
  std::string cause;                     // the failure the model must show (the rule, or the candidate)
  uint32_t logger_address = 0, peer_address = 0;  // IKE addresses
  model::Trigger trigger;                // sent by the initiator
  model::Dialect dialect = model::Dialect::Ios12;
  std::string dialect_why;
  std::string local_acl, remote_acl;     // the proxies as ACL operands (logger's view)
  std::string transform;                 // first offered transform
};

// Builds the scenario. `n` is the finding's negotiation (nullptr when it was not kept).
// `candidate`: for a finding with candidate causes, the one to build into the peer ("" = the first).
Reconstruction reconstruct_from_log(const Finding& f, const Negotiation* n, const std::string& candidate = "");

// Fills the <placeholders> of one fix command from the reconstructed names, for the router
// the fix step targets. Placeholders that are not unambiguous are left and listed in
// `unresolved`. One-line "crypto map M S set ..." forms are split into entry + sub-command.
std::vector<std::string> fill_fix_placeholders(const std::vector<std::string>& commands, const Reconstruction& r,
                                               bool on_logger, std::vector<std::string>& unresolved);

// Is `text` the section's lines, each followed by '\n'? (How the replay finds a config it
// has parsed already, without joining the lines into a key.)
bool same_lines(const TextSection& t, std::string_view text);

// The whole replay record: {status, before, after, assumptions[], traffic, fix_applied, why,
// scenario: "reconstructed from the log", dialect, compared[], configs{}; with candidates:
// candidates_reproduced[], assumed_cause}. With a tokenizer
// the rendered log is read back through it (the same path a real capture takes); without,
// the model's typed trace events are compared directly.
nlohmann::json replay_from_log(const Finding& f, const Negotiation* n, const model::ModelOptions& opt = {},
                               const Tokenizer* tok = nullptr);

}  // namespace ipsecdoc
