// ipsec-doctor command line: argument parsing and output only; everything else is in
// the library (app/analysis.h wires the parts together).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/analysis.h"
#include "app/replay_run.h"
#include "app/rules_dir.h"
#include "report/report.h"
#include "report/sarif.h"

using namespace ipsecdoc;

namespace {

constexpr int kExitOk = 0, kExitFindings = 1, kExitUsage = 2;

struct Output {
  std::unique_ptr<std::ofstream> file;
  std::ostream* out = &std::cout;
  bool tty = false;
  bool open(const std::string& path) {
    if (path.empty() || path == "-") {
      // (NO_COLOR: no-color.org, any value; TERM=dumb: a terminal without escape sequences)
      const char* term = std::getenv("TERM");
      tty = ::isatty(1) && !std::getenv("NO_COLOR") && !(term && std::string_view(term) == "dumb");
      return true;
    }
    file = std::make_unique<std::ofstream>(path);
    if (!*file) return false;
    out = file.get();
    return true;
  }
};

int fail_exit(const Analysis& a, const std::string& fail_on) {
  if (fail_on == "none") return kExitOk;
  Severity s = Severity::Error;
  parse_severity(fail_on, s);
  return a.has_findings_at_or_above(s) ? kExitFindings : kExitOk;
}

bool load(const char* argv0, RuleData& rd) {
  rd = load_rules(find_rules_dir(argv0));
  if (!rd.ok()) {
    std::cerr << "ipsec-doctor: the rule data in " << rd.dir << " does not load:\n";
    for (const auto& p : rd.problems) std::cerr << "  " << p << "\n";
    return false;
  }
  return true;
}

std::string dump(const nlohmann::json& j) { return json_text(j); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ipsec-doctor: why a Cisco IOS IPsec tunnel does not come up, and what to type to fix it"};
  app.set_version_flag("--version", std::string(IPSEC_DOCTOR_VERSION));
  app.require_subcommand(1);

  std::vector<std::string> paths;
  std::string format = "text", output, fail_on = "error";
  bool show_unrecognized = false, no_color = false;
  int threads = 2;

  auto* analyze = app.add_subcommand("analyze", "Analyze logs, show outputs and configs (files, directories, - for stdin, .gz)");
  analyze->add_option("PATH", paths, "inputs")->required();
  analyze->add_option("--threads", threads, "1: read and analyze on one thread; 2 (default): read and tokenize on a second one")
      ->check(CLI::Range(1, 2));
  analyze->add_option("--format", format, "text | json")->check(CLI::IsMember({"text", "json"}));
  analyze->add_option("-o,--output", output, "write the report to FILE");
  analyze->add_option("--fail-on", fail_on, "exit 1 when a finding is at or above: none|info|warning|error")
      ->check(CLI::IsMember({"none", "info", "warning", "error"}));
  analyze->add_flag("--show-unrecognized", show_unrecognized, "list the lines that were not understood");
  analyze->add_flag("--no-color", no_color, "never colour the text report");

  auto* timeline = app.add_subcommand("timeline", "Print only the negotiation timelines");
  timeline->add_option("PATH", paths, "inputs")->required();
  timeline->add_option("--threads", threads, "1: read and analyze on one thread; 2 (default): read and tokenize on a second one")
      ->check(CLI::Range(1, 2));
  timeline->add_option("--format", format, "text | json")->check(CLI::IsMember({"text", "json"}));
  timeline->add_option("-o,--output", output, "write to FILE");
  timeline->add_flag("--no-color", no_color, "never colour");

  auto* parse = app.add_subcommand("parse", "Dump everything recognised (sections, show data, events)");
  parse->add_option("PATH", paths, "inputs")->required();
  parse->add_option("--threads", threads, "1: read and analyze on one thread; 2 (default): read and tokenize on a second one")
      ->check(CLI::Range(1, 2));
  parse->add_option("--format", format, "json")->check(CLI::IsMember({"json"}));
  parse->add_option("-o,--output", output, "write to FILE");

  auto* lintc = app.add_subcommand("lint", "Check IOS configs, per device and between peers (for people and CI)");
  lintc->add_option("CONFIG", paths, "configs or directories of configs")->required();
  lintc->add_option("--format", format, "text | json | sarif")->check(CLI::IsMember({"text", "json", "sarif"}));
  lintc->add_option("-o,--output", output, "write the report to FILE");
  lintc->add_option("--fail-on", fail_on, "exit 1 when a finding is at or above: error|warning|info|none")
      ->check(CLI::IsMember({"none", "info", "warning", "error"}));
  lintc->add_flag("--show-unrecognized", show_unrecognized, "list the config lines that were not understood");
  lintc->add_flag("--no-color", no_color, "never colour the text report");

  auto* replayc = app.add_subcommand("replay", "Replay traffic through the reference IKEv1 model of the given configs");
  std::vector<std::string> traffic;
  std::string dialect = "ios15", from_device;
  replayc->add_option("CONFIG", paths, "configs or directories")->required();
  replayc->add_option("--format", format, "text | json")->check(CLI::IsMember({"text", "json"}));
  replayc->add_option("-o,--output", output, "write to FILE");
  replayc->add_option("--dialect", dialect, "ios12 | ios15 | iosxe")->check(CLI::IsMember({"ios12", "ios15", "iosxe"}));
  replayc->add_option("--traffic", traffic, "SRC DST [PROTO [PORT]]")->expected(2, 4);
  replayc->add_option("--from", from_device, "initiating device (default: the one whose crypto ACL holds SRC)");

  auto* rules = app.add_subcommand("rules", "Read and check the diagnosis rules and log patterns");
  rules->require_subcommand(1);
  auto* rules_list = rules->add_subcommand("list", "List every rule id with its severity and title");
  std::string rule_id;
  auto* rules_show = rules->add_subcommand("show", "Show one rule");
  rules_show->add_option("ID", rule_id)->required();
  std::string rules_dir;
  auto* rules_check = rules->add_subcommand("check", "Load and check a rules directory (default: the built-in one)");
  rules_check->add_option("DIR", rules_dir);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }

