// The speed paths must not change results:
//  - the tokenizer's head cache: a record tokenized from the cache (a repeat) gives the same
//    event as the first, computed one;
//  - the streamed JSON report (write_analysis_json): byte for byte what dumping the whole
//    tree gives, for analyze, parse (events), lint extras and timeline;
//  - the ingest thread (AnalysisOptions::pipeline): the whole report is the same as with
//    everything on one thread, also across many batch hand-overs and several inputs, and
//    when the analysis thread cleans and parses every line (line blocks); replays run as
//    jobs on either thread (app/jobs.h); the report's arrays rendered on two threads;
//  - the timeline's recycled step vectors and event buffers (TimelineBuilder::add, close):
//    the same timelines as without recycling.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "ingest/ingest.h"
#include "report/report.h"
#include "timeline/timeline.h"
#include "tokenize/skeleton.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> corpus_logs() {
  std::vector<std::string> out;
  for (const char* d : {"logs/seed", "logs/cases"})
    for (const auto& e : fs::directory_iterator(fs::path(CORPUS_DIR) / d))
      if (e.is_regular_file() && e.path().extension() == ".log") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}


std::string report(const std::vector<std::string>& paths, bool pipeline, bool helper_only = false) {
  AnalysisOptions o;
  o.pipeline = pipeline;
  o.pipeline_helper_only = helper_only;
  Analysis a = analyze(paths, test_rules(), o);
  return analysis_json(a, ReportOptions{}).dump(1);
}

}  // namespace

