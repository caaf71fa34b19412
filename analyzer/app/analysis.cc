#include "app/analysis.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "app/confirm.h"
#include "app/rules_dir.h"
#include "ingest/line_reader.h"

namespace ipsecdoc {

RuleData load_rules(const std::string& dir) {
  RuleData rd;
  rd.dir = dir;
  std::vector<std::string> errors;
  auto pattern_files = read_json_dir(dir + "/patterns", errors);
  auto rule_files = read_json_dir(dir + "/diagnoses", errors);
  for (auto& e : errors) rd.problems.push_back(e);
  if (pattern_files.empty()) rd.problems.push_back(dir + "/patterns: no pattern files");
  std::vector<std::pair<std::string, nlohmann::json>> docs;
  for (auto& f : pattern_files) docs.emplace_back(f.path, f.doc);
  std::vector<PatternProblem> pp;
  rd.tokenizer = Tokenizer::build(docs, pp);
  for (auto& p : pp)
    (p.fatal ? rd.problems : rd.warnings).push_back(fmt::format("{}: {}: {}", p.file, p.pattern, p.message));
  for (auto& c : rd.tokenizer->collisions()) rd.warnings.push_back("collision: " + c);
  std::vector<RuleProblem> rp;
  for (auto& f : rule_files) rd.book.add_file(f.path, f.doc, rp);
  rd.book.check_overlaps(rp);
  for (auto& p : rp) (p.fatal ? rd.problems : rd.warnings).push_back(fmt::format("{}: {}: {}", p.file, p.rule, p.message));
  return rd;
}

bool Analysis::has_findings_at_or_above(Severity s) const {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity >= s; });
}

namespace {

class Collector : public IngestSink {
 public:
  Collector(const RuleData& rules, const AnalysisOptions& opt, Analysis& out)
      : rules_(rules),
        opt_(opt),
        out_(out),
        timeline_(*rules.tokenizer, [this](Negotiation&& n) { on_negotiation(std::move(n)); },
                  [this](Event&& e) { on_standalone(std::move(e)); }) {}

  void on_record(Record&& r) override {
    ++out_.records_total;
    Event e;
    if (!rules_.tokenizer->tokenize(r, e)) {
      add_unrecognized(r.where.input, r.where.line, "log", r.body);
      return;
    }
    ++out_.events_total;
    note_device(e.device);
    if (opt_.keep_events && out_.events.size() < opt_.max_events) out_.events.push_back(e);
    timeline_.add(std::move(e));
  }

  void on_section(SectionKind kind, TextSection&& s) override {
    note_device(s.device);
    if (kind == SectionKind::Config) {
      out_.configs.push_back(std::move(s));
      return;
    }
    ShowResult res;
    show::Command c = show::command_from_cli(s.command);
    if (c == show::Command::Unknown && !s.lines.empty()) c = show::command_from_content(s.lines.front().text);
    res.parsed = show::parse(c, s);
    std::string label = s.command.empty() ? std::string(show::command_name(c)) : s.command;
    if (c == show::Command::Unknown) label = s.command.empty() ? "show (unknown)" : s.command;
    std::unordered_map<uint32_t, const std::string*> text;
    for (const auto& l : s.lines) text[l.line] = &l.text;
    for (uint32_t ln : res.parsed.unrecognized) add_unrecognized(s.input, ln, label, text.count(ln) ? *text[ln] : "");
    for (auto& f : show::read(res.parsed, s)) {
      f.extra["source"] = "show";
      add_finding(std::move(f));
    }
    res.first_line = s.lines.empty() ? 0 : s.lines.front().line;
    res.last_line = s.lines.empty() ? 0 : s.lines.back().line;
    s.lines.clear();
    s.lines.shrink_to_fit();
    res.section = std::move(s);
    out_.shows.push_back(std::move(res));
  }

  void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) override {
    add_unrecognized(input, line, "log", text);
  }

  void finish() { timeline_.finish(); }

  void add_finding(Finding&& f) {
    rules_.book.complete(f);
    if (f.key.empty()) f.key = fmt::format("{}|{}|{}|{}", f.rule, f.device, f.peer, f.message);
    auto it = index_.find(f.key);
    if (it != index_.end()) {
      Finding& g = out_.findings[it->second];
      ++g.occurrences;
      if (!f.evidence.empty()) g.extra["last_seen"] = to_json(f.evidence.front());
      return;
    }
    // Bounded: past the cap, a finding counts towards the first one of the same rule, device
    // and peer ("similar"), or, failing that, towards the per-rule count of omitted findings.
    std::string coarse = f.rule + "|" + f.device + "|" + f.peer;
    if (out_.findings.size() >= opt_.max_findings) {
      auto c = coarse_.find(coarse);
      if (c != coarse_.end()) {
        Finding& g = out_.findings[c->second];
        ++g.occurrences;
        g.extra["similar"] = g.extra.value("similar", 0) + 1;
      } else {
        ++out_.findings_omitted[f.rule];
      }
      return;
    }
    coarse_.emplace(coarse, out_.findings.size());
    index_.emplace(f.key, out_.findings.size());
    out_.findings.push_back(std::move(f));
  }

