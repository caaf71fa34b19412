#include "tokenize/pattern_set.h"

#include <algorithm>

#include <fmt/format.h>

namespace ipsecdoc {

void PatternSet::add_file(const std::string& file, const nlohmann::json& doc, std::vector<PatternProblem>& problems) {
  if (!doc.is_object() || !doc.contains("patterns") || !doc["patterns"].is_array()) {
    problems.push_back({file, "", "expected an object with a \"patterns\" array"});
    return;
  }
  for (const auto& p : doc["patterns"]) {
    auto pat = std::make_unique<Pattern>();
    pat->file = file;
    pat->id = p.value("id", "");
    std::string ev = p.value("event", "");
    auto kind = event_kind_from_name(ev);
    if (pat->id.empty()) {
      problems.push_back({file, "", "pattern without \"id\""});
      continue;
    }
    if (!kind) {
      problems.push_back({file, pat->id, fmt::format("unknown event \"{}\"", ev)});
      continue;
    }
    pat->event = *kind;
    pat->regex = p.value("regex", "");
    pat->explain = p.value("explain", "");
    pat->kv = p.value("kv", false);
    pat->samples = p.value("samples", nlohmann::json::array());
    RE2::Options o;
    o.set_log_errors(false);
    pat->re = std::make_unique<RE2>(pat->regex, o);
    if (!pat->re->ok()) {
      problems.push_back({file, pat->id, "regex does not compile: " + pat->re->error()});
      continue;
    }
    for (const auto& [name, idx] : pat->re->NamedCapturingGroups()) pat->groups.emplace_back(name, idx);
    if (pat->samples.empty()) problems.push_back({file, pat->id, "pattern has no samples", false});
    patterns_.push_back(std::move(pat));
  }
}

namespace {

// True when every top-level alternative of `re` starts with '^', i.e. the pattern can only
// match at the start of the text. Conservative: anything it does not understand (\Q, a
// leading flag group, ...) counts as "not anchored".
bool starts_anchored(std::string_view re) {
  if (re.find("\\Q") != std::string_view::npos) return false;
  bool at_alt_start = true;
  int depth = 0;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (at_alt_start) {
      if (c != '^') return false;
      at_alt_start = false;
      continue;
    }
    if (c == '\\') {
      ++i;  // escaped character
    } else if (c == '[') {  // character class: '|', '(' and ')' are literal inside
      size_t j = i + 1;
      if (j < re.size() && re[j] == '^') ++j;
      if (j < re.size() && re[j] == ']') ++j;
      for (; j < re.size() && re[j] != ']'; ++j) {
        if (re[j] == '\\') ++j;
        else if (re[j] == '[' && j + 1 < re.size() && re[j + 1] == ':') {
          size_t e = re.find(":]", j + 2);
          if (e == std::string_view::npos) return false;
          j = e + 1;
        }
      }
      if (j >= re.size()) return false;
      i = j;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      at_alt_start = true;
    }
  }
  return !at_alt_start && depth == 0;
}

}  // namespace

bool PatternSet::compile(std::vector<PatternProblem>& problems) {
  RE2::Options o;
  o.set_log_errors(false);
  // An unanchored set runs its DFA over the whole record (it is compiled with a leading .*?
  // loop, so it never reaches a dead state). When every pattern is '^'-anchored anyway, an
  // ANCHOR_START set finds the same matches and stops as soon as no pattern can match any
  // more: most records are decided within their first few dozen bytes.
  bool anchored = std::all_of(patterns_.begin(), patterns_.end(),
                              [](const std::unique_ptr<Pattern>& p) { return starts_anchored(p->regex); });
  set_ = std::make_unique<RE2::Set>(o, anchored ? RE2::ANCHOR_START : RE2::UNANCHORED);
  for (const auto& p : patterns_) {
    std::string err;
    if (set_->Add(p->regex, &err) < 0) {
      problems.push_back({p->file, p->id, "cannot add to set: " + err});
      return false;
    }
  }
  if (!set_->Compile()) {
    problems.push_back({"", "", "RE2::Set compilation failed (out of memory?)"});
    return false;
  }
  return true;
}

int PatternSet::classify(std::string_view normalized) const {
  if (!set_) return -1;
  thread_local std::vector<int> hits;  // per thread: classify runs on the ingest and analysis threads
  hits.clear();
  if (!set_->Match(normalized, &hits) || hits.empty()) return -1;
  return *std::min_element(hits.begin(), hits.end());
}

}  // namespace ipsecdoc
