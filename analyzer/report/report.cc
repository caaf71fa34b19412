#include "report/report.h"

#include <algorithm>
#include <functional>
#include <future>
#include <set>

#include <fmt/format.h>

#include "core/finding_json.h"
#include "core/ip.h"
#include "lint/lint.h"
#include "report/json_writer.h"

namespace ipsecdoc {
namespace {

const char* kRed = "\x1b[1;31m";
const char* kYellow = "\x1b[1;33m";
const char* kGreen = "\x1b[1;32m";
const char* kCyan = "\x1b[36m";
const char* kBold = "\x1b[1m";
const char* kDim = "\x1b[2m";
const char* kReset = "\x1b[0m";

struct Paint {
  bool on;
  std::string operator()(const char* code, const std::string& s) const { return on ? code + s + kReset : s; }
};

std::string proxy_text(const std::string& ios) {
  auto p = parse_proxy(ios);
  return p ? p->str() : ios;
}

const std::string& path_of(uint32_t input, const std::vector<std::string>& paths) {
  static const std::string none;
  return input < paths.size() ? paths[input] : none;
}

// The report's elements, each defined once for both emitters (core/json_emit.h): JsonTree
// for event_json and negotiation_json, JsonText for the streamed report. JsonText writes
// keys as they come, so each function gives an object's keys in dump()'s order (byte-wise
// ascending); tests/unit/test_json_emit.cc holds its text to the tree's.

// An event's fields as the object a tree assigned them to one by one would be: keys sorted,
// a repeated key once, with its last value.
template <class E>
void emit_fields(E& e, const Fields& fields) {
  thread_local std::vector<Fields::Entry> sorted;
  sorted.clear();
  for (const auto& f : fields) sorted.push_back(f);
  for (size_t i = 1; i < sorted.size(); ++i) {  // insertion sort: a handful of fields, and stable
    Fields::Entry x = sorted[i];
    size_t j = i;
    for (; j > 0 && x.first < sorted[j - 1].first; --j) sorted[j] = sorted[j - 1];
    sorted[j] = x;
  }
  e.begin_object();
  for (size_t i = 0; i < sorted.size(); ++i)
    if (i + 1 == sorted.size() || sorted[i + 1].first != sorted[i].first) e.member(sorted[i].first, sorted[i].second);
  e.end_object();
}

template <class E>
void emit_event(E& e, const Event& ev, const std::vector<std::string>& paths, std::string_view explain) {
  e.begin_object();
  if (ev.conn_id >= 0) e.member("conn_id", ev.conn_id);
  if (!ev.device.empty()) e.member("device", ev.device);
  if (!explain.empty()) e.member("explain", explain);
  if (!ev.fields.empty()) {
    e.key("fields");
    emit_fields(e, ev.fields);
  }
  e.member("kind", event_kind_name(ev.kind));
  if (ev.where.last_line > ev.where.line) e.member("last_line", ev.where.last_line);
  e.member("line", ev.where.line);
  e.member("path", path_of(ev.where.input, paths));
  if (ev.seq >= 0) e.member("seq", ev.seq);
  e.member("text", ev.text);
  if (ev.stamp.kind != Stamp::Kind::None) e.member("time", ev.stamp.text.view());
  e.end_object();
}

template <class E>
void emit_negotiation(E& e, const Negotiation& n, const std::vector<std::string>& paths, const Tokenizer* tok) {
  e.begin_object();
  if (n.conn_id >= 0) e.member("conn_id", n.conn_id);
  if (!n.map.empty()) {
    e.key("crypto_map");
    e.begin_object();
    e.member("name", n.map);
    e.member("seq", n.map_seq);
    e.end_object();
  }
  e.member("device", n.device);
  double d = n.duration();
  if (d >= 0) e.member("duration_s", std::round(d * 1000) / 1000);
  e.key("events");
  std::string rendered;
  emit_array(e, n.steps, [&](const Step& s) {
    emit_event(e, s.event, paths,
               !s.explain.empty() || !tok ? std::string_view(s.explain) : (rendered = tok->explain(s.event)));
  });
  if (n.steps_omitted) e.member("events_omitted", n.steps_omitted);
  if (n.failure.empty()) e.member("failure", nullptr);
  else e.member("failure", n.failure);
  e.member("id", n.id);
  if (n.ike) e.member("ike_negotiation", n.ike);
  if (!n.inbound_spi.empty()) e.member("inbound_spi", n.inbound_spi);
  e.member("local", n.local);
  e.member("local_proxy", n.local_proxy.empty() ? std::string() : proxy_text(n.local_proxy));
  if (!n.mode.empty()) e.member("mode", n.mode);
  if (!n.outbound_spi.empty()) e.member("outbound_spi", n.outbound_spi);
  e.member("outcome", n.outcome);
  e.member("peer", n.peer);
  if (!n.pfs_group.empty()) e.member("pfs_group", n.pfs_group);
  e.member("phase", n.phase);
  e.member("remote_proxy", n.remote_proxy.empty() ? std::string() : proxy_text(n.remote_proxy));
  e.member("role", n.role);
  if (n.first.kind != Stamp::Kind::None) e.member("start", n.first.text.view());
  e.key("transforms");
  emit_strings(e, n.transforms);
  e.end_object();
}

}  // namespace

nlohmann::json event_json(const Event& e, const std::vector<std::string>& paths, const std::string& explain) {
  JsonTree t;
  emit_event(t, e, paths, explain);
  return t.take();
}

nlohmann::json negotiation_json(const Negotiation& n, const std::vector<std::string>& paths, const Tokenizer* tok) {
  JsonTree t;
  emit_negotiation(t, n, paths, tok);
  return t.take();
}

namespace {

// The report's arrays that grow with the input: each element emitted on its own, written
// as text by write_analysis_json with no tree at all (JsonText), or built as a tree for
// analysis_json (JsonTree), from the same emitting function.
struct BigArray {
  const char* key;
  size_t n;
  std::function<void(JsonText&, size_t)> write;
  std::function<nlohmann::json(size_t)> build;
};

// `emit(e, i)` emits element i through either emitter.
template <class F>
BigArray big_array(const char* key, size_t n, F emit) {
  return {key, n, [emit](JsonText& e, size_t i) { emit(e, i); },
          [emit](size_t i) {
            JsonTree t;
            emit(t, i);
            return t.take();
          }};
}

BigArray negotiations_array(const Analysis& a) {
  return big_array("negotiations", a.negotiations.size(), [&a](auto& e, size_t i) {
    emit_negotiation(e, a.negotiations[i], a.paths, a.tokenizer);
  });
}

std::vector<BigArray> big_arrays(const Analysis& a, const ReportOptions& opt) {
  auto events = [](const char* key, const std::vector<Event>& v, const Analysis& a) {
    return big_array(key, v.size(), [&v, &a](auto& e, size_t i) { emit_event(e, v[i], a.paths, {}); });
  };
  std::vector<BigArray> v{
      negotiations_array(a), events("syslog", a.standalone, a),
      big_array("findings", a.findings.size(), [&a](auto& e, size_t i) { emit_finding(e, a.findings[i]); })};
  if (opt.include_events) v.push_back(events("events", a.events, a));
  // a key the caller supplies in `extra` replaces the report's own
  v.erase(std::remove_if(v.begin(), v.end(), [&](const BigArray& b) { return opt.extra.contains(b.key); }), v.end());
  return v;
}

// Everything but the elements of the big arrays (those keys hold empty arrays).
nlohmann::json report_frame(const Analysis& a, const ReportOptions& opt) {
  nlohmann::json j;
  j["schema"] = "ipsec-doctor/1";
  j["version"] = IPSEC_DOCTOR_VERSION;
  j["inputs"] = nlohmann::json::array();
  for (const auto& s : a.inputs) {
    nlohmann::json i{{"path", s.path}};
    if (!s.error.empty()) {
      i["error"] = s.error;
    } else {
      i["bytes"] = s.bytes;
      i["lines"] = s.lines;
      i["compressed"] = s.compressed;
      i["binary"] = s.binary;
      i["log_records"] = s.log_records;
      i["other_syslog_lines"] = s.other_syslog;
      i["config_lines"] = s.config_lines;
      i["show_lines"] = s.show_lines;
      i["blank_lines"] = s.blank;
      i["sections"] = s.sections;
      i["devices"] = s.devices;
      nlohmann::json clean{{"crlf", s.clean.cr}, {"ansi_escapes", s.clean.ansi}, {"backspaces", s.clean.backspaces},
                           {"pager_prompts", s.clean.pager}, {"control_bytes", s.clean.control}};
      i["cleaned"] = clean;
      if (s.nul_bytes) i["nul_bytes"] = s.nul_bytes;
      if (s.overlong) i["overlong_lines"] = s.overlong;
      if (s.long_records) i["long_records_cut"] = s.long_records;
      if (s.notes) i["pasted_notes"] = s.notes;
      if (s.no_final_newline) i["no_final_newline"] = true;
      if (!s.read_error.empty()) i["read_error"] = s.read_error;
    }
    j["inputs"].push_back(i);
  }
  j["devices"] = a.devices;
  j["negotiations"] = nlohmann::json::array();
  j["negotiation_counts"] = {{"total", a.negotiations_total}, {"listed", a.negotiations.size()}};
  for (const auto& [k, v] : a.outcome_counts) j["negotiation_counts"][k] = v;
  j["show"] = nlohmann::json::array();
  for (const auto& s : a.shows)
    j["show"].push_back({{"path", s.section.path},
                         {"device", s.section.device},
                         {"command", s.section.command.empty() ? std::string(show::command_name(s.parsed.command))
                                                               : s.section.command},
                         {"parser", show::command_name(s.parsed.command)},
                         {"lines", {s.first_line, s.last_line}},
                         {"data", s.parsed.data}});
  j["configs"] = nlohmann::json::array();
  for (const auto& c : a.configs)
    j["configs"].push_back({{"path", c.path},
                            {"device", c.device},
                            {"lines", {c.lines.empty() ? 0 : c.lines.front().line, c.lines.empty() ? 0 : c.lines.back().line}}});
  if (a.lint) {
    nlohmann::json l;
    l["devices"] = nlohmann::json::array();
    for (const auto& d : a.lint->devices) l["devices"].push_back({{"path", d.path}, {"hostname", d.hostname}});
    l["pairs"] = nlohmann::json::array();
    for (const auto& p : a.lint->pairs) {
      auto dir = [](const DirectionPrediction& d) {
        return nlohmann::json{{"can_initiate", d.can_initiate}, {"phase1_ok", d.phase1_ok}, {"phase2_ok", d.phase2_ok},
                              {"failures", d.rules}, {"summary", d.summary}};
      };
      const auto& da = a.lint->devices[p.a];
      const auto& db = a.lint->devices[p.b];
      l["pairs"].push_back({{"a", da.hostname}, {"b", db.hostname}, {"kind", p.kind},
                            {"a_address", format_ipv4(p.a_addr)}, {"b_address", format_ipv4(p.b_addr)},
                            {"a_to_b", dir(p.a_to_b)}, {"b_to_a", dir(p.b_to_a)}});
    }
    l["lines"] = {{"total", a.lint->lines_total}, {"modelled", a.lint->lines_modelled}, {"skipped", a.lint->lines_skipped}};
    l["notes"] = a.lint->notes;
    j["lint"] = l;
  }
  j["syslog"] = nlohmann::json::array();
  if (a.standalone_total > a.standalone.size()) j["syslog_omitted"] = a.standalone_total - a.standalone.size();
  j["findings"] = nlohmann::json::array();
  if (!a.findings_omitted.empty()) j["findings_omitted"] = a.findings_omitted;
  nlohmann::json un{{"total", a.unrecognized_total}, {"by_section", a.unrecognized_by_section}};
  un["lines"] = nlohmann::json::array();
  for (const auto& u : a.unrecognized) {
    un["lines"].push_back({{"path", u.path}, {"line", u.line}, {"section", u.section}, {"text", u.text}});
    if (u.bytes) un["lines"].back()["bytes"] = u.bytes;  // `text` is the start of a longer line
  }
  if (a.unrecognized_total > a.unrecognized.size()) un["not_listed"] = a.unrecognized_total - a.unrecognized.size();
  j["unrecognized"] = un;
  if (opt.include_events) {
    j["events"] = nlohmann::json::array();
    j["event_counts"] = {{"total", a.events_total}, {"listed", a.events.size()}};
  }
  for (auto& [k, v] : opt.extra.items()) j[k] = v;
  return j;
}

// Writing the elements' text is the report's largest cost. With `parallel`, a second thread
// renders every other block of elements while this one renders the others and writes them
// all in order: the same bytes, and at most two blocks of text held at a time (~1 MB each).
// Blocks of 128: with 32, a 100 MB capture's report started ~40 threads, and its end of
// run (the reader done) took 50-57 ms instead of 34-45.
void put_array(std::ostream& out, const BigArray& arr, int depth, bool parallel) {
  const size_t n = arr.n;
  if (n == 0) {
    out << "[]";
    return;
  }
  constexpr size_t kBlock = 128;
  auto render = [&](size_t block) {
    std::string text;
    for (size_t i = block * kBlock; i < std::min(n, (block + 1) * kBlock); ++i) {
      if (i) text += ",\n";
      text.append(static_cast<size_t>(2 * (depth + 1)), ' ');
      JsonText e(text, depth + 1);
      arr.write(e, i);
    }
    return text;
  };
  out << "[\n";
  size_t blocks = (n + kBlock - 1) / kBlock;
  std::future<std::string> odd;
  if (parallel && blocks > 1) odd = std::async(std::launch::async, render, 1);
  for (size_t b = 0; b < blocks; ++b) {
    if (!odd.valid() || b % 2 == 0) {
      out << render(b);
      continue;
    }
    out << odd.get();
    if (b + 2 < blocks) odd = std::async(std::launch::async, render, b + 2);
  }
  out << "\n" << std::string(static_cast<size_t>(2 * depth), ' ') << "]";
}

}  // namespace

std::string json_text(const nlohmann::json& j) {
  std::string text;
  append_json(text, j);
  return text;
}

nlohmann::json analysis_json(const Analysis& a, const ReportOptions& opt) {
  nlohmann::json j = report_frame(a, opt);
  for (const auto& b : big_arrays(a, opt)) {
    auto& arr = j[b.key];
    for (size_t i = 0; i < b.n; ++i) arr.push_back(b.build(i));
  }
  return j;
}

void write_analysis_json(std::ostream& out, const Analysis& a, const ReportOptions& opt) {
  nlohmann::json frame = report_frame(a, opt);
  auto big = big_arrays(a, opt);
  out << "{\n";
  bool first = true;
  for (auto it = frame.begin(); it != frame.end(); ++it) {  // keys in the order dump() writes them
    if (!first) out << ",\n";
    first = false;
    out << "  " << nlohmann::json(it.key()).dump() << ": ";
    auto b = std::find_if(big.begin(), big.end(), [&](const BigArray& x) { return it.key() == x.key; });
    if (b != big.end()) {
      put_array(out, *b, 1, opt.parallel);
    } else {
      std::string text;
      append_json(text, it.value(), 1);
      out << text;
    }
  }
  out << "\n}";
}

void write_negotiations_json(std::ostream& out, const Analysis& a, bool parallel) {
  put_array(out, negotiations_array(a), 0, parallel);
}

void write_finding_text(std::ostream& out, const Finding& f, bool color) {
  Paint p{color};
  const char* sc = f.severity == Severity::Error ? kRed : f.severity == Severity::Warning ? kYellow : kCyan;
  std::string where = f.device.empty() ? "" : f.device;
  if (!f.peer.empty()) where += (where.empty() ? "peer " : " -> peer ") + f.peer;
  out << p(sc, fmt::format("{:<7}", std::string(severity_name(f.severity)))) << " " << p(kBold, f.rule)
      << (where.empty() ? "" : "  [" + where + "]") << (f.occurrences > 1 ? fmt::format("  (x{})", f.occurrences) : "")
      << "\n";
  out << "        " << f.message << "\n";
  if (!f.explanation.empty()) out << "        " << p(kDim, "why: ") << f.explanation << "\n";
  for (const auto& e : f.evidence) {
    std::string text = e.text.size() > 160 ? e.text.substr(0, 157) + "..." : e.text;
    out << "        " << p(kDim, fmt::format("{}:{}: ", e.path, e.line)) << text << "\n";
  }
  if (f.extra.contains("replay")) {
    const auto& r = f.extra["replay"];
    std::string st = r.value("status", "");
    out << "        " << p(kDim, "replay: ") << p(st == "confirmed" ? kGreen : st == "refuted" ? kRed : kDim, st);
    if (st == "not-replayable") out << " (" << r.value("why", "") << ")";
    else {
      out << " - the model fails with " << r.value("before", "?");
      if (r.contains("traffic")) out << " for " << r["traffic"].get<std::string>();
      if (r.value("scenario", "") == "reconstructed from the log")
        out << " (scenario reconstructed from the log, " << r.value("assumptions", nlohmann::json::array()).size()
            << " assumptions)";
      if (r.contains("after")) {
        out << "; after the fix";
        if (r.contains("fix_applied")) out << " on " << r["fix_applied"].value("device", "");
        out << ": " << r["after"].get<std::string>();
      }
    }
    out << "\n";
  }
  for (const auto& s : f.fix) {
    out << "        " << p(kGreen, "fix on " + s.device + ":") << "\n";
    for (const auto& c : s.commands) out << "          " << c << "\n";
    if (!s.note.empty()) out << "          " << p(kDim, "! " + s.note) << "\n";
  }
  if (!f.candidates.empty()) {
    std::string c;
    for (const auto& x : f.candidates) c += (c.empty() ? "" : ", ") + x;
    out << "        " << p(kDim, "possible causes: ") << c << "\n";
  }
  for (const auto& n : f.next) out << "        " << p(kDim, "next: ") << n << "\n";
}

void write_text(std::ostream& out, const Analysis& a, const ReportOptions& opt) {
  Paint p{opt.color};
  uint64_t bytes = 0, lines = 0;
  for (const auto& s : a.inputs) bytes += s.bytes, lines += s.lines;
  out << p(kBold, "ipsec-doctor " IPSEC_DOCTOR_VERSION) << ": " << a.inputs.size() << " input(s), " << lines
      << " lines, " << a.devices.size() << " device(s), " << a.negotiations_total << " negotiation(s), "
      << a.shows.size() << " show output(s), " << a.configs.size() << " config(s), " << a.findings.size()
      << " finding(s)\n";
  for (const auto& s : a.inputs) {
    if (!s.error.empty()) out << p(kRed, "  cannot read ") << s.path << ": " << s.error << "\n";
    else if (s.binary) out << p(kYellow, "  note: ") << s.path << " looks like binary data; read as text anyway\n";
    else if (s.lines == 0) out << p(kYellow, "  note: ") << s.path << " is empty\n";
    if (!s.read_error.empty())
      out << p(kRed, "  read stopped ") << s.path << " after line " << s.lines << ": " << s.read_error
          << " (what was read before is analysed)\n";
    else if (s.error.empty() && s.no_final_newline && s.lines > 0)
      out << p(kYellow, "  note: ") << s.path << ": the last line has no newline (truncated capture?)\n";
    if (s.overlong) out << p(kYellow, "  note: ") << s.path << ": " << s.overlong << " line(s) longer than 1 MiB were cut into pieces\n";
    if (s.long_records)
      out << p(kYellow, "  note: ") << s.path << ": " << s.long_records
          << " log record(s) longer than 16 KiB were cut: only their first 16 KiB are read\n";
    if (s.error.empty() && s.lines > 0 && s.log_records == 0 && s.config_lines == 0 && s.show_lines == 0)
      out << p(kYellow, "  note: ") << s.path << ": nothing crypto-related found (" << s.lines << " lines, "
          << s.other_syslog << " unrelated syslog)\n";
  }
  if (opt.timelines && !a.negotiations.empty()) {
    std::vector<std::string> devs;
    for (const auto& n : a.negotiations)
      if (std::find(devs.begin(), devs.end(), n.device) == devs.end()) devs.push_back(n.device);
    for (const auto& d : devs) {
      out << "\n" << p(kBold, "== " + (d.empty() ? std::string("(device not named in the capture)") : d) + " ==") << "\n";
      for (const auto& n : a.negotiations) {
        if (n.device != d) continue;
        const char* oc = n.outcome == "established" ? kGreen : n.outcome == "failed" ? kRed : kYellow;
        std::string proxies = n.local_proxy.empty() && n.remote_proxy.empty()
                                  ? ""
                                  : "  " + proxy_text(n.local_proxy) + " <-> " + proxy_text(n.remote_proxy);
        std::string ts;
        for (const auto& t : n.transforms) ts += (ts.empty() ? "  " : ", ") + t;
        auto known = [](const std::string& spi) { return !spi.empty() && spi != "0x0"; };
        std::string spis = known(n.inbound_spi) || known(n.outbound_spi)
                               ? fmt::format("  spi in {} out {}", known(n.inbound_spi) ? n.inbound_spi : "?",
                                             known(n.outbound_spi) ? n.outbound_spi : "?")
                               : "";
        std::string dur = n.duration() >= 0 ? fmt::format(" in {:.3f}s", n.duration()) : "";
        out << fmt::format("  {} #{} {} {} {} {}{}{}{}  ", n.phase == 1 ? "IKE (Phase 1)" : "Quick Mode (Phase 2)", n.id,
                           n.role, n.local.empty() ? "?" : n.local, n.role == "responder" ? "<-" : "->",
                           n.peer.empty() ? "?" : n.peer, proxies, ts, spis)
            << p(oc, n.outcome + (n.failure.empty() ? "" : " (" + n.failure + ")")) << dur << "\n";
        if (!opt.steps) continue;
        int k = 0;
        for (const auto& s : n.steps) {
          if (event_kind_is_noise(s.event.kind)) continue;
          std::string loc = fmt::format("{}:{}", path_of(s.event.where.input, a.paths), s.event.where.line);
          std::string why = !s.explain.empty() ? s.explain : a.tokenizer ? a.tokenizer->explain(s.event) : "";
          out << fmt::format("     {:>2}. ", ++k) << p(kDim, loc) << " " << p(kCyan, std::string(event_kind_name(s.event.kind)))
              << "\n         " << (why.empty() ? s.event.text : why) << "\n";
        }
        if (n.steps_omitted) out << "     (" << n.steps_omitted << " events not listed: the report keeps the steps of a bounded number of negotiations)\n";
      }
    }
    if (a.negotiations_total > a.negotiations.size())
      out << "\n  (" << a.negotiations_total - a.negotiations.size() << " more negotiations not listed; see findings)\n";
  }
  if (opt.findings && a.lint && !a.lint->pairs.empty()) {
    out << "\n" << p(kBold, "Peers (predicted from the configs)") << "\n";
    for (const auto& pr : a.lint->pairs) {
      const auto& da = a.lint->devices[pr.a];
      const auto& db = a.lint->devices[pr.b];
      auto line = [&](const std::string& x, const std::string& y, const DirectionPrediction& d) {
        bool ok = d.can_initiate && d.phase1_ok && d.phase2_ok;
        out << "  " << x << " -> " << y << ": " << p(ok ? kGreen : kRed, d.summary) << "\n";
      };
      line(da.hostname, db.hostname, pr.a_to_b);
      line(db.hostname, da.hostname, pr.b_to_a);
    }
  }
  if (opt.findings) {
    out << "\n" << p(kBold, "Findings") << "\n";
    if (a.findings.empty()) out << "  none\n";
    for (const auto& f : a.findings) write_finding_text(out, f, opt.color);
    for (const auto& [rule, n] : a.findings_omitted)
      out << "  (" << n << " more " << rule << " findings not listed: the report keeps 1,000 distinct findings)\n";
  }
  if (a.unrecognized_total) {
    out << "\n" << a.unrecognized_total << " line(s) not understood";
    std::string by;
    for (const auto& [k, v] : a.unrecognized_by_section) by += (by.empty() ? "" : ", ") + fmt::format("{}: {}", k, v);
    out << " (" << by << ")";
    if (!opt.show_unrecognized) out << "; list them with --show-unrecognized";
    out << "\n";
    if (opt.show_unrecognized) {
      for (const auto& u : a.unrecognized) {
        out << "  " << u.path << ":" << u.line << " [" << u.section << "] " << u.text;
        if (u.bytes) out << " ... (the first " << u.text.size() << " of " << u.bytes << " bytes)";
        out << "\n";
      }
      if (a.unrecognized_total > a.unrecognized.size())
        out << "  (" << a.unrecognized_total - a.unrecognized.size() << " more not listed)\n";
    }
  }
}

}  // namespace ipsecdoc