  RuleData rd;
  if (rules_check->parsed()) {
    rd = load_rules(rules_dir.empty() ? find_rules_dir(argv[0]) : rules_dir);
    std::cout << "rules: " << (rd.tokenizer ? rd.tokenizer->patterns().size() : 0) << " log patterns, "
              << rd.book.rules().size() << " diagnosis rules in " << rd.dir << "\n";
    for (const auto& w : rd.warnings) std::cout << "  warning: " << w << "\n";
    for (const auto& p : rd.problems) std::cout << "  error: " << p << "\n";
    std::cout << (rd.ok() ? "ok\n" : "FAILED\n");
    return rd.ok() ? kExitOk : kExitFindings;
  }
  if (!load(argv[0], rd)) return kExitUsage;

  if (rules_list->parsed()) {
    for (const auto& r : rd.book.rules())
      std::cout << fmt::format("{:<26} {:<8} {}\n", r.id, severity_name(r.severity), r.title);
    return kExitOk;
  }
  if (rules_show->parsed()) {
    const DiagnosisRule* r = rd.book.find(rule_id);
    if (!r) {
      std::cerr << "ipsec-doctor: no rule " << rule_id << " (see `ipsec-doctor rules list`)\n";
      return kExitUsage;
    }
    std::cout << r->id << " (" << severity_name(r->severity) << "): " << r->title << "\n\n" << r->explanation << "\n";
    if (!r->fix.empty()) std::cout << "\nfix templates:\n";
    for (const auto& f : r->fix) {
      std::cout << "  on " << f.device << ":\n";
      for (const auto& c : f.commands) std::cout << "    " << c << "\n";
      if (!f.note.empty()) std::cout << "    ! " << f.note << "\n";
    }
    for (const auto& n : r->next) std::cout << "next: " << n << "\n";
    for (const auto& ref : r->references) std::cout << "reference: " << ref << "\n";
    for (const auto& ex : r->fire) std::cout << "fires on: " << ex << "\n";
    for (const auto& ex : r->silent) std::cout << "silent on: " << ex << "\n";
    std::cout << "defined in: " << r->file << "\n";
    return kExitOk;
  }

