// End-to-end property (issue: "a seeded generator of random but valid peer configs with injected
// faults ... analyze on the rendered responder log finds the injected fault; lint on the configs
// finds it; applying the suggested fix and replaying establishes the tunnel").
//
// For every seed: one single fault and one pair of faults (cycling so every fault and every pair
// is covered, as in test_model_property.cc), plus the clean pair. Per scenario:
//   (0) precondition: the model fails with the generator's expected fault (the first in IOS
//       check order);
//   (1) log only: the model's trace is rendered as the debug output of the device where IOS
//       logs the reason (one dialect per seed, rotating), written alone into a temp dir, and
//       `analyze` must report the fault's rule id, confirmed by its replay in the scenario
//       reconstructed from the log, whose fix then establishes; for a Quick Mode fault the
//       initiator's log too: peer-rejected-proposal, confirmed with the fault among the
//       candidates that reproduce it;
//   (2) lint on the two configs must report every injected fault (exceptions below, with why);
//   (3) configs + log: the finding for the fault must be replay-confirmed and its own fix,
//       replayed, must establish (pairs: must clear this fault, leaving the other one).
// Any failed check prints a reproduction: seed, faults, dialect, both configs, the log and the
// findings; paste the three files into a directory and run `ipsec-doctor analyze DIR`.
//
// Seeds: IPSECDOC_E2E_SEEDS (default 1000 in Release, 150 in Debug / sanitizer builds);
// IPSECDOC_E2E_FIRST=<seed> starts elsewhere (rerun one seed: FIRST=<seed> SEEDS=1).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "lint/lint.h"
#include "model/model.h"
#include "model/render.h"
#include "model/scenario_gen.h"
#include "test_analysis_helpers.h"

using namespace ipsecdoc;
using namespace ipsecdoc::model;
namespace fs = std::filesystem;

namespace {

// Release: 1000 seeds = 3000 scenarios, ~6000 analyze runs, ~18 s. Debug+ASan runs ~10x slower
// per seed: 150 seeds (~30 s; every pair of faults still 3 times). IPSECDOC_E2E_SEEDS overrides.
uint64_t seeds() {
  if (const char* e = std::getenv("IPSECDOC_E2E_SEEDS")) return std::strtoull(e, nullptr, 10);
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  return 1000;
#else
  return 150;
#endif
}

// ---- Known failures (like semgrep's todoruleid) -------------------------------------------------
// Bugs outside the test's reach (rules/patterns/lint/confirm are owned by others), each with the
// reason and a reproduction in the report. A failing check whose (stage, fault) is listed here is
// counted, not failed; any other failing check fails the test. Keep this list empty when possible.
struct KnownFailure {
  const char* stage;   // "log", "lint", "confirm"
  const char* fault;   // the fault the check is about ("*" = any)
  const char* with;    // another injected fault that must be present ("" = any scenario)
  const char* match;   // substring of the failure message that identifies the bug
  const char* why;
};
// IPSECDOC_E2E_DUMP=DIR writes every scenario's files. Reproductions: IPSECDOC_E2E_STRICT=1 IPSECDOC_E2E_FIRST=<seed> IPSECDOC_E2E_SEEDS=1 tests/unit_tests
// -tc='e2e*' prints the files (without STRICT=1 a listed failure is only counted).
const std::vector<KnownFailure> kKnownFailures{
};

const KnownFailure* known(const std::string& stage, const std::string& fault, const std::vector<std::string>& faults,
                          const std::string& what) {
  // IPSECDOC_E2E_STRICT=1: known failures fail too (to print their reproductions).
  if (const char* e = std::getenv("IPSECDOC_E2E_STRICT"); e && *e == '1') return nullptr;
  for (const auto& k : kKnownFailures)
    if (stage == k.stage && (std::string(k.fault) == "*" || fault == k.fault) && what.find(k.match) != std::string::npos &&
        (!*k.with || std::find(faults.begin(), faults.end(), k.with) != faults.end()))
      return &k;
  return nullptr;
}

// ---- Helpers --------------------------------------------------------------------------------

// A directory under the system temp dir, removed on scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static uint64_t n = 0;
    path = fs::temp_directory_path() / fmt::format("ipsecdoc_e2e_{}_{}", ::getpid(), n++);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream f(path / name, std::ios::binary);
    f << text;
  }
};

