// Config lint (issue #3 "Checks"): per-device checks on the crypto-map configuration and
// between-peer predictions of Phase 1 / Phase 2 for every pair of devices that point at each
// other. Output is core Findings with stable rule ids, evidence on config lines and fixes as
// exact IOS commands per device.
//
// Rule ids emitted (see lint_rules() for the one-line descriptions):
//   per device : crypto-map-not-applied, missing-reference, crypto-map-overlap, acl-permit-any,
//                nat-not-exempted, weak-crypto, unused-transform-set, phase1-no-key,
//                invalid-local-address, acl-line-never-matches
//   between    : phase1-policy-mismatch, phase1-psk-mismatch, phase1-no-key, transform-mismatch,
//                proxy-id-mismatch, pfs-mismatch, invalid-local-address, peer-not-found
//
// Scaling (hub with 2,000 entries / 20,000 crypto ACL lines): no check compares every ACL
// line with every other. Overlap between entries of a map, dead lines inside an ACL and the
// proxy checks between peers look up candidates in a RegionIndex (config/acl.h): per address
// dimension a sorted table per prefix length of the lines' leading-prefix keys; a query costs
// 33 binary searches per dimension and returns only lines whose blocks can intersect, using
// the more selective of source and destination. Candidates are then decided exactly with the
// cube algebra (first match, deny lines included).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/finding.h"
#include "core/source_line.h"

namespace ipsecdoc {

// What one side of a pair would see when it initiates towards the other.
struct DirectionPrediction {
  bool can_initiate = true;     // false: the initiator has no static entry for the peer (dynamic only)
  bool phase1_ok = true;
  bool phase2_ok = true;
  std::vector<std::string> rules;  // rule ids of the predicted failures, in negotiation order
  std::string summary;             // "established", "phase 1 fails: pre-shared keys differ", ...
};

// Two devices whose IKE endpoints point at each other (crypto map peer, or tunnel destination).
struct PairInfo {
  size_t a = 0, b = 0;          // indexes into LintResult::devices
  std::string kind;             // "crypto-map" or "tunnel"
  uint32_t a_addr = 0, b_addr = 0;  // IKE endpoint addresses
  std::string a_interface, b_interface;  // interface carrying the map / tunnel (or local-address interface)
  std::string a_map, b_map;     // crypto map names (crypto-map kind)
  uint32_t a_seq = 0, b_seq = 0;  // entry listing the peer (0 = none)
  bool b_dynamic = false;       // b answers through a dynamic map entry
  bool a_dynamic = false;
  DirectionPrediction a_to_b, b_to_a;
};

struct LintResult {
  std::vector<DeviceConfig> devices;
  std::vector<Finding> findings;   // sorted: severity (errors first), device, rule, first evidence line
  std::vector<PairInfo> pairs;
  size_t lines_total = 0, lines_modelled = 0, lines_skipped = 0;
  std::vector<std::pair<std::string, SourceLine>> unrecognized;  // (path, line) – texts redacted
  std::vector<std::string> notes;  // e.g. "excerpt: transform set trans1 is not in it; not checked"
};

LintResult lint(const std::vector<TextSection>& configs);
LintResult lint_devices(std::vector<DeviceConfig> devices);

struct LintRuleInfo {
  std::string_view id;
  Severity severity;             // default (some findings of a rule are downgraded, e.g. unverifiable keys)
  std::string_view title;        // one line
  std::string_view description;  // what it means on IOS
};
const std::vector<LintRuleInfo>& lint_rules();
const LintRuleInfo* lint_rule(std::string_view id);

}  // namespace ipsecdoc
