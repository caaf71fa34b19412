#include "core/finding.h"

#include "core/finding_json.h"

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
  JsonTree t;
  emit_evidence(t, e);
  return t.take();
}

nlohmann::json to_json(const Finding& f) {
  JsonTree t;
  emit_finding(t, f);
  return t.take();
}

}  // namespace ipsecdoc