TextSection section(const std::string& text, const std::string& name) {
  return text_section(text, name + ".cfg", name);
}

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string o;
  for (const auto& x : v) o += (o.empty() ? "" : sep) + x;
  return o;
}

std::string findings_text(const std::vector<Finding>& fs) {
  std::string o;
  for (const auto& f : fs) {
    o += fmt::format("  [{}] {} ({}) {}", severity_name(f.severity), f.rule, f.extra.value("source", "?"), f.message);
    if (!f.candidates.empty()) o += " candidates=" + join(f.candidates);
    if (f.extra.contains("replay")) o += "\n      replay " + f.extra["replay"].dump();
    o += "\n";
  }
  return o.empty() ? "  (none)\n" : o;
}

// The device whose log names the reason: the one that printed the failing check's record.
// Phase 1: no key -> the side that has no key (PskNotFound); no response -> the initiator (the
// responder prints nothing); policy / PSK -> the responder (no offers / BAD_MESSAGE). Phase 2: the
// responder (it decides Quick Mode).
std::string reason_device(const ReplayResult& r) {
  if (r.failure == "phase1-no-response") return r.initiator;
  if (r.failure == "phase1-no-key") {
    for (const auto& te : r.trace)
      if (te.event.kind == EventKind::PskNotFound) return te.device;
    return "";
  }
  return r.responder;
}

bool phase2(const std::string& id) {
  static const std::set<std::string> p2{"invalid-local-address", "peer-not-found", "crypto-map-overlap",
                                        "proxy-id-mismatch", "transform-mismatch", "pfs-mismatch"};
  return p2.count(id) > 0;
}

// Fixes that are secrets: the tool never prints keys, so `after` cannot be "established".
bool secret_fix(const std::string& id) { return id == "phase1-psk-mismatch" || id == "phase1-no-key"; }

struct Stats {
  std::map<std::string, uint64_t> failed, known_failed;
  uint64_t scenarios = 0, analyses = 0;
  std::map<std::string, uint64_t> log_confirmed;  // fault -> log-only findings confirmed by their replay
  std::map<std::string, uint64_t> printed;   // full reproductions printed per stage|fault
  std::map<std::string, std::string> example;  // stage|fault -> first failure, one line
};

// One scenario under test: holds everything a reproduction needs.
class Case {
 public:
  Case(const Scenario& s, Dialect d, Stats& st) : s_(s), d_(d), st_(st) {}

  void run() {
    ++st_.scenarios;
    ReplayResult r = replay(s_.devices(), s_.trigger, s_.initiator);
    if (s_.expected.empty()) {
      run_clean(r);
      return;
    }
    if (r.outcome != "failed" || r.failure != s_.expected) {
      fail("model", s_.expected, fmt::format("model: outcome {} failure \"{}\", generator expects \"{}\"", r.outcome,
                                             r.failure, s_.expected));
      return;
    }
    device_ = reason_device(r);
    log_ = join(render(r, device_, d_), "\n") + "\n";
    dump();
    check_log_only(r);
    check_lint();
    check_with_configs(r);
  }

