// Drives the library's ingest + tokenizer over one file, without the rest of the CLI.
// Used by the benchmark for (1) checking that generated inputs are recognised,
// (2) profiling the hot path in isolation, and (3) as a differential oracle when
// optimising: `--dump` prints everything ingest/tokenize produced in a canonical form,
// so before/after outputs can be compared byte for byte.
//
//   ingest_probe FILE            summary: records, events by kind, unrecognised lines
//   ingest_probe --dump FILE     every record, event (fields), section and unrecognised line
//   ingest_probe --ingest-only FILE   ingest without tokenizing (to split the cost)
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/rules_dir.h"
#include "ingest/ingest.h"
#include "show/show.h"
#include "tokenize/tokenizer.h"

using namespace ipsecdoc;

namespace {

struct Sink : IngestSink {
  const Tokenizer* tok = nullptr;
  bool dump = false;
  uint64_t records = 0, events = 0, not_understood = 0, unrecognized = 0, sections = 0;
  std::map<std::string, uint64_t> by_kind;
  std::map<std::string, uint64_t> not_understood_heads;  // first words of records no pattern took
  std::vector<std::string> unrec_samples;

  void on_record(Record&& r) override {
    ++records;
    if (dump)
      fmt::print("R {}:{}-{} dev={} stamp={}|{}|{:.3f} seq={} lines={} notes={} body={}\n", r.where.input,
                 r.where.line, r.where.last_line, r.device, r.stamp.text.view(), r.stamp.clock_marker ? r.stamp.clock_marker : '-',
                 r.stamp.seconds, r.seq, r.physical_lines, fmt::join(r.notes, "|"), r.body);
    if (!tok) return;
    Event e;
    if (tok->tokenize(std::move(r), e)) {  // on failure r is untouched
      ++events;
      ++by_kind[std::string(event_kind_name(e.kind))];
      if (dump) {
        fmt::print("E {} p={} conn={}", event_kind_name(e.kind), e.pattern, e.conn_id);
        for (auto& [k, v] : e.fields) fmt::print(" {}={}", k, v);
        fmt::print("\n");
      }
    } else {
      ++not_understood;
      std::string head = r.body.substr(0, std::min<size_t>(r.body.size(), 48));
      // Bounded, so the probe's own bookkeeping does not show up as memory growth.
      if (not_understood_heads.size() < 1000 || not_understood_heads.count(head)) ++not_understood_heads[head];
      if (dump) fmt::print("N\n");
    }
  }
  void on_section(SectionKind kind, TextSection&& s) override {
    ++sections;
    if (dump)
      fmt::print("S {} dev={} cmd={} lines={} first={}\n", kind == SectionKind::Config ? "config" : "show", s.device,
                 s.command, s.lines.size(), s.lines.empty() ? 0 : s.lines.front().line);
  }
  void on_unrecognized(uint32_t input, uint32_t line, std::string_view text) override {
    ++unrecognized;
    if (dump) fmt::print("U {}:{} {}\n", input, line, text);
    else if (unrec_samples.size() < 10) unrec_samples.emplace_back(text);
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool dump = false, tokenize = true;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dump") dump = true;
    else if (a == "--ingest-only") tokenize = false;
    else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: ingest_probe [--dump] [--ingest-only] FILE...\n");
    return 2;
  }
  std::unique_ptr<Tokenizer> tok;
  if (tokenize) {
    std::vector<std::string> errors;
    auto jf = read_json_dir(find_rules_dir(argv[0]) + "/patterns", errors);
    std::vector<std::pair<std::string, nlohmann::json>> docs;
    for (auto& f : jf) docs.emplace_back(f.path, f.doc);
    std::vector<PatternProblem> problems;
    tok = Tokenizer::build(docs, problems);
    for (auto& e : errors) std::fprintf(stderr, "rules: %s\n", e.c_str());
    for (auto& p : problems)
      if (p.fatal) std::fprintf(stderr, "pattern %s: %s\n", p.pattern.c_str(), p.message.c_str());
  }
  Sink sink;
  sink.tok = tok.get();
  sink.dump = dump;
  IngestOptions opt;
  // Same sniffer the CLI is expected to use: a show output recognised by its first line.
  opt.show_sniffer = [](std::string_view line) -> std::string {
    auto c = show::command_from_content(line);
    return c == show::Command::Unknown ? std::string() : std::string(show::command_name(c));
  };
  int rc = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    InputSummary s = ingest_input(files[i], static_cast<uint32_t>(i), sink, opt);
    if (!s.error.empty()) {
      std::fprintf(stderr, "%s: %s\n", files[i].c_str(), s.error.c_str());
      rc = 1;
      continue;
    }
    auto out = dump ? stdout : stderr;
    fmt::print(out, "{}: {} bytes, {} lines, {} blank, {} log records, {} other syslog, devices {}, sections {}\n",
               s.path, s.bytes, s.lines, s.blank, s.log_records, s.other_syslog, s.devices.size(), s.sections.size());
    fmt::print(out, "clean: cr={} ansi={} bs={} pager={} control={}; overlong={} nul={}\n", s.clean.cr, s.clean.ansi,
               s.clean.backspaces, s.clean.pager, s.clean.control, s.overlong, s.nul_bytes);
    if (dump) fmt::print("devices: {}\n", fmt::join(s.devices, ","));
  }
  if (!dump) {
    fmt::print("records {}  events {}  not understood {}  unrecognized lines {}  sections {}\n", sink.records,
               sink.events, sink.not_understood, sink.unrecognized, sink.sections);
    auto st = Tokenizer::cache_stats();
    double all = static_cast<double>(st.hits + st.template_hits + st.misses);
    auto pct = [&](uint64_t v) { return all > 0 ? 100.0 * static_cast<double>(v) / all : 0.0; };
    fmt::print("tokenizer caches: {} head hits ({:.0f}%), {} template hits ({:.0f}%), {} computed ({:.0f}%)\n",
               st.hits, pct(st.hits), st.template_hits, pct(st.template_hits), st.misses, pct(st.misses));
    for (auto& [k, n] : sink.by_kind) fmt::print("  {:<28} {}\n", k, n);
    std::vector<std::pair<uint64_t, std::string>> nu;
    for (auto& [h, n] : sink.not_understood_heads) nu.emplace_back(n, h);
    std::sort(nu.rbegin(), nu.rend());
    if (!nu.empty()) fmt::print("records no pattern took (top 15 by count):\n");
    for (size_t i = 0; i < nu.size() && i < 15; ++i) fmt::print("  {:>8}  {}\n", nu[i].first, nu[i].second);
    for (auto& u : sink.unrec_samples) fmt::print("  unrecognized: {}\n", u);
  }
  return rc;
}
