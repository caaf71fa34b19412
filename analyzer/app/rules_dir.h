// Finding and reading the data directory (rules/): log patterns and diagnosis rules.
// This is I/O, so it lives in app/, not in the parts that use the data.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ipsecdoc {

// $IPSEC_DOCTOR_RULES, else <exe dir>/rules, <exe dir>/../share/ipsec-doctor/rules, else the
// source tree the binary was built from.
std::string find_rules_dir(const char* argv0);

struct JsonFile {
  std::string path;
  nlohmann::json doc;
};

// Reads every *.json directly under `dir` (sorted). Files that cannot be read or parsed are
// reported in `errors` as "path: reason".
std::vector<JsonFile> read_json_dir(const std::string& dir, std::vector<std::string>& errors);

}  // namespace ipsecdoc