 private:
  // (1) The log alone.
  void check_log_only(const ReplayResult& r) {
    TempDir dir;
    dir.write(device_ + ".log", log_);
    Analysis a = ::run({dir.path.string()});
    ++st_.analyses;
    findings_ = a.findings;
    bool ok = has_rule(a, s_.expected);
    std::vector<std::string> got;
    for (const auto& f : a.findings) got.push_back(f.rule);
    if (!ok)
      fail("log", s_.expected, fmt::format("analyze on {}'s log ({}) reports no {} (found: {})", device_, dialect_name(d_),
                                           s_.expected, join(got)));
    // The log alone is replayed in a scenario reconstructed from it (app/reconstruct): every
    // injected fault, Phase 1 and Quick Mode, is reconstructed from the log of the device that
    // names it, so the model's own log must be confirmed (never refuted), and the fix replayed
    // in the reconstruction must establish (phase1-no-response: the rule has no fix).
    for (const auto& f : a.findings) {
      if (f.rule != s_.expected || f.severity < Severity::Warning) continue;
      const auto rep = f.extra.value("replay", nlohmann::json::object());
      std::string status = rep.value("status", ""), after = rep.value("after", "");
      if (status == "confirmed") ++st_.log_confirmed[s_.expected];
      if (status != "confirmed")
        fail("log-replay", s_.expected, fmt::format("the log finding {} alone ({}) is replay-{}, expected confirmed: {}",
                                                    f.rule, dialect_name(d_), status, rep.value("why", "")));
      else if (s_.expected == "phase1-no-response" ? after.rfind("not-applicable", 0) != 0 : after != "established")
        fail("log-replay", s_.expected, fmt::format("the log finding {} alone ({}): after the fix in the reconstruction "
                                                    "\"{}\", expected {}", f.rule, dialect_name(d_), after,
                                                    s_.expected == "phase1-no-response" ? "not-applicable" : "established"));
    }
    // The initiator's side of a Quick Mode rejection only shows PROPOSAL_NOT_CHOSEN: there the
    // finding is peer-rejected-proposal with the fault among its candidates (the reason is only
    // logged by the responder). Checked for phase-2 faults in addition to the responder's log.
    if (phase2(s_.expected) && r.initiator != device_) {
      TempDir idir;
      std::string ilog = join(render(r, r.initiator, d_), "\n") + "\n";
      idir.write(r.initiator + ".log", ilog);
      Analysis ia = ::run({idir.path.string()});
      ++st_.analyses;
      bool iok = has_rule(ia, s_.expected);
      std::string replay_problem;
      for (const auto& f : ia.findings)
        if (f.rule == "peer-rejected-proposal" &&
            std::find(f.candidates.begin(), f.candidates.end(), s_.expected) != f.candidates.end()) {
          iok = true;
          // Replayed from the initiator's log alone: the candidates are built into the peer in
          // turn; the injected fault must be among those that reproduce the log.
          const auto rep = f.extra.value("replay", nlohmann::json::object());
          auto got = rep.value("candidates_reproduced", std::vector<std::string>{});
          if (rep.value("status", "") == "confirmed") ++st_.log_confirmed["peer-rejected-proposal/" + s_.expected];
          if (rep.value("status", "") != "confirmed")
            replay_problem = fmt::format("replay-{} ({})", rep.value("status", ""), rep.value("why", ""));
          else if (std::find(got.begin(), got.end(), s_.expected) == got.end())
            replay_problem = "confirmed, but the injected fault is not among the candidates that reproduce it: " + join(got);
        }
      if (iok && !replay_problem.empty()) {
        std::string dev = r.initiator;
        std::swap(log_, ilog);
        std::swap(device_, dev);
        findings_ = ia.findings;
        fail("log-initiator-replay", s_.expected,
             fmt::format("peer-rejected-proposal from the initiator {}'s log alone ({}): {}", device_, dialect_name(d_),
                         replay_problem));
        std::swap(device_, dev);
        std::swap(log_, ilog);
      }
      if (!iok) {
        // Report with the initiator's log, then restore the reason device's for step (3).
        std::string dev = r.initiator;
        std::swap(log_, ilog);
        std::swap(device_, dev);
        findings_ = ia.findings;
        fail("log-initiator", s_.expected,
             fmt::format("analyze on the initiator {}'s log ({}) reports neither {} nor peer-rejected-proposal "
                         "with it among the candidates", device_, dialect_name(d_), s_.expected));
        std::swap(device_, dev);
        std::swap(log_, ilog);
      }
    }
  }

  // (2) Lint on both configs reports every injected fault, except where lint cannot see it.
  void check_lint() {
    LintResult lr = lint({section(s_.initiator_text, s_.initiator), section(s_.responder_text, s_.responder)});
    for (const auto& fault : s_.faults) {
      std::string why_not = lint_blind(fault);
      if (!why_not.empty()) continue;
      bool ok = std::any_of(lr.findings.begin(), lr.findings.end(), [&](const Finding& f) { return f.rule == fault; });
      if (!ok) {
        findings_ = lr.findings;
        fail("lint", fault, "lint on the two configs does not report " + fault);
      }
    }
  }

