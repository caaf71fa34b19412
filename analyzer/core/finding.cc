#include "core/finding.h"

namespace ipsecdoc {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

bool parse_severity(std::string_view s, Severity& out) {
  if (s == "info") out = Severity::Info;
  else if (s == "warning") out = Severity::Warning;
  else if (s == "error") out = Severity::Error;
  else return false;
  return true;
}

nlohmann::json to_json(const Evidence& e) {
  return {{"path", e.path}, {"line", e.line}, {"text", e.text}};
}

nlohmann::json to_json(const Finding& f) {
  nlohmann::json j;
  j["rule"] = f.rule;
  j["severity"] = severity_name(f.severity);
  j["device"] = f.device;
  j["peer"] = f.peer;
  j["message"] = f.message;
  j["explanation"] = f.explanation;
  j["evidence"] = nlohmann::json::array();
  for (auto& e : f.evidence) j["evidence"].push_back(to_json(e));
  j["fix"] = nlohmann::json::array();
  for (auto& s : f.fix) {
    nlohmann::json fj{{"device", s.device}, {"commands", s.commands}};
    if (!s.note.empty()) fj["note"] = s.note;
    j["fix"].push_back(fj);
  }
  j["next"] = f.next;
  if (!f.candidates.empty()) j["candidates"] = f.candidates;
  j["occurrences"] = f.occurrences;
  for (auto& [k, v] : f.extra.items()) j[k] = v;
  return j;
}

}  // namespace ipsecdoc
