// Log signatures as data (rules/patterns/*.json): each pattern names the event it
// produces, a regex over the normalised record (see normalize.h) whose named groups
// become event fields, a plain-language explanation template, and sample lines.
// Loading checks every sample (it must come out as its own pattern, with the fields it
// lists) and reports collisions between patterns. Classification is one RE2::Set pass.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <re2/set.h>

#include "core/event.h"

namespace ipsecdoc {

struct Pattern {
  std::string id;            // "ipsec.proposal-request"
  EventKind event;
  std::string regex;
  std::string explain;       // template, "{field}" placeholders
  bool kv = false;           // also parse "key= value" pairs of key-engine messages
  std::string file;          // where it was defined
  std::unique_ptr<RE2> re;
  std::vector<std::pair<std::string, int>> groups;  // named group -> index
  nlohmann::json samples;
};

struct PatternProblem {
  std::string file;
  std::string pattern;
  std::string message;
  bool fatal = true;
};

class PatternSet {
 public:
  // Adds the patterns of one file (already parsed JSON). Problems are appended.
  void add_file(const std::string& file, const nlohmann::json& doc, std::vector<PatternProblem>& problems);
  // Compiles the set; must be called once after all files.
  bool compile(std::vector<PatternProblem>& problems);
  // Index of the first (highest-priority) pattern matching `normalized`, or -1.
  int classify(std::string_view normalized) const;
  const Pattern& at(int i) const { return *patterns_[static_cast<size_t>(i)]; }
  size_t size() const { return patterns_.size(); }

 private:
  std::vector<std::unique_ptr<Pattern>> patterns_;
  std::unique_ptr<RE2::Set> set_;
};

}  // namespace ipsecdoc
