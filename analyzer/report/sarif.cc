#include "report/sarif.h"

#include <map>

#include <fmt/format.h>

namespace ipsecdoc {
namespace {

std::string_view level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "error";
}

// FNV-1a 64: stable across platforms and runs (std::hash is not).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
  return h;
}

}  // namespace

std::string sarif_fingerprint(const Finding& f) {
  std::string basis = f.rule + '\x1f' + f.device + '\x1f' + f.peer + '\x1f' + (f.key.empty() ? f.message : f.key);
  return fmt::format("{:016x}", fnv1a(basis));
}

nlohmann::json to_sarif(const std::vector<Finding>& findings, const SarifRuleLookup& rules, std::string_view tool_version) {
  using nlohmann::json;
  std::map<std::string, size_t> rule_index;
  json jrules = json::array();
  auto rule_of = [&](const std::string& id) -> size_t {
    auto it = rule_index.find(id);
    if (it != rule_index.end()) return it->second;
    std::optional<SarifRule> meta = rules ? rules(id) : std::nullopt;
    json r{{"id", id}, {"name", id}};
    if (meta) {
      r["shortDescription"] = {{"text", meta->title}};
      if (!meta->description.empty()) r["fullDescription"] = {{"text", meta->description}};
      r["defaultConfiguration"] = {{"level", level(meta->level)}};
      if (!meta->help_uri.empty()) r["helpUri"] = meta->help_uri;
    } else {
      r["shortDescription"] = {{"text", id}};
    }
    rule_index[id] = jrules.size();
    jrules.push_back(std::move(r));
    return jrules.size() - 1;
  };
  json results = json::array();
  for (auto& f : findings) {
    size_t ri = rule_of(f.rule);
    json res{{"ruleId", f.rule}, {"ruleIndex", ri}, {"level", level(f.severity)}, {"message", {{"text", f.message}}}};
    json locs = json::array();
    for (auto& e : f.evidence) {
      json phys{{"artifactLocation", {{"uri", e.path}}}};
      if (e.line > 0) phys["region"] = {{"startLine", e.line}, {"snippet", {{"text", e.text}}}};
      json loc{{"physicalLocation", phys}};
      if (locs.empty() && !f.device.empty())
        loc["logicalLocations"] = json::array({{{"name", f.device}, {"kind", "device"}}});
      locs.push_back(std::move(loc));
    }
    if (!locs.empty()) {
      res["locations"] = json::array({locs[0]});
      if (locs.size() > 1) {
        json rel = json::array();
        for (size_t i = 1; i < locs.size(); ++i) {
          json x = locs[i];
          x["id"] = i;
          rel.push_back(std::move(x));
        }
        res["relatedLocations"] = std::move(rel);
      }
    }
    res["partialFingerprints"] = {{"ipsecDoctor/v1", sarif_fingerprint(f)}};
    json props{{"device", f.device}, {"peer", f.peer}};
    if (!f.explanation.empty()) props["explanation"] = f.explanation;
    if (!f.next.empty()) props["next"] = f.next;
    if (f.occurrences > 1) props["occurrences"] = f.occurrences;
    if (!f.fix.empty()) {
      // IOS commands are not file edits: carried as properties (SARIF `fixes` need artifact changes).
      json fx = json::array();
      for (auto& s : f.fix) {
        json j{{"device", s.device}, {"commands", s.commands}};
        if (!s.note.empty()) j["note"] = s.note;
        fx.push_back(std::move(j));
      }
      props["fix"] = std::move(fx);
    }
    res["properties"] = std::move(props);
    results.push_back(std::move(res));
  }
  json driver{{"name", "ipsec-doctor"}, {"rules", jrules}};
  if (!tool_version.empty()) driver["version"] = std::string(tool_version);
  return json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({{{"tool", {{"driver", driver}}}, {"results", results}}})}};
}

}  // namespace ipsecdoc
