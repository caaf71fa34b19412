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

bool PatternSet::compile(std::vector<PatternProblem>& problems) {
  RE2::Options o;
  o.set_log_errors(false);
  set_ = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
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
  hits_.reserve(patterns_.size());
  return true;
}

int PatternSet::classify(std::string_view normalized) const {
  if (!set_) return -1;
  hits_.clear();
  if (!set_->Match(normalized, &hits_) || hits_.empty()) return -1;
  return *std::min_element(hits_.begin(), hits_.end());
}

}  // namespace ipsecdoc
