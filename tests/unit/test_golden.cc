// Golden files: the analysis of every log case, seed example and bundled example, reduced
// to what a reviewer checks (negotiations, their steps, findings and fixes), compared with
// corpus/golden/<case>.json. `make approve` rewrites them; review the diff before committing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_analysis_helpers.h"

using namespace ipsecdoc;
namespace fs = std::filesystem;

namespace {

std::string rel(const std::string& p, const std::string& root) {
  return p.rfind(root, 0) == 0 ? p.substr(root.size() + 1) : p;
}

nlohmann::json summarize(const Analysis& a, const std::string& root) {
  nlohmann::json j;
  j["negotiations"] = nlohmann::json::array();
  for (const auto& n : a.negotiations) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : n.steps)
      steps.push_back(std::to_string(s.event.where.line) + " " + std::string(event_kind_name(s.event.kind)));
    j["negotiations"].push_back({{"phase", n.phase}, {"device", n.device}, {"role", n.role}, {"local", n.local},
                                 {"peer", n.peer}, {"local_proxy", n.local_proxy}, {"remote_proxy", n.remote_proxy},
                                 {"transforms", n.transforms}, {"outcome", n.outcome}, {"failure", n.failure},
                                 {"inbound_spi", n.inbound_spi}, {"outbound_spi", n.outbound_spi}, {"steps", steps}});
  }
  j["findings"] = nlohmann::json::array();
  for (const auto& f : a.findings) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : f.evidence) ev.push_back(rel(e.path, root) + ":" + std::to_string(e.line));
    nlohmann::json fix = nlohmann::json::array();
    for (const auto& s : f.fix) fix.push_back({{"device", s.device}, {"commands", s.commands}});
    j["findings"].push_back({{"rule", f.rule}, {"severity", severity_name(f.severity)}, {"device", f.device},
                             {"peer", f.peer}, {"message", f.message}, {"evidence", ev}, {"fix", fix},
                             {"candidates", f.candidates}, {"occurrences", f.occurrences}});
  }
  j["unrecognized"] = a.unrecognized_total;
  return j;
}

}  // namespace

TEST_CASE("golden: analysis of every corpus log and bundled example") {
  std::string root = fs::path(CORPUS_DIR).parent_path().string();
  bool approve = std::getenv("IPSEC_DOCTOR_APPROVE") != nullptr;
  std::vector<std::string> cases;
  for (auto& e : fs::recursive_directory_iterator(std::string(CORPUS_DIR) + "/logs"))
    if (e.is_regular_file()) cases.push_back(e.path().string());
  for (auto& e : fs::directory_iterator(root + "/examples"))
    if (e.is_directory()) cases.push_back(e.path().string());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() > 20);
  for (const auto& c : cases) {
    std::string name = rel(c, root);
    for (char& ch : name)
      if (ch == '/') ch = '_';
    fs::path golden = fs::path(CORPUS_DIR) / "golden" / (name + ".json");
    std::string got = summarize(run({c}), root).dump(1) + "\n";
    if (approve) {
      std::ofstream(golden) << got;
      continue;
    }
    std::ifstream in(golden);
    if (!in) {
      FAIL_CHECK("no golden file " << golden.string() << " (run `make approve` and review it)");
      continue;
    }
    std::stringstream want;
    want << in.rdbuf();
    CHECK_MESSAGE(got == want.str(), "golden mismatch for " << rel(c, root) << ": run `make approve` and review `git diff "
                                                                 << rel(golden.string(), root) << "`");
  }
}
