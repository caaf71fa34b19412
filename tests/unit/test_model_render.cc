// Renderer: (1) round trip — rendered lines read back through ingest + tokenizer give the trace's
// events, for every dialect, every corpus scenario and a sample of generated ones; (2) fidelity —
// the 12.x rendering of each seed-chapter scenario contains the captured log (corpus/model/*/
// expected.log) event for event.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "config/config.h"
#include "ingest/ingest.h"
#include "model/model.h"
#include "model/render.h"
#include "model/scenario_gen.h"
#include "tokenize/tokenizer.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;
using namespace ipsecdoc::model;
namespace fs = std::filesystem;

namespace {

// The pattern data as the suite loads it everywhere (test_analysis_helpers.h); load problems
// are reported by test_rules_examples.cc.
const Tokenizer& tok() { return *test_rules().tokenizer; }

struct Collect : IngestSink {
  std::vector<Record> recs;
  std::vector<std::string> unrecognized;
  void on_record(Record&& r) override { recs.push_back(std::move(r)); }
  void on_section(SectionKind, TextSection&&) override {}
  void on_unrecognized(uint32_t, uint32_t, std::string_view t) override { unrecognized.emplace_back(t); }
};

// Reads a log file the way the analyzer does: ingest (folding) then the tokenizer.
std::vector<Event> read_log_file(const std::string& path, std::vector<std::string>& not_understood) {
  Collect c;
  IngestOptions o;
  ingest_input(path, 0, c, o);
  std::vector<Event> out;
  for (auto& r : c.recs) {
    Event e;
    if (tok().tokenize(r, e)) out.push_back(std::move(e));
    else not_understood.push_back(r.body);
  }
  for (auto& u : c.unrecognized) not_understood.push_back(u);
  return out;
}

std::vector<Event> read_back(const std::vector<std::string>& lines, std::vector<std::string>& not_understood) {
  static int n = 0;
  fs::path p = fs::temp_directory_path() / ("ipsecdoc_model_rt_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".log");
  {
    std::ofstream f(p);
    for (auto& l : lines) f << l << '\n';
  }
  auto ev = read_log_file(p.string(), not_understood);
  fs::remove(p);
  return ev;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TextSection section(const std::string& text, const std::string& path) {
  return text_section(text, path);
}

bool same_proxy(std::string_view a, std::string_view b) {
  auto x = parse_proxy(a), y = parse_proxy(b);
  return x && y && x->addr == y->addr && x->mask == y->mask && x->proto == y->proto && x->port == y->port;
}

// Does the tokenized `got` carry the trace event's identity (kind, fields, connection id)?
std::string mismatch(const TraceEvent& want, const Event& got, Dialect d) {
  const Event& w = want.event;
  if (w.kind != got.kind)
    return fmt::format("kind {} != {}", event_kind_name(w.kind), event_kind_name(got.kind));
  for (auto& [k, v] : w.fields) {
    if (k.empty() || k[0] == '_') continue;
    std::string_view g = got.get(k);
    if (k == "local_proxy" || k == "remote_proxy") {
      if (!same_proxy(v, g)) return fmt::format("{}: {} != {}", k, v, g);
      continue;
    }
    if (k == "transform" && d == Dialect::Ios12 && w.kind == EventKind::TransformNotSupported) {
      // 12.x prints the numbers (port, trans, hmac_alg): the AES key length is not in the line.
      auto a = parse_transform(v), b = parse_transform(g);
      if (!a || !b || a->esp_enc != b->esp_enc || a->esp_auth != b->esp_auth) return fmt::format("transform {} != {}", v, g);
      continue;
    }
    if (g != v) return fmt::format("field {}: want \"{}\" got \"{}\"", k, v, g);
  }
  if (w.conn_id >= 0 && !(d == Dialect::Ios12 && w.kind == EventKind::PskNotFound)) {
    int want_id = d == Dialect::Ios12 || w.conn_id == 0 ? w.conn_id : 1000 + w.conn_id;
    if (got.conn_id != want_id) return fmt::format("conn_id {} != {}", want_id, got.conn_id);
  }
  return "";
}

// Known gaps outside analyzer/model (reported to the lead): kinds ingest loses. They are left out
// of the ingest round trip on both sides and checked record by record with tokenize_lines instead.
//  - MapAccepted: IOS-XE "(ipsec_process_proposal)Map Accepted: M, 10" passes is_crypto_head() but
//    mentions_crypto() only knows upper-case IPSEC/IPsec, so ingest counts it as other syslog.
bool ingest_gap(EventKind k) { return k == EventKind::MapAccepted; }

// Round trip of one device's log; returns a description of the first difference ("" = equal).
std::string round_trip(const ReplayResult& r, const std::string& dev, Dialect d, bool stamps) {
  RenderOptions ro;
  ro.timestamps = stamps;
  auto lines = render(r, dev, d, ro);
  std::vector<const TraceEvent*> want;
  for (auto& te : r.trace) {
    if (te.device != dev) continue;
    auto rec = render_event(te, d);
    if (rec.empty()) continue;
    if (ingest_gap(te.event.kind)) {
      Event e;
      if (!tok().tokenize_lines(rec, e)) return "not understood: " + rec[0];
      if (std::string m = mismatch(te, e, d); !m.empty()) return rec[0] + ": " + m;
      continue;
    }
    want.push_back(&te);
  }
  std::vector<std::string> nu;
  auto got = read_back(lines, nu);
  got.erase(std::remove_if(got.begin(), got.end(), [](const Event& e) { return ingest_gap(e.kind); }), got.end());
  std::string log;
  for (auto& l : lines) log += l + "\n";
  if (!nu.empty()) return "not understood: " + nu[0] + "\n" + log;
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    std::string m = mismatch(*want[i], got[i], d);
    if (!m.empty()) return fmt::format("event {} ({}): {}\n{}", i, got[i].text, m, log);
  }
  if (got.size() != want.size()) return fmt::format("{} events read back, {} in the trace\n{}", got.size(), want.size(), log);
  return "";
}

std::map<std::string, std::string> read_case(const fs::path& p) {
  std::map<std::string, std::string> kv;
  std::istringstream in(slurp(p));
  std::string l;
  while (std::getline(in, l)) {
    if (l.empty() || l[0] == '#') continue;
    auto eq = l.find('=');
    if (eq != std::string::npos) kv[l.substr(0, eq)] = l.substr(eq + 1);
  }
  return kv;
}

struct Case {
  std::string name;
  std::vector<DeviceConfig> cfgs;
  std::map<std::string, std::string> kv;
  ReplayResult result;
};

std::vector<Case> corpus_cases() {
  std::vector<Case> out;
  std::vector<fs::path> dirs;
  for (auto& e : fs::directory_iterator(fs::path(CORPUS_DIR) / "model")) if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (auto& dir : dirs) {
    Case c;
    c.name = dir.filename().string();
    std::vector<fs::path> cfgs;
    for (auto& e : fs::directory_iterator(dir)) if (e.path().extension() == ".cfg") cfgs.push_back(e.path());
    std::sort(cfgs.begin(), cfgs.end());
    for (auto& p : cfgs) c.cfgs.push_back(parse_config(section(slurp(p), p.string())));
    c.kv = read_case(dir / "case.txt");
    std::vector<const DeviceConfig*> ptrs;
    for (auto& d : c.cfgs) ptrs.push_back(&d);
    Trigger t;
    t.src = *parse_ipv4(c.kv["src"]);
    t.dst = *parse_ipv4(c.kv["dst"]);
    c.result = replay(ptrs, t, c.kv["from"]);
    out.push_back(std::move(c));
  }
  return out;
}

// Keys that identify a captured event (what the seed's text lets us check).
constexpr const char* kSeedKeys[] = {"local", "remote", "local_proxy", "remote_proxy", "transform", "address",
                                     "sa_dest", "direction", "src", "dst", "proto", "peer"};

bool seed_event_matches(const Event& want, const Event& got) {
  if (want.kind != got.kind) return false;
  for (const char* k : kSeedKeys) {
    if (!want.has(k)) continue;
    if (std::string_view(k).find("proxy") != std::string_view::npos) {
      if (!same_proxy(want.get(k), got.get(k))) return false;
    } else if (want.get(k) != got.get(k)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("model render: every event kind the model emits renders in every dialect it is printed by") {
  for (auto& c : corpus_cases())
    for (auto& te : c.result.trace)
      for (Dialect d : {Dialect::Ios12, Dialect::Ios15, Dialect::IosXe})
        if (te.printed_by(d)) CHECK_MESSAGE(!render_event(te, d).empty(), event_kind_name(te.event.kind));
}

TEST_CASE("model render: round trip through ingest + tokenizer for the corpus scenarios, all dialects") {
  for (auto& c : corpus_cases()) {
    for (auto* dev : {&c.result.initiator, &c.result.responder}) {
      if (dev->empty()) continue;
      for (Dialect d : {Dialect::Ios12, Dialect::Ios15, Dialect::IosXe})
        for (bool stamps : {true, false}) {
          std::string m = round_trip(c.result, *dev, d, stamps);
          CHECK_MESSAGE(m.empty(), c.name << " " << *dev << " " << dialect_name(d) << (stamps ? " (timestamps)" : "") << ": " << m);
        }
    }
  }
}

TEST_CASE("model render: round trip for generated scenarios (every fault, all dialects)") {
  const auto& faults = scenario_fault_ids();
  int checked = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::vector<std::string> f;
    if (seed % 6 != 0) f.push_back(faults[seed % faults.size()]);
    Scenario s = generate_scenario(seed, f);
    auto devs = s.devices();
    ReplayResult r = replay(devs, s.trigger, s.initiator);
    for (auto* dev : {&r.initiator, &r.responder}) {
      if (dev->empty()) continue;
      for (Dialect d : {Dialect::Ios12, Dialect::Ios15, Dialect::IosXe}) {
        std::string m = round_trip(r, *dev, d, seed % 2 == 0);
        CHECK_MESSAGE(m.empty(), "seed " << seed << " " << *dev << " " << dialect_name(d) << ": " << m);
        ++checked;
      }
    }
  }
  CHECK(checked > 200);
}

TEST_CASE("model fidelity: the 12.x rendering of each seed-chapter case contains the captured log event for event") {
  auto cases = corpus_cases();
  REQUIRE(cases.size() >= 5);
  for (auto& c : cases) {
    INFO("case " << c.name);
    CHECK(c.result.outcome == c.kv["outcome"]);
    CHECK(c.result.failure == c.kv["failure"]);
    std::vector<std::string> nu;
    auto want = read_log_file((fs::path(CORPUS_DIR) / "model" / c.name / "expected.log").string(), nu);
    CHECK_MESSAGE(nu.empty(), "seed lines the tokenizer does not understand: " << (nu.empty() ? "" : nu[0]));
    REQUIRE(!want.empty());
    RenderOptions ro;
    ro.timestamps = false;
    std::string fac = c.kv["facilities"];
    ro.isakmp = fac.find("isakmp") != std::string::npos;
    ro.ipsec = fac.find("ipsec") != std::string::npos;
    auto lines = render(c.result, c.kv["observer"], Dialect::Ios12, ro);
    auto got = read_back(lines, nu);
    std::string log;
    for (auto& l : lines) log += l + "\n";
    // The captured excerpt must appear as a contiguous run of the rendered events.
    size_t best = 0;
    bool found = false;
    for (size_t s = 0; s + want.size() <= got.size() && !found; ++s) {
      size_t k = 0;
      while (k < want.size() && seed_event_matches(want[k], got[s + k])) ++k;
      best = std::max(best, k);
      found = k == want.size();
    }
    CHECK_MESSAGE(found, c.name << ": longest matching run " << best << "/" << want.size() << "\nrendered:\n" << log);
  }
}
