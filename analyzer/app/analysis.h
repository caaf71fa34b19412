// One analysis run: ingest -> tokenize -> timeline / show / config -> rules -> report data.
// This is the only place that wires the parts together; the CLI only parses arguments
// and picks a report format.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "core/source_line.h"
#include "ingest/ingest.h"
#include "lint/lint.h"
#include "rules/diagnosis_rules.h"
#include "show/show.h"
#include "timeline/timeline.h"
#include "tokenize/tokenizer.h"

namespace ipsecdoc {

// Loaded, checked rule data (log patterns + diagnosis rules).
struct RuleData {
  std::string dir;
  std::unique_ptr<Tokenizer> tokenizer;
  RuleBook book;
  std::vector<std::string> problems;   // "file: rule: message" (fatal ones)
  std::vector<std::string> warnings;   // non-fatal: missing samples/examples, collisions
  bool ok() const { return problems.empty() && tokenizer != nullptr; }
};
RuleData load_rules(const std::string& dir);

struct AnalysisOptions {
  // What the report keeps is bounded so memory does not grow with the input; totals are
  // always counted and findings summarise everything (with occurrence counts).
  size_t max_negotiations = 1000;     // listed in the report
  size_t max_detailed = 200;          // of those, with every step (the others: summary only)
  size_t max_detailed_per_failure = 3;  // failed negotiations keep their steps: up to 3 per finding
  size_t max_finding_negotiations = 240;  // besides: the negotiation behind each new distinct finding
  size_t max_finding_negotiations_per_rule = 30;  // ... shared fairly between the rules
  // Log findings are replayed when found (each costs ~1-2 ms: reconstruct, parse, replay, fix,
  // replay); past this many of one rule the rest say so instead (a capture's hundredth
  // transform mismatch of the same kind adds time, not confidence).
  size_t max_replays_per_rule = 100;
  size_t max_unrecognized = 2000;     // listed; more are counted
  size_t max_unrecognized_text = 1000;  // bytes of a listed line's text (a 1 MiB piece of junk is not kept whole)
  size_t max_standalone = 500;
  size_t max_findings = 1000;         // distinct findings; more fold into similar ones (counted)
  bool keep_events = false;           // `parse`: keep every recognised event
  bool replay = true;                 // confirm failure findings in the reference model
  size_t max_events = 200000;
  // Read + tokenize on a second thread while this one builds timelines and findings (the
  // two halves cost about the same). Same results either way, in the same order.
  bool pipeline = true;
  // Tests: with the pipeline, the analysis thread cleans and parses every line (the ingest
  // thread waits for it instead of doing it when the analysis thread is busy).
  bool pipeline_helper_only = false;
};

struct UnrecognizedLine {
  std::string path;
  uint32_t line;
  std::string section;  // "log", "config", "show crypto ipsec sa"
  std::string text;     // the line, or its first max_unrecognized_text bytes
  uint64_t bytes = 0;   // the whole line's length when `text` is only its start, else 0

  // Keeps at most `limit` bytes of `line_text` (memory stays bounded whatever the lines).
  static UnrecognizedLine make(std::string path, uint32_t line, std::string section, std::string_view line_text,
                               size_t limit);
};

struct ShowResult {
  TextSection section;  // lines dropped after parsing to save memory; kept: path/device/command
  uint32_t first_line = 0, last_line = 0;
  show::Parsed parsed;
};

struct Analysis {
  const Tokenizer* tokenizer = nullptr;    // for rendering step explanations in reports
  std::vector<InputSummary> inputs;
  std::vector<std::string> paths;          // input index -> path
  std::vector<Negotiation> negotiations;   // in order of closing
  uint64_t negotiations_total = 0;
  std::map<std::string, uint64_t> outcome_counts;
  std::vector<Finding> findings;
  std::map<std::string, uint64_t> findings_omitted;  // rule -> findings beyond max_findings with no similar one kept
  std::vector<ShowResult> shows;
  std::vector<TextSection> configs;
  std::vector<Event> standalone;           // data-plane / other crypto syslog
  uint64_t standalone_total = 0;
  std::vector<Event> events;               // only with keep_events
  uint64_t events_total = 0;
  uint64_t records_total = 0;
  std::vector<UnrecognizedLine> unrecognized;
  uint64_t unrecognized_total = 0;
  std::map<std::string, uint64_t> unrecognized_by_section;
  std::vector<std::string> devices;
  bool had_unusable_input = false;         // every input failed to open, or none given
  std::shared_ptr<LintResult> lint;        // config models, pairs and lint findings (when configs were given)

  bool has_findings_at_or_above(Severity s) const;
};

// Runs everything on `paths` (files, directories, "-").
Analysis analyze(const std::vector<std::string>& paths, const RuleData& rules, const AnalysisOptions& opt);

}  // namespace ipsecdoc
