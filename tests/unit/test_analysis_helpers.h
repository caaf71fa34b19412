// Shared by the analysis-level tests: the rule data loaded once from the source tree.
#pragma once
#include "app/analysis.h"

inline const ipsecdoc::RuleData& test_rules() {
  static ipsecdoc::RuleData rd = ipsecdoc::load_rules(RULES_DIR);
  return rd;
}

inline ipsecdoc::Analysis run(const std::vector<std::string>& paths) {
  return ipsecdoc::analyze(paths, test_rules(), ipsecdoc::AnalysisOptions{});
}

inline bool has_rule(const ipsecdoc::Analysis& a, const std::string& id) {
  for (const auto& f : a.findings)
    if (f.rule == id) return true;
  return false;
}
