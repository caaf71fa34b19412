// The report's direct writer against the reference: what JsonText writes (the streamed
// report: write_analysis_json, write_negotiations_json) must be, byte for byte, what
// nlohmann's dump(2, ' ', false, replace) writes for the tree JsonTree builds from the same
// calls (analysis_json, negotiation_json, to_json). Differences the emitting functions could
// hide from a tree - keys out of dump()'s order, a key emitted twice, an escape or a number
// written otherwise - show here:
//  - generated calls: random trees (strings of any bytes, every kind of number, empty and
//    nested containers) emitted call by call through both emitters;
//  - generated report elements: negotiations with their events, syslog and parsed events,
//    findings whose `extra` has keys among, before, after and equal to their own, with odd
//    strings (every byte, invalid UTF-8, quotes, control characters, empty) in every field;
//  - the corpus's logs, analysed.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <sstream>

#include "core/finding_json.h"
#include "report/json_writer.h"
#include "report/report.h"
#include "test_analysis_helpers.h"
#include "test_json_random.h"

using namespace ipsecdoc;
using namespace ipsecdoc::testing;
using nlohmann::json;

namespace {

// Emits `j` call by call (keys in the tree's order, which is dump()'s); some containers go
// whole as one value(json) call, as a prebuilt tree in a report does.
template <class E>
void emit_tree(E& e, const json& j, int depth) {
  using V = json::value_t;
  switch (j.type()) {
    case V::object:
    case V::array:
      if (depth > 0 && j.size() % 3 == 1) {
        e.value(j);
      } else if (j.is_object()) {
        e.begin_object();
        for (auto it = j.begin(); it != j.end(); ++it) {
          e.key(it.key());
          emit_tree(e, it.value(), depth + 1);
        }
        e.end_object();
      } else {
        e.begin_array();
        for (const auto& v : j) {
          e.item();
          emit_tree(e, v, depth + 1);
        }
        e.end_array();
      }
      return;
    case V::string: return e.value(j.get_ref<const std::string&>());
    case V::number_integer: return e.value(j.get<int64_t>());
    case V::number_unsigned: return e.value(j.get<uint64_t>());
    case V::number_float: return e.value(j.get<double>());
    case V::boolean: return e.value(j.get<bool>());
    case V::null: return e.value(nullptr);
    default: return e.value(j);  // binary
  }
}

// A field key from a short list, so that keys repeat within an event and sort in any order;
// sometimes any string at all.
std::string field_key(std::mt19937& rng) {
  static const char* keys[] = {"spi", "peer", "local", "a", "", "SPI", "peer_port", "z", "\x7f", "\xc3\xa9"};
  return rng() % 4 == 0 ? random_string(rng) : keys[rng() % std::size(keys)];
}

Stamp random_stamp(std::mt19937& rng) {
  Stamp s;
  s.kind = static_cast<Stamp::Kind>(rng() % 3);
  s.seconds = static_cast<double>(rng() % 100000) / 7.0;
  s.text = random_string(rng);
  return s;
}

Event random_event(std::mt19937& rng, size_t paths) {
  Event e;
  e.kind = static_cast<EventKind>(rng() % static_cast<unsigned>(EventKind::Count_));
  e.where.input = static_cast<uint32_t>(rng() % (paths + 2));  // some beyond the table: ""
  e.where.line = rng() % 3 == 0 ? 0 : static_cast<uint32_t>(rng());
  e.where.last_line = rng() % 2 == 0 ? e.where.line : static_cast<uint32_t>(rng());
  e.device = rng() % 3 == 0 ? "" : random_string(rng);
  e.stamp = random_stamp(rng);
  e.text = random_string(rng);
  e.conn_id = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % 5000) - 2;
  int n = static_cast<int>(rng() % 7);
  for (int i = 0; i < n; ++i) e.fields.emplace_back(field_key(rng), random_string(rng));  // repeats kept
  return e;
}

std::vector<std::string> random_strings(std::mt19937& rng) {
  std::vector<std::string> v(rng() % 4);
  for (auto& s : v) s = random_string(rng);
  return v;
}

Negotiation random_negotiation(std::mt19937& rng, size_t paths) {
  auto maybe = [&] { return rng() % 2 == 0 ? std::string() : random_string(rng); };
  Negotiation n;
  n.id = static_cast<uint32_t>(rng());
  n.phase = static_cast<int>(rng() % 4) - 1;
  n.device = maybe();
  n.role = random_string(rng);
  n.local = maybe();
  n.peer = maybe();
  n.conn_id = rng() % 3 == 0 ? -1 : static_cast<int>(rng() % 5000);
  n.ike = rng() % 2 == 0 ? 0 : static_cast<uint32_t>(rng());
  // proxies in IOS form are rewritten (a/m/p/p); anything else is kept as it is
  static const char* proxies[] = {"", "10.1.1.0/255.255.255.0/0/0", "192.0.2.1/255.255.255.255/17/500", "junk"};
  n.local_proxy = rng() % 3 == 0 ? random_string(rng) : proxies[rng() % std::size(proxies)];
  n.remote_proxy = rng() % 3 == 0 ? random_string(rng) : proxies[rng() % std::size(proxies)];
  n.transforms = random_strings(rng);
  n.inbound_spi = maybe();
  n.outbound_spi = maybe();
  n.map = maybe();
  n.map_seq = maybe();
  n.pfs_group = maybe();
  n.mode = maybe();
  n.outcome = random_string(rng);
  n.failure = maybe();
  n.first = random_stamp(rng);
  n.last = rng() % 4 == 0 ? random_stamp(rng) : n.first;  // a duration, often
  n.last.seconds += static_cast<double>(rng() % 100000) / 997.0;
  int steps = static_cast<int>(rng() % 5);
  for (int i = 0; i < steps; ++i) n.steps.push_back({random_event(rng, paths), maybe()});
  n.steps_omitted = rng() % 2 == 0 ? 0 : static_cast<uint32_t>(rng() % 1000);
  return n;
}

