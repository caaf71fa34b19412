// Shared by the analysis-level tests: the rule data loaded once from the source tree.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <doctest/doctest.h>

#include "app/analysis.h"
#include "app/reconstruct.h"

inline const ipsecdoc::RuleData& test_rules() {
  static ipsecdoc::RuleData rd = ipsecdoc::load_rules(RULES_DIR);
  return rd;
}

inline ipsecdoc::Analysis run(const std::vector<std::string>& paths) {
  return ipsecdoc::analyze(paths, test_rules(), ipsecdoc::AnalysisOptions{});
}

inline bool has_rule(const ipsecdoc::Analysis& a, const std::string& id) {
  for (const auto& f : a.findings)
    if (f.rule == id) return true;
  return false;
}

inline std::string corpus(const std::string& rel) { return std::string(CORPUS_DIR) + "/" + rel; }

// The first finding of `rule` that came from a log.
inline const ipsecdoc::Finding* log_finding(const ipsecdoc::Analysis& a, const std::string& rule) {
  for (const auto& f : a.findings)
    if (f.rule == rule && f.extra.value("source", "") == "log") return &f;
  return nullptr;
}

// The negotiation a finding was diagnosed on (nullptr when the report did not keep it).
inline const ipsecdoc::Negotiation* negotiation_of(const ipsecdoc::Analysis& a, const ipsecdoc::Finding& f) {
  for (const auto& n : a.negotiations)
    if (n.id == f.extra["negotiation"].get<uint32_t>()) return &n;
  return nullptr;
}

// A file in a directory of this process (other builds run the same tests on this machine at
// once); remove_temp deletes it and the directory once empty.
inline std::string write_temp(const std::string& tag, const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("ipsecdoc-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

inline void remove_temp(const std::string& p) {
  std::error_code ec;
  std::filesystem::remove(p, ec);
  std::filesystem::remove(std::filesystem::path(p).parent_path(), ec);  // only when empty
}

// The replay of the first log finding of `rule` in `log`, computed again with the rendered
// log read back through the tokenizer (the path a real capture takes). Null when no finding.
inline nlohmann::json readback_replay(const std::string& log, const std::string& rule) {
  ipsecdoc::AnalysisOptions o;
  o.replay = false;
  auto a = ipsecdoc::analyze({log}, test_rules(), o);
  const ipsecdoc::Finding* f = log_finding(a, rule);
  if (!f) return nullptr;
  return ipsecdoc::replay_from_log(*f, negotiation_of(a, *f), {}, test_rules().tokenizer.get());
}

// Did the read-back find a rendered line the tokenizer does not read?
inline bool readback_unread(const nlohmann::json& r) {
  return r.contains("differences") && r["differences"].dump().find("does not read") != std::string::npos;
}

// Collects what ingest hands over: records, sections, unrecognized lines.
struct RecordSink : ipsecdoc::IngestSink {
  std::vector<ipsecdoc::Record> records;
  size_t sections = 0, unrecognized = 0;
  void on_record(ipsecdoc::Record&& r) override { records.push_back(std::move(r)); }
  void on_section(ipsecdoc::SectionKind, ipsecdoc::TextSection&&) override { ++sections; }
  void on_unrecognized(uint32_t, uint32_t, std::string_view) override { ++unrecognized; }
};

// run() on a temporary file holding `text` (removed again).
inline ipsecdoc::Analysis analyze_text(const std::string& tag, const std::string& name, const std::string& text) {
  std::string p = write_temp(tag, name, text);
  ipsecdoc::Analysis a = run({p});
  remove_temp(p);
  return a;
}

// ingest_input on a temporary file holding `text` (removed again).
inline ipsecdoc::InputSummary ingest_text(const std::string& name, const std::string& text, ipsecdoc::IngestSink& sink,
                                          const ipsecdoc::IngestOptions& opt = {}) {
  std::string p = write_temp("ingest", name, text);
  ipsecdoc::InputSummary s = ipsecdoc::ingest_input(p, 0, sink, opt);
  remove_temp(p);
  return s;
}

// A fast path's event against the reference's (the tokenizer's caches and plans against
// tokenize_uncached, a repeat against its first time): kind, pattern, connection id, text
// and fields.
inline void check_same_event(const ipsecdoc::Event& got, const ipsecdoc::Event& want) {
  CHECK(got.kind == want.kind);
  CHECK(got.pattern == want.pattern);
  CHECK(got.conn_id == want.conn_id);
  CHECK(got.text == want.text);
  REQUIRE(got.fields == want.fields);
}
