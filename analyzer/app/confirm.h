// Replay confirmation (issue #4): for each failure finding, build the scenario from the configs
// given, replay it in the reference model (`before`), then apply the finding's own fix commands
// to the model configs through the config parser and replay again (`after`). Recorded as
//   finding.extra["replay"] = {status: confirmed|refuted|not-replayable, before, after,
//                              assumptions[], traffic, fix_applied, why}
#pragma once
#include "app/analysis.h"
#include "model/model.h"

namespace ipsecdoc {

// Without the configs of both peers, a log finding is replayed in a scenario reconstructed
// from the log (app/reconstruct.h); `tok` (optional) reads the rendered log back for that check.
void confirm_findings(Analysis& a, const model::ModelOptions& opt = {}, const Tokenizer* tok = nullptr);

}  // namespace ipsecdoc
