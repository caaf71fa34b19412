// The IPsec proposals a responder's Quick Mode log shows: one per `Checking IPSec proposal N`
// block, with the transform its attribute lines describe and the verdict the router printed.
// Several proposals log one verdict each, so "the first transform printed" is not the offer:
// 12.x prints refused transforms as numbers without the key length (`trans 12, hmac_alg 2`),
// and a proposal refused on PFS prints no transform at all.
#pragma once
#include <optional>
#include <vector>

#include "core/transform.h"
#include "timeline/timeline.h"

namespace ipsecdoc {

struct LoggedProposal {
  std::optional<Transform> transform;  // from the attribute lines (else the printed keywords)
  bool transform_rejected = false;     // transform proposal not supported / policy invalidated error 256
  bool rejected = false;               // any refusal (atts not acceptable / policy invalidated)
};

std::vector<LoggedProposal> logged_proposals(const Negotiation& n);

}  // namespace ipsecdoc