  // Faults lint cannot report by design (returns the reason, "" when lint must see it).
  std::string lint_blind(const std::string& fault) const {
    // The initiator's peer address belongs to no device given and the responder has the right
    // crypto: from the configs alone this is a peer that is down or unreachable, not a config fault.
    if (fault == "phase1-no-response") return "the peer address is owned by no device given";
    // With phase1-no-response the initiator points at an address nobody owns: the two configs
    // are not a pair for lint, so between-peer faults cannot be predicted.
    if (has_fault("phase1-no-response") && between_peer_only(fault)) return "no pair (peer address unknown)";
    // Lint predicts each direction the way IOS negotiates it and stops at the first failing
    // step; a later fault behind one of these (never reached by IOS either) is not predicted.
    // The first fault (the model's failure) is always required.
    static const std::set<std::string> stops{"phase1-no-key", "phase1-policy-mismatch", "invalid-local-address",
                                             "peer-not-found"};
    if (fault != s_.expected && stops.count(s_.expected) && between_peer_only(fault))
      return "masked by " + s_.expected;
    return "";
  }
  bool owned_by_pair(const std::string& addr) const {
    auto a = parse_ipv4(addr);
    if (!a) return false;
    for (const DeviceConfig* d : s_.devices())
      for (const auto& i : d->interfaces)
        if (i.has_address(*a)) return true;
    return false;
  }
  static bool between_peer_only(const std::string& f) {
    return f == "phase1-policy-mismatch" || f == "phase1-psk-mismatch" || f == "transform-mismatch" ||
           f == "proxy-id-mismatch" || f == "pfs-mismatch" || f == "peer-not-found" || f == "invalid-local-address";
  }
  bool has_fault(const std::string& f) const { return std::find(s_.faults.begin(), s_.faults.end(), f) != s_.faults.end(); }