  Output out;
  if (!out.open(output)) {
    std::cerr << "ipsec-doctor: cannot write " << output << "\n";
    return kExitUsage;
  }
  AnalysisOptions opt;
  opt.keep_events = parse->parsed();
  opt.pipeline = threads > 1;
  // Not freed: the process exit releases it. Freeing a large capture's analysis block by
  // block (every kept finding's replay tree, the kept negotiations' steps) cost ~29 M
  // instructions, ~10 ms, after the report was written. Held by a static pointer, so leak
  // checkers see it as reachable.
  static Analysis* kept = nullptr;
  kept = new Analysis(ipsecdoc::analyze(paths, rd, opt));
  Analysis& a = *kept;
  for (const auto& s : a.inputs)
    if (!s.error.empty()) std::cerr << "ipsec-doctor: cannot read " << s.path << ": " << s.error << "\n";
    else if (!s.read_error.empty())
      std::cerr << "ipsec-doctor: " << s.path << ": reading stopped after line " << s.lines << ": " << s.read_error << "\n";
  if (a.had_unusable_input) {
    std::cerr << "ipsec-doctor: no usable input\n";
    return kExitUsage;
  }
  ReportOptions ro;
  ro.color = out.tty && !no_color;
  ro.show_unrecognized = show_unrecognized;
  ro.parallel = threads > 1;
  if (parse->parsed()) {
    ro.include_events = true;
    write_analysis_json(*out.out, a, ro);
    *out.out << "\n";
    return kExitOk;
  }
  if (timeline->parsed()) {
    if (format == "json") {
      write_negotiations_json(*out.out, a, ro.parallel);
      *out.out << "\n";
    } else {
      ro.findings = false;
      write_text(*out.out, a, ro);
    }
    return kExitOk;
  }
  if (replayc->parsed()) {
    if (!a.lint || a.lint->devices.empty()) {
      std::cerr << "ipsec-doctor: no IOS configuration found in the inputs\n";
      return kExitUsage;
    }
    ReplayRequest req;
    req.from_device = from_device;
    req.dialect = dialect == "ios12" ? model::Dialect::Ios12 : dialect == "iosxe" ? model::Dialect::IosXe : model::Dialect::Ios15;
    if (!traffic.empty()) {
      auto src = parse_ipv4(traffic[0]);
      auto dst = traffic.size() > 1 ? parse_ipv4(traffic[1]) : std::nullopt;
      if (!src || !dst) {
        std::cerr << "ipsec-doctor: --traffic needs SRC DST as IPv4 addresses\n";
        return kExitUsage;
      }
      model::Trigger t;
      t.src = *src;
      t.dst = *dst;
      if (traffic.size() > 2) t.proto = static_cast<uint8_t>(std::atoi(traffic[2].c_str()));
      if (traffic.size() > 3) t.port = static_cast<uint16_t>(std::atoi(traffic[3].c_str()));
      req.traffic = t;
    }
    nlohmann::json j = run_replay(a.lint->devices, req);
    if (format == "json") {
      *out.out << dump(j) << "\n";
    } else {
      for (const auto& d : j["directions"]) {
        *out.out << d["initiator"].get<std::string>() << " -> " << d["responder"].get<std::string>() << "  ("
                 << d["trigger"].get<std::string>() << "): " << d["outcome"].get<std::string>();
        if (!d["failure"].is_null()) *out.out << "  " << d["failure"].get<std::string>() << " at " << d["failing_check"].get<std::string>();
        *out.out << "\n";
        for (const auto& n : d["notes"]) *out.out << "  note: " << n.get<std::string>() << "\n";
        for (const auto& [dev, lines] : d["logs"].items()) {
          *out.out << "  --- " << dev << " (" << j["dialect"].get<std::string>() << ") ---\n";
          for (const auto& l : lines) *out.out << "  " << l.get<std::string>() << "\n";
        }
      }
    }
    bool failed = false;
    for (const auto& d : j["directions"]) failed |= d["outcome"] == "failed";
    return failed ? kExitFindings : kExitOk;
  }
  if (lintc->parsed()) {
    // Only what the configs say: drop log/show findings and timelines.
    a.findings.erase(std::remove_if(a.findings.begin(), a.findings.end(),
                                    [](const Finding& f) { return f.extra.value("source", "") != "config"; }),
                     a.findings.end());
    if (a.configs.empty()) std::cerr << "ipsec-doctor: no IOS configuration found in the inputs\n";
    if (format == "sarif") {
      auto lookup = [&](std::string_view id) -> std::optional<SarifRule> {
        const DiagnosisRule* r = rd.book.find(std::string(id));
        if (!r) return std::nullopt;
        return SarifRule{r->id, r->title, r->explanation, r->severity, ""};
      };
      *out.out << dump(to_sarif(a.findings, lookup, IPSEC_DOCTOR_VERSION)) << "\n";
    } else if (format == "json") {
      write_analysis_json(*out.out, a, ro);
      *out.out << "\n";
    } else {
      ro.timelines = false;
      write_text(*out.out, a, ro);
    }
    return a.configs.empty() ? kExitUsage : fail_exit(a, fail_on);
  }
  if (format == "json") {
    write_analysis_json(*out.out, a, ro);
    *out.out << "\n";
  } else {
    write_text(*out.out, a, ro);
  }
  return fail_exit(a, fail_on);
}
