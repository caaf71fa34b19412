// Diagnosis rules as data (rules/diagnoses/<id>.json). A rule has a stable id, title,
// severity, the event signatures that identify it in a log (`log`: alternatives of
// all/any/none event kinds plus conditions), message/explanation/fix templates, `next`
// steps, references and examples that must fire / stay silent (run by the test suite).
// Rules whose findings come from show outputs, lint or the model carry only metadata.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.h"
#include "core/finding.h"
#include "timeline/timeline.h"

namespace ipsecdoc {

struct LogSignature {
  int phase = 0;                        // 0 = any
  std::vector<EventKind> all, any, none;
  std::vector<std::string> outcome;     // default: failed, incomplete
  std::vector<std::string> when;        // conditions, see diagnosis_rules.cc
  std::optional<Severity> severity;     // overrides the rule's severity for this signature
  std::string note;                     // added to the explanation when this signature fires
};

struct FixTemplate {
  std::string device;
  std::vector<std::string> commands;
  std::string note;
};

struct DiagnosisRule {
  std::string id, title, file;
  Severity severity = Severity::Error;
  std::vector<std::string> sources;     // log, show, lint, model
  int priority = 0;
  std::vector<LogSignature> log;
  std::string message, explanation;
  std::vector<FixTemplate> fix;
  std::vector<std::string> next, candidates, references;
  std::vector<std::string> fire, silent; // example corpus paths (relative to the project root)
};

struct RuleProblem {
  std::string file, rule, message;
  bool fatal = true;
};

class RuleBook {
 public:
  void add_file(const std::string& file, const nlohmann::json& doc, std::vector<RuleProblem>& problems);
  // Reports signatures that can never be told apart (same kinds, same conditions).
  void check_overlaps(std::vector<RuleProblem>& problems) const;
  const DiagnosisRule* find(const std::string& id) const;
  const std::vector<DiagnosisRule>& rules() const { return rules_; }

  // Diagnoses one closed negotiation: the first matching rule by priority, or nothing.
  // Sets n.failure. `path` resolves inputs to paths for evidence.
  // `wanted`, when given, sees the finding with its rule, severity, device, peer, key and
  // evidence; when it says no (a repeat the caller only counts), the texts, fix and extras
  // are left empty, which saves most of the cost of a capture's thousands of repeats.
  std::optional<Finding> diagnose(Negotiation& n, const std::vector<std::string>& input_paths,
                                  const std::function<bool(const Finding&)>& wanted = {}) const;
  // Data-plane syslog events that are not part of a negotiation.
  std::optional<Finding> diagnose_standalone(const Event& e, const std::vector<std::string>& input_paths) const;
  // Fills severity/explanation/next from the rule file when a producer (show, lint, model)
  // left them empty; unknown rule ids are reported by the caller's tests.
  void complete(Finding& f) const;

 private:
  std::vector<DiagnosisRule> rules_;
  std::vector<size_t> by_priority_;
};

// `{name}` placeholders from `ctx`; a missing value renders as `<name>` so the user sees
// what to fill in.
std::string fill(const std::string& tpl, const std::map<std::string, std::string>& ctx);

}  // namespace ipsecdoc