  // (3) Configs + log: the finding is replay-confirmed and its fix establishes (or clears it).
  void check_with_configs(const ReplayResult& r) {
    TempDir dir;
    dir.write(s_.initiator + ".cfg", s_.initiator_text);
    dir.write(s_.responder + ".cfg", s_.responder_text);
    dir.write(device_ + ".log", log_);
    Analysis a = ::run({dir.path.string()});
    ++st_.analyses;
    findings_ = a.findings;
    const std::string& fault = s_.expected;
    std::vector<std::string> others;
    for (auto& f : s_.faults) if (f != fault) others.push_back(f);
    bool any = false;
    for (const auto& f : a.findings) {
      // confirm replays warnings and errors; an info finding (e.g. "PFS offered, responder has
      // none: accepted") is advice, not a failure.
      if (f.rule != fault || f.severity < Severity::Warning) continue;
      std::string src = f.extra.value("source", "?");
      // A per-device finding about a third router's entry (e.g. "no key for the peer of the wide
      // entry", an address neither config owns) cannot be replayed with these two configs.
      if (!f.peer.empty() && !owned_by_pair(f.peer) && f.extra.contains("replay") &&
          f.extra["replay"].value("status", "") == "not-replayable")
        continue;
      any = true;
      if (!f.extra.contains("replay")) {
        fail("confirm", fault, fmt::format("the {} finding {} has no replay", src, fault));
        continue;
      }
      const auto& rep = f.extra["replay"];
      std::string status = rep.value("status", ""), after = rep.value("after", "");
      if (status != "confirmed") {
        fail("confirm", fault, fmt::format("the {} finding {}: replay status \"{}\", expected confirmed ({})", src, fault,
                                           status, rep.value("why", "")));
        continue;
      }
      if (secret_fix(fault)) {
        if (after.rfind("not-applicable: the fix is a secret", 0) != 0)
          fail("confirm", fault, fmt::format("the {} finding {}: after \"{}\", expected the secret-key note", src, fault, after));
        continue;
      }
      if (fault == "phase1-no-response") {
        // No config fix: the rule has none (the peer is down or the address is wrong).
        if (after.rfind("not-applicable", 0) != 0 && after != "established")
          fail("confirm", fault, fmt::format("the {} finding {}: after \"{}\"", src, fault, after));
        continue;
      }
      bool ok = after == "established" || std::find(others.begin(), others.end(), after) != others.end();
      // With both crypto-map-overlap and proxy-id-mismatch, the peer's own entry does not cover
      // the proxies, so only the wide entry of the other peer does: moving the peer's entry in
      // front (the overlap fix) cannot change that, and IOS still refuses with the other entry's
      // peer. The ACL (proxy) fix is needed first; `after` legitimately stays crypto-map-overlap.
      if (fault == "crypto-map-overlap" && has_fault("proxy-id-mismatch") && after == fault) ok = true;
      if (!ok)
        fail("confirm", fault, fmt::format("the {} finding {}: replay after the fix \"{}\", expected established{}", src,
                                           fault, after, others.empty() ? "" : " or " + join(others)));
    }
    if (!any) fail("confirm", fault, "analyze on configs + log reports no " + fault + " about these two routers");
    // A config finding for the other injected fault is real but masked in the model by the
    // first one: it must not be called refuted (which lowers its confidence).
    for (const auto& f : a.findings)
      if (f.rule != fault && has_fault(f.rule) && f.extra.contains("replay") &&
          f.extra["replay"].value("status", "") == "refuted")
        fail("confirm", f.rule, fmt::format("the {} finding {} (masked by {} in the model) is replay-refuted",
                                            f.extra.value("source", "?"), f.rule, fault));
    // Faults whose fix the tool cannot apply (a secret; no response): the model of the scenario
    // without that fault (the generator applies the other faults identically) must establish or
    // fail only with the other injected fault.
    if (secret_fix(fault) || fault == "phase1-no-response") {
      Scenario rest = generate_scenario(s_.seed, others);
      ReplayResult rr = replay(rest.devices(), rest.trigger, rest.initiator);
      std::string got = rr.outcome == "established" ? "established" : rr.failure;
      bool ok = others.empty() ? got == "established" : got == rest.expected;
      if (!ok) fail("model", fault, fmt::format("without {} the model gives \"{}\", expected \"{}\"", fault, got,
                                                others.empty() ? "established" : rest.expected));
    }
    (void)r;
  }

  // Clean pair: the model establishes, lint reports none of the fault ids, and analyze on both
  // configs plus the responder's log reports no error.
  void run_clean(const ReplayResult& r) {
    if (r.outcome != "established") {
      fail("model", "clean", "the clean pair does not establish: " + r.outcome + " " + r.failure);
      return;
    }
    device_ = r.responder;
    log_ = join(render(r, device_, d_), "\n") + "\n";
    TempDir dir;
    dir.write(s_.initiator + ".cfg", s_.initiator_text);
    dir.write(s_.responder + ".cfg", s_.responder_text);
    dir.write(device_ + ".log", log_);
    Analysis a = ::run({dir.path.string()});
    ++st_.analyses;
    findings_ = a.findings;
    const auto& ids = scenario_fault_ids();
    for (const auto& f : a.findings)
      if (f.severity == Severity::Error || std::find(ids.begin(), ids.end(), f.rule) != ids.end())
        fail("clean", f.rule, fmt::format("the clean pair gets {} ({})", f.rule, f.extra.value("source", "?")));
  }

  // IPSECDOC_E2E_DUMP=DIR: every scenario's configs and log into DIR/seed-<n>-<faults>/ (to run
  // `ipsec-doctor analyze` on a scenario whose checks pass).
  void dump() const {
    const char* e = std::getenv("IPSECDOC_E2E_DUMP");
    if (!e || !*e) return;
    fs::path d = fs::path(e) / fmt::format("seed-{}-{}", s_.seed, join(s_.faults, "+"));
    fs::create_directories(d);
    std::ofstream(d / (s_.initiator + ".cfg")) << s_.initiator_text;
    std::ofstream(d / (s_.responder + ".cfg")) << s_.responder_text;
    std::ofstream(d / (device_ + ".log")) << log_;
  }