 private:
  void note_device(const std::string& d) {
    if (!d.empty() && std::find(out_.devices.begin(), out_.devices.end(), d) == out_.devices.end())
      out_.devices.push_back(d);
  }

  void add_unrecognized(uint32_t input, uint32_t line, const std::string& section, std::string_view text) {
    ++out_.unrecognized_total;
    ++out_.unrecognized_by_section[section];
    if (out_.unrecognized.size() < opt_.max_unrecognized)
      out_.unrecognized.push_back({path(input), line, section, std::string(text)});
  }

  std::string path(uint32_t input) const { return input < out_.paths.size() ? out_.paths[input] : ""; }

  void on_negotiation(Negotiation&& n) {
    ++out_.negotiations_total;
    if (auto f = rules_.book.diagnose(n, out_.paths)) {
      f->extra["source"] = "log";
      // A lone %CRYPTO-6-IKMP_MODE_FAILURE that arrives after the exchange it ends was closed
      // repeats a failure already diagnosed for this device and peer: count it there.
      bool lone_mode_failure = f->rule == "negotiation-failed" && !n.steps.empty() &&
                               std::all_of(n.steps.begin(), n.steps.end(),
                                           [](const Step& s) { return s.event.kind == EventKind::ModeFailure; });
      auto known = coarse_peer_.find(n.device + "|" + n.peer);
      if (lone_mode_failure && known != coarse_peer_.end()) {
        ++out_.findings[known->second].occurrences;
      } else {
        std::string key = f->key, rule = f->rule;
        add_finding(std::move(*f));
        auto it = index_.find(key);
        if (rule != "negotiation-failed" && it != index_.end()) coarse_peer_.emplace(n.device + "|" + n.peer, it->second);
      }
    }
    ++out_.outcome_counts[n.outcome];
    if (out_.negotiations.size() >= opt_.max_negotiations) return;
    bool detailed = detailed_ < opt_.max_detailed;
    if (!detailed && !n.failure.empty() && detailed_ < 2 * opt_.max_detailed) {
      size_t& seen = detailed_failures_[n.failure + "|" + n.device + "|" + n.peer];
      detailed = seen < opt_.max_detailed_per_failure;
      if (detailed) ++seen;
    }
    if (detailed) {
      ++detailed_;
    } else {
      n.steps_omitted += static_cast<uint32_t>(n.steps.size());
      n.steps.clear();
      n.steps.shrink_to_fit();
    }
    out_.negotiations.push_back(std::move(n));
  }

  void on_standalone(Event&& e) {
    ++out_.standalone_total;
    note_device(e.device);
    if (auto f = rules_.book.diagnose_standalone(e, out_.paths)) {
      f->extra["source"] = "log";
      add_finding(std::move(*f));
    }
    if (out_.standalone.size() < opt_.max_standalone) out_.standalone.push_back(std::move(e));
  }

  const RuleData& rules_;
  const AnalysisOptions& opt_;
  Analysis& out_;
  TimelineBuilder timeline_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> coarse_;
  std::unordered_map<std::string, size_t> coarse_peer_;  // device|peer -> a log finding about it
  size_t detailed_ = 0;
  std::unordered_map<std::string, size_t> detailed_failures_;
};

}  // namespace

Analysis analyze(const std::vector<std::string>& paths, const RuleData& rules, const AnalysisOptions& opt) {
  Analysis out;
  out.tokenizer = rules.tokenizer.get();
  ExpandedPaths ex = expand_paths(paths);
  for (auto& [p, why] : ex.errors) {
    InputSummary s;
    s.path = p;
    s.error = why;
    out.inputs.push_back(std::move(s));
  }
  out.paths = ex.files;
  IngestOptions io;
  io.show_sniffer = [](std::string_view line) -> std::string {
    auto c = show::command_from_content(line);
    return c == show::Command::Unknown ? std::string() : std::string(show::command_name(c));
  };
  Collector col(rules, opt, out);
  size_t usable = 0;
  for (uint32_t i = 0; i < ex.files.size(); ++i) {
    InputSummary s = ingest_input(ex.files[i], i, col, io);
    if (s.error.empty()) ++usable;
    out.inputs.push_back(std::move(s));
  }
  col.finish();
  out.had_unusable_input = usable == 0;
  if (!out.configs.empty()) {
    out.lint = std::make_shared<LintResult>(lint(out.configs));
    for (auto f : out.lint->findings) {
      f.extra["source"] = "config";
      col.add_finding(std::move(f));
    }
    for (const auto& [path, sl] : out.lint->unrecognized) {
      ++out.unrecognized_total;
      ++out.unrecognized_by_section["config"];
      if (out.unrecognized.size() < opt.max_unrecognized) out.unrecognized.push_back({path, sl.line, "config", sl.text});
    }
  }
  if (opt.replay) confirm_findings(out, {}, rules.tokenizer.get());
  // Findings: most severe first, then by device/peer, stable.
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.device < b.device;
  });
  return out;
}

}  // namespace ipsecdoc
