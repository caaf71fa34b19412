// The one shape every diagnosis takes, whether it comes from a log, a show output,
// a config lint or the model (issue #2 "Diagnoses", issue #3 "Checks").
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ipsecdoc {

enum class Severity { Info = 0, Warning = 1, Error = 2 };
std::string_view severity_name(Severity s);
bool parse_severity(std::string_view s, Severity& out);

struct Evidence {
  std::string path;   // input path as the user gave it
  uint32_t line = 0;  // 1-based; 0 when not line-based
  std::string text;   // the line (or folded record) as read
};

struct FixStep {
  std::string device;                  // hostname, or a description ("the peer 192.1.1.42")
  std::vector<std::string> commands;   // exact IOS commands, in order, config mode implied
  std::string note;                    // e.g. "look for ... on that device", "briefly interrupts traffic"
};

struct Finding {
  std::string rule;                    // stable kebab-case id, defined in rules/diagnoses
  Severity severity = Severity::Error;
  std::string device;
  std::string peer;
  std::string message;                 // one line
  std::string explanation;
  std::vector<Evidence> evidence;
  std::vector<FixStep> fix;
  std::vector<std::string> next;       // what to collect or check next
  std::vector<std::string> candidates; // rule ids, when the cause is one of several
  uint32_t occurrences = 1;            // identical findings folded together
  std::string key;                     // dedup key (rule+device+peer+specifics)
  nlohmann::json extra = nlohmann::json::object();  // rule-specific data (transform, proxies, replay...)
};

nlohmann::json to_json(const Finding& f);
nlohmann::json to_json(const Evidence& e);

}  // namespace ipsecdoc