Finding random_finding(std::mt19937& rng) {
  Finding f;
  f.rule = random_string(rng);
  f.severity = static_cast<Severity>(rng() % 3);
  f.device = random_string(rng);
  f.peer = random_string(rng);
  f.message = random_string(rng);
  f.explanation = random_string(rng);
  int n = static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i)
    f.evidence.push_back({random_string(rng), static_cast<uint32_t>(rng() % 100000), random_string(rng)});
  n = static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) f.fix.push_back({random_string(rng), random_strings(rng), rng() % 2 ? "" : random_string(rng)});
  f.next = random_strings(rng);
  f.candidates = random_strings(rng);
  f.occurrences = static_cast<uint32_t>(rng());
  // extra keys before, between, equal to and after the finding's own
  static const char* keys[] = {"aaa", "candidates", "device", "evidence", "explanation", "fix", "message", "next",
                               "occurrences", "peer", "replay", "rule", "severity", "source", "zzz", "", "d"};
  n = static_cast<int>(rng() % 5);
  for (int i = 0; i < n; ++i)
    f.extra[rng() % 5 == 0 ? random_string(rng) : keys[rng() % std::size(keys)]] = random_tree(rng, 0);
  if (rng() % 50 == 0) f.extra = random_tree(rng, 1);  // not an object (to_json keys its items)
  return f;
}

// The streamed report and timeline against dump(2) of their trees.
void check_against_dump(const Analysis& a) {
  for (bool events : {false, true}) {
    for (bool parallel : {false, true}) {
      ReportOptions ro;
      ro.include_events = events;
      ro.parallel = parallel;
      std::ostringstream streamed;
      write_analysis_json(streamed, a, ro);
      REQUIRE(streamed.str() == reference(analysis_json(a, ro)));
    }
  }
  std::ostringstream tl;
  write_negotiations_json(tl, a);
  json arr = json::array();
  for (const auto& n : a.negotiations) arr.push_back(negotiation_json(n, a.paths, a.tokenizer));
  REQUIRE(tl.str() == reference(arr));
}

}  // namespace

TEST_CASE("json emit: generated calls give the text of the tree they build, at any depth") {
  int containers = 0;
  for_random_trees(20261128, 20000, [&](const json& j, int depth) {
    JsonTree tree;
    emit_tree(tree, j, 0);
    json built = tree.take();
    std::string text = "prefix ";
    {
      JsonText out(text, depth);
      emit_tree(out, j, 0);
    }  // gone: `text` holds the text alone
    INFO("tree: " << reference(j));
    INFO("depth: " << depth);
    REQUIRE(reference(built) == reference(j));
    REQUIRE(text == "prefix " + reference_at(j, depth));
    containers += j.is_structured();
  });
  CHECK(containers > 4000);
}

TEST_CASE("json emit: generated negotiations, events and findings are written as dump(2) writes their trees") {
  std::mt19937 rng(4711);
  for (bool with_tokenizer : {false, true}) {
    for (int round = 0; round < 150; ++round) {
      Analysis a;
      a.tokenizer = with_tokenizer ? test_rules().tokenizer.get() : nullptr;  // renders a step's empty explain
      a.paths = random_strings(rng);
      int n = static_cast<int>(rng() % 40);  // past a block of 32 at times: two threads
      for (int i = 0; i < n; ++i) a.negotiations.push_back(random_negotiation(rng, a.paths.size()));
      a.negotiations_total = a.negotiations.size();
      n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) a.standalone.push_back(random_event(rng, a.paths.size()));
      a.standalone_total = a.standalone.size();
      n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) a.events.push_back(random_event(rng, a.paths.size()));
      a.events_total = a.events.size();
      n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) a.findings.push_back(random_finding(rng));
      INFO("round " << round);
      check_against_dump(a);
    }
  }
}

TEST_CASE("json emit: the corpus's reports are written as dump(2) writes their trees") {
  std::vector<std::string> logs = {std::string(CORPUS_DIR) + "/../examples/ticket-4711"};
  for (const auto& f : std::filesystem::recursive_directory_iterator(std::string(CORPUS_DIR) + "/logs"))
    if (f.path().extension() == ".log") logs.push_back(f.path().string());
  size_t negotiations = 0, findings = 0;
  for (const auto& p : logs) {
    INFO(p);
    AnalysisOptions o;
    o.keep_events = true;
    Analysis a = analyze({p}, test_rules(), o);
    check_against_dump(a);
    negotiations += a.negotiations.size();
    findings += a.findings.size();
  }
  CHECK(negotiations > 30);
  CHECK(findings > 20);
}
