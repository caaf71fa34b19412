// The IPsec proposals a responder's Quick Mode log shows: one per `Checking IPSec proposal N`
// block, with the transform its attribute lines describe and the verdict the router printed.
// Several proposals log one verdict each, so "the first transform printed" is not the offer:
// 12.x prints refused transforms as numbers without the key length (`trans 12, hmac_alg 2`),
// and a proposal refused on PFS prints no transform at all.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
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

// The ISAKMP proposals and checks a responder's Main Mode log shows: each `Checking ISAKMP
// transform N against priority P policy`, its verdict, and the offered transform's attribute
// lines in IOS keywords (`shown` says which were printed; the others keep IkePolicy's defaults).
// One `Checking ISAKMP transform N against priority P policy` and its verdict.
struct P1Check {
  int transform_no = 0, priority = 0;
  std::string attr;       // "Hash algorithm" ... ("" = not shown)
  bool accepted = false;  // `atts are acceptable`
};

struct P1Capture {
  std::map<int, IkePolicy> offered;             // transform number -> attributes shown
  std::map<int, std::set<std::string>> shown;   // transform number -> which attributes the log printed
  std::vector<P1Check> checks;
  std::vector<int> priorities;                  // this router's, in the order the log checks them
  std::string unreadable;                       // an attribute value the model does not know
};

P1Capture logged_phase1(const Negotiation& n);

}  // namespace ipsecdoc