  void fail(const std::string& stage, const std::string& fault, const std::string& what) {
    std::string key = stage + "|" + fault;
    if (const KnownFailure* k = known(stage, fault, s_.faults, what)) {
      ++st_.known_failed[stage + "|" + fault + "|" + k->match];
      return;
    }
    ++st_.failed[key];
    if (!st_.example.count(key))
      st_.example[key] = fmt::format("seed {} faults [{}] {}: {}", s_.seed, join(s_.faults), dialect_name(d_), what);
    // Full reproduction for the first few of each kind; a count for the rest.
    if (++st_.printed[key] > 3) {
      FAIL_CHECK(fmt::format("seed {} faults [{}] {}: {}", s_.seed, join(s_.faults), dialect_name(d_), what));
      return;
    }
    FAIL_CHECK(fmt::format(
        "{}\nseed {} faults [{}] expected \"{}\" dialect {} log device {}\n"
        "reproduce: put the files below into DIR and run `ipsec-doctor analyze DIR`\n"
        "--- {}.cfg ---\n{}--- {}.cfg ---\n{}--- {}.log ---\n{}--- findings ---\n{}",
        what, s_.seed, join(s_.faults), s_.expected, dialect_name(d_), device_, s_.initiator, s_.initiator_text,
        s_.responder, s_.responder_text, device_, log_, findings_text(findings_)));
  }

  const Scenario& s_;
  Dialect d_;
  Stats& st_;
  std::string device_, log_;
  std::vector<Finding> findings_;
};

}  // namespace

TEST_CASE("e2e property: analyze and lint find injected faults, and the suggested fix establishes") {
  REQUIRE(test_rules().ok());
  const auto& f = scenario_fault_ids();
  const size_t n = f.size();
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) pairs.emplace_back(i, j);
  const Dialect dialects[] = {Dialect::Ios12, Dialect::Ios15, Dialect::IosXe};
  Stats st;
  uint64_t total = seeds();
  // IPSECDOC_E2E_FIRST: start at another seed (to rerun one failing seed: FIRST=s, SEEDS=1).
  uint64_t first = 1;
  if (const char* e = std::getenv("IPSECDOC_E2E_FIRST")) first = std::strtoull(e, nullptr, 10);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t seed = first; seed < first + total; ++seed) {
    Dialect d = dialects[seed % 3];
    Scenario clean = generate_scenario(seed, {});
    Case(clean, d, st).run();
    Scenario one = generate_scenario(seed, {f[seed % n]});
    Case(one, d, st).run();
    auto [i, j] = pairs[seed % pairs.size()];
    Scenario two = generate_scenario(seed, {f[i], f[j]});
    Case(two, d, st).run();
  }
  CHECK(st.scenarios == 3 * total);
  CHECK(st.analyses >= 2 * total);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE(fmt::format("{} seeds, {} scenarios, {} analyze runs in {:.1f} s", total, st.scenarios, st.analyses, s));
  std::string conf;
  for (auto& [k, c] : st.log_confirmed) conf += fmt::format(" {} {}", k, c);
  MESSAGE(fmt::format("log-only findings confirmed by their replay:{}", conf));
  // Every injected fault is reconstructed from the log that names it (reconstruct.h).
  for (const auto& fault : f) CHECK_MESSAGE(st.log_confirmed[fault] > 0, fault);
  for (auto& [k, c] : st.failed) MESSAGE(fmt::format("FAILED {}: {} scenarios, e.g. {}", k, c, st.example[k]));
  for (auto& [k, c] : st.known_failed) MESSAGE(fmt::format("known failure (todo) {}: {} scenarios", k, c));
  for (const auto& k : kKnownFailures) {
    bool seen = std::any_of(st.known_failed.begin(), st.known_failed.end(),
                            [&](auto& kv) { return kv.first.find(k.match) != std::string::npos; });
    if (!seen) MESSAGE(fmt::format("known failure not seen in this run (fixed? then remove it): {}", k.why));
  }
}
