// Runs lint on every corpus/configs/<case>/ directory and checks that the set of
// (rule, file, line) triples equals the `! expect: RULE` annotations: each annotation names
// the rule of a finding whose first evidence line is the next non-annotation line.
// `! expect-none` marks a clean case (no finding of any severity).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "lint/lint.h"

using namespace ipsecdoc;
namespace fs = std::filesystem;

namespace {
using Triple = std::tuple<std::string, std::string, uint32_t>;

TextSection read_section(const fs::path& file, const std::string& shown) {
  TextSection s;
  s.path = shown;
  std::ifstream in(file);
  std::string l;
  uint32_t n = 0;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    s.lines.push_back({++n, l});
  }
  return s;
}
}  // namespace

TEST_CASE("lint corpus: every case yields exactly its expected findings") {
  fs::path root = fs::path(CORPUS_DIR) / "configs";
  REQUIRE(fs::exists(root));
  std::vector<fs::path> cases;
  for (auto& e : fs::directory_iterator(root)) if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  CHECK(cases.size() >= 20);
  std::set<std::string> failing_rules, clean_cases;
  for (auto& dir : cases) {
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir)) if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<TextSection> secs;
    std::set<Triple> expected;
    bool none = false;
    for (auto& f : files) {
      std::string shown = dir.filename().string() + "/" + f.filename().string();
      secs.push_back(read_section(f, shown));
      std::vector<std::string> pending;
      for (auto& sl : secs.back().lines) {
        const std::string& t = sl.text;
        if (t.rfind("! expect-none", 0) == 0) { none = true; continue; }
        if (t.rfind("! expect: ", 0) == 0) { pending.push_back(t.substr(10)); continue; }
        for (auto& r : pending) expected.insert({r, shown, sl.line});
        pending.clear();
      }
    }
    auto res = lint(secs);
    std::set<Triple> got;
    for (auto& f : res.findings) {
      REQUIRE_MESSAGE(!f.evidence.empty(), f.rule);
      got.insert({f.rule, f.evidence[0].path, f.evidence[0].line});
      CHECK_MESSAGE(lint_rule(f.rule) != nullptr, f.rule);
      // secrets never appear in what we print
      std::string all = to_json(f).dump();
      CHECK_MESSAGE(all.find("Secr3t") == std::string::npos, dir.filename().string());
      CHECK_MESSAGE(all.find("Secr3T") == std::string::npos, dir.filename().string());
    }
    INFO("case " << dir.filename().string());
    for (auto& t : expected) CHECK_MESSAGE(got.count(t), "missing " << std::get<0>(t) << " at " << std::get<1>(t) << ":" << std::get<2>(t));
    for (auto& t : got) {
      std::string msg;
      for (auto& f : res.findings) if (f.rule == std::get<0>(t) && f.evidence[0].line == std::get<2>(t)) msg = f.message;
      CHECK_MESSAGE(expected.count(t), "unexpected " << std::get<0>(t) << " at " << std::get<1>(t) << ":" << std::get<2>(t) << " — " << msg);
    }
    CHECK(res.unrecognized.empty());
    if (none) { CHECK(expected.empty()); clean_cases.insert(dir.filename().string()); }
    for (auto& t : expected) failing_rules.insert(std::get<0>(t));
  }
  // every rule has at least one failing case
  for (auto& r : lint_rules()) CHECK_MESSAGE(failing_rules.count(std::string(r.id)), "no failing case for " << r.id);
  CHECK(clean_cases.size() >= 7);
}
