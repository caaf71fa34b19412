// SARIF 2.1.0 output for findings (one run, one rule per rule id, results with physical
// locations on the evidence lines and stable partialFingerprints).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.h"

namespace ipsecdoc {

struct SarifRule {
  std::string id;
  std::string title;        // shortDescription
  std::string description;  // fullDescription
  Severity level = Severity::Error;
  std::string help_uri;     // optional
};

// Rule metadata lookup: nullopt for unknown ids (the rule then gets a minimal descriptor).
using SarifRuleLookup = std::function<std::optional<SarifRule>(std::string_view id)>;

// Fingerprint: hash of rule + device + peer + the finding's key (never line numbers), so a
// finding keeps its identity when the config moves around.
std::string sarif_fingerprint(const Finding& f);

nlohmann::json to_sarif(const std::vector<Finding>& findings, const SarifRuleLookup& rules,
                        std::string_view tool_version = "");

}  // namespace ipsecdoc