TEST_CASE("tokenizer head cache: a repeated record gives the event computed the first time") {
  const Tokenizer& tok = *test_rules().tokenizer;
  size_t compared = 0;
  for (const auto& path : corpus_logs()) {
    RecordSink rs;
    ingest_input(path, 0, rs, IngestOptions{});
    for (const Record& r : rs.records) {
      Event first, again;
      bool a = tok.tokenize(r, first);
      auto before = Tokenizer::cache_stats();
      bool b = tok.tokenize(r, again);
      auto after = Tokenizer::cache_stats();
      REQUIRE(a == b);
      if (!a) continue;
      // The second time came from a cache: the head cache, or the template cache for a head
      // with tokens (one first seen through its template is not kept in the head cache).
      CHECK(after.hits + after.template_hits == before.hits + before.template_hits + 1);
      CHECK(after.misses == before.misses);
      INFO(path, ":", r.where.line, " ", r.body);
      check_same_event(again, first);
      ++compared;
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("tokenizer template cache: a record with other addresses/numbers gives the computed event") {
  const Tokenizer& tok = *test_rules().tokenizer;
  REQUIRE(tok.templates_enabled());  // the bundled patterns never depend on token values
  auto same = [](const Event& a, const Event& b) {
    CHECK(a.kind == b.kind);
    CHECK(a.pattern == b.pattern);
    CHECK(a.conn_id == b.conn_id);
    CHECK(a.text == b.text);
    CHECK(a.fields == b.fields);
  };
  auto start = Tokenizer::cache_stats();
  size_t compared = 0;
  for (const auto& path : corpus_logs()) {
    RecordSink rs;
    ingest_input(path, 0, rs, IngestOptions{});
    for (const Record& r : rs.records) {
      for (bool vary : {false, true}) {
        Record in = r;
        if (vary) in.body = vary_tokens(r.body);
        Record ref = in;
        Event cached, computed;
        bool a = tok.tokenize(std::move(in), cached);
        bool b = tok.tokenize_uncached(std::move(ref), computed);
        INFO(path, ":", r.where.line, " ", vary ? vary_tokens(r.body) : r.body);
        REQUIRE(a == b);
        if (!a) continue;
        same(cached, computed);
        ++compared;
      }
    }
  }
  auto end = Tokenizer::cache_stats();
  CHECK(compared > 200);
  // the varied records are mostly new heads with a known skeleton: the template path ran
  CHECK(end.template_hits - start.template_hits > 40);
}

TEST_CASE("streamed JSON report: the same bytes as dumping the whole tree") {
  auto logs = corpus_logs();
  std::string ticket = fs::path(CORPUS_DIR).parent_path() / "examples" / "ticket-4711";
  logs.push_back(ticket);
  size_t big = 0;
  for (const auto& p : logs) {
    INFO(p);
    Analysis a = analyze({p}, test_rules(), AnalysisOptions{});
    for (bool events : {false, true}) {
      ReportOptions ro;
      ro.include_events = events;
      if (events) ro.extra = {{"findings", nlohmann::json::array({"replaced by extra"})}, {"zz_extra", 1}};
      std::ostringstream streamed;
      write_analysis_json(streamed, a, ro);
      CHECK(streamed.str() == json_text(analysis_json(a, ro)));
    }
    std::ostringstream tl;
    write_negotiations_json(tl, a);
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& n : a.negotiations) arr.push_back(negotiation_json(n, a.paths, a.tokenizer));
    CHECK(tl.str() == json_text(arr));
    big += a.negotiations.size() + a.findings.size();
  }
  CHECK(big > 50);  // the arrays really had elements to stream
}

TEST_CASE("pipeline: the ingest thread changes nothing in the report") {
  auto logs = corpus_logs();
  REQUIRE(logs.size() > 10);
  SUBCASE("each corpus log alone, and the example ticket (configs, show output, logs)") {
    for (const auto& p : logs) {
      INFO(p);
      std::string alone = report({p}, false);
      CHECK(report({p}, true) == alone);
      CHECK(report({p}, true, true) == alone);  // every line cleaned and parsed on the other thread
    }
    std::string ticket = fs::path(CORPUS_DIR).parent_path() / "examples" / "ticket-4711";
    CHECK(report({ticket}, true) == report({ticket}, false));
    CHECK(report({ticket}, true, true) == report({ticket}, false));
  }
  SUBCASE("many batches: one large file and several inputs") {
    fs::path dir = fs::temp_directory_path() / fmt::format("ipsecdoc_pipe_{}", ::getpid());
    fs::create_directories(dir);
    {
      std::ofstream big(dir / "big.log", std::ios::binary);
      for (int round = 0; round < 25; ++round)
        for (const auto& p : logs) {
          std::ifstream in(p, std::ios::binary);
          big << in.rdbuf() << "\n";
        }
    }
    std::vector<std::string> paths{(dir / "big.log").string()};
    paths.insert(paths.end(), logs.begin(), logs.begin() + 3);
    Analysis probe = analyze(paths, test_rules(), AnalysisOptions{});
    CHECK(probe.records_total > 8 * 256);  // many batch hand-overs (256 items each), queue full at times
    // The report's arrays rendered on two threads (blocks of 32 elements, every other block on
    // the second thread): the same bytes as the tree's dump.
    REQUIRE(probe.negotiations.size() > 3 * 32);
    for (bool parallel : {false, true}) {
      ReportOptions ro;
      ro.parallel = parallel;
      std::ostringstream streamed, tl;
      write_analysis_json(streamed, probe, ro);
      CHECK(streamed.str() == json_text(analysis_json(probe, ro)));
      write_negotiations_json(tl, probe, parallel);
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& n : probe.negotiations) arr.push_back(negotiation_json(n, probe.paths, probe.tokenizer));
      CHECK(tl.str() == json_text(arr));
    }
    std::string alone = report(paths, false);
    CHECK(report(paths, true) == alone);
    CHECK(report(paths, true, true) == alone);  // > 8 line blocks of 256: the ring wraps
    fs::remove_all(dir);
  }
}

namespace {

struct RecordList : IngestSink {
  std::vector<Record> records;
  void on_record(Record&& r) override { records.push_back(r); }
  void on_section(SectionKind, TextSection&&) override {}
  void on_unrecognized(uint32_t, uint32_t, std::string_view) override {}
};

// Everything a closed negotiation holds, as text (the sink leaves its steps in place, so the
// builder recycles their vectors and event buffers).
std::string describe(const Negotiation& n) {
  std::string s = fmt::format("{} {} {} {} {} {} {} {} {}|", n.id, n.phase, n.device, n.role, n.peer, n.outcome,
                              n.local_proxy, n.remote_proxy, n.steps_omitted);
  for (const auto& st : n.steps)
    s += fmt::format("{} {} {} {} {}\n", st.event.where.line, event_kind_name(st.event.kind), st.event.text,
                     st.event.conn_id, st.event.fields.raw());
  return s;
}

}  // namespace

TEST_CASE("timeline: recycled step vectors and event buffers change no timeline") {
  // A negotiation the sink leaves its steps to gives the builder their vector and event
  // buffers back; add() hands those buffers on in the event it was given, and a producer that
  // reuses its Event (Collector, the pipeline) writes the next record into them, over their
  // old text and fields. The reference: a fresh Event per record and a sink that takes the
  // steps away (nothing to recycle). Enough negotiations that the donor steps (512) run out and refill.
  fs::path dir = fs::temp_directory_path() / fmt::format("ipsecdoc_reuse_{}", ::getpid());
  fs::create_directories(dir);
  {
    std::ofstream big(dir / "big.log", std::ios::binary);
    for (int round = 0; round < 60; ++round)
      for (const auto& p : corpus_logs()) {
        std::ifstream in(p, std::ios::binary);
        big << in.rdbuf() << "\n";
      }
  }
  RecordList list;
  ingest_input((dir / "big.log").string(), 0, list, IngestOptions{});
  fs::remove_all(dir);
  REQUIRE(list.records.size() > 20000);
  const Tokenizer& tok = *test_rules().tokenizer;
  auto build = [&](bool recycle) {
    std::vector<std::string> closed;
    TimelineBuilder tb(
        tok,
        [&](Negotiation&& n) {
          closed.push_back(describe(n));
          if (!recycle) std::vector<Step>().swap(n.steps);  // taken: nothing to recycle
        },
        [&](Event&& e) { closed.push_back(e.text); });
    Event scratch;
    for (const auto& r : list.records) {
      Record copy = r;
      if (recycle) {
        if (tok.tokenize(std::move(copy), scratch)) tb.add(std::move(scratch));
      } else {
        Event fresh;
        if (tok.tokenize(std::move(copy), fresh)) tb.add(std::move(fresh));
      }
    }
    tb.finish();
    return closed;
  };
  auto reference = build(false);
  auto recycled = build(true);
  REQUIRE(reference.size() > 2000);
  CHECK(recycled == reference);
}
