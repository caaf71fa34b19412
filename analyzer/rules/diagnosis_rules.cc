#include "rules/diagnosis_rules.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/acl.h"
#include "core/ip.h"
#include "core/text_hash.h"
#include "rules/proposals.h"

namespace ipsecdoc {
namespace {

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string attr(const Negotiation& n, std::string_view name) {
  if (name == "role") return n.role;
  if (name == "outcome") return n.outcome;
  if (name == "peer") return n.peer;
  if (name == "local") return n.local;
  if (name == "phase") return std::to_string(n.phase);
  if (name == "proxy-kind") {
    auto l = parse_proxy(n.local_proxy), r = parse_proxy(n.remote_proxy);
    if (!l || !r) return "";
    return (l->is_host() || r->is_host()) ? "host" : "network";
  }
  return "";
}

bool compare(const std::string& value, std::string rhs, bool negated, const Negotiation& n) {
  if (!rhs.empty() && rhs[0] == '@') rhs = attr(n, rhs.substr(1));
  bool same = value == rhs;
  return !negated ? same : (!same && !value.empty() && !rhs.empty());
}

// "count:A>B" (also >=, <, <=, =): the number of A events compared with the number of B events
// (a negotiation with several proposals logs one rejection per proposal).
std::optional<bool> count_condition(const Negotiation& n, const std::string& c) {
  static const char* ops[] = {">=", "<=", ">", "<", "="};
  for (const char* op : ops) {
    size_t at = c.find(op);
    if (at == std::string::npos) continue;
    auto a = event_kind_from_name(c.substr(0, at)), b = event_kind_from_name(c.substr(at + std::string(op).size()));
    if (!a || !b) return std::nullopt;
    size_t na = 0, nb = 0;
    for (const auto& s : n.steps) {
      na += s.event.kind == *a;
      nb += s.event.kind == *b;
    }
    std::string o(op);
    return o == ">=" ? na >= nb : o == "<=" ? na <= nb : o == ">" ? na > nb : o == "<" ? na < nb : na == nb;
  }
  return std::nullopt;
}

// Condition forms:  "role=initiator"  "kind.field=value" (the first event of that kind)
// "kind.field!=@peer"  "any:kind.field=value" (some event of that kind)  "no:kind.field=value"
// (no event of that kind)  "count:kind>kind"
bool condition_holds(const Negotiation& n, const std::string& c) {
  if (c.rfind("count:", 0) == 0) return count_condition(n, c.substr(6)).value_or(false);
  bool any = c.rfind("any:", 0) == 0, no = c.rfind("no:", 0) == 0;
  if (any || no) {
    std::string rest = c.substr(any ? 4 : 3);
    size_t ne = rest.find("!=");
    size_t eq = ne == std::string::npos ? rest.find('=') : ne;
    size_t dot = rest.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) return false;
    auto kind = event_kind_from_name(rest.substr(0, dot));
    if (!kind) return false;
    std::string field = rest.substr(dot + 1, eq - dot - 1);
    std::string rhs = rest.substr(eq + (ne == std::string::npos ? 1 : 2));
    bool found = false;
    for (const auto& s : n.steps)
      if (s.event.kind == *kind && compare(std::string(s.event.get(field)), rhs, ne != std::string::npos, n)) {
        found = true;
        break;
      }
    return any ? found : !found;
  }
  size_t ne = c.find("!=");
  size_t eq = ne == std::string::npos ? c.find('=') : ne;
  if (eq == std::string::npos) return false;
  std::string lhs = c.substr(0, eq);
  std::string rhs = c.substr(eq + (ne == std::string::npos ? 1 : 2));
  std::string value;
  size_t dot = lhs.find('.');
  if (dot != std::string::npos) {
    auto kind = event_kind_from_name(lhs.substr(0, dot));
    if (!kind) return false;
    const Event* e = n.first_of(*kind);
    if (!e) return false;
    value = std::string(e->get(lhs.substr(dot + 1)));
  } else {
    value = attr(n, lhs);
  }
  return compare(value, rhs, ne != std::string::npos, n);
}

// Why a condition can never be evaluated ("" when it is well-formed): unknown event kinds or
// attributes would otherwise silently be false.
std::string condition_problem(const std::string& c) {
  std::string rest = c;
  if (rest.rfind("count:", 0) == 0) {
    Negotiation empty;
    return count_condition(empty, rest.substr(6)) ? "" : "count: needs two event kinds and one of > >= < <= =";
  }
  bool all_events = false;
  for (const char* p : {"any:", "no:"})
    if (rest.rfind(p, 0) == 0) {
      rest = rest.substr(std::string(p).size());
      all_events = true;
    }
  size_t eq = rest.find('=');
  if (eq == std::string::npos) return "needs = or !=";
  std::string lhs = rest.substr(0, eq);
  if (!lhs.empty() && lhs.back() == '!') lhs.pop_back();
  size_t dot = lhs.find('.');
  if (dot == std::string::npos) {
    if (all_events) return "any:/no: need kind.field";
    static const std::vector<std::string> attrs{"role", "outcome", "peer", "local", "phase", "proxy-kind"};
    return std::find(attrs.begin(), attrs.end(), lhs) != attrs.end() ? "" : "unknown attribute \"" + lhs + "\"";
  }
  return event_kind_from_name(lhs.substr(0, dot)) ? "" : "unknown event kind \"" + lhs.substr(0, dot) + "\"";
}

bool signature_matches(const LogSignature& s, const Negotiation& n) {
  if (s.phase && s.phase != n.phase) return false;
  // Without outcomes listed: failed or incomplete. (No vector built per call: this runs for
  // every signature of every rule on every failed negotiation.)
  // (same_text: a std::string compared with a literal was a call to compare(const char*),
  // which measured the literal and called memcmp.)
  if (s.outcome.empty() ? !same_text(n.outcome, "failed") && !same_text(n.outcome, "incomplete")
                        : std::none_of(s.outcome.begin(), s.outcome.end(),
                                       [&](const std::string& o) { return same_text(n.outcome, o); }))
    return false;
  for (auto k : s.all)
    if (!n.has(k)) return false;
  if (!s.any.empty() && std::none_of(s.any.begin(), s.any.end(), [&](EventKind k) { return n.has(k); })) return false;
  for (auto k : s.none)
    if (n.has(k)) return false;
  for (const auto& c : s.when)
    if (!condition_holds(n, c)) return false;
  return true;
}

}  // namespace

std::string fill(const std::string& tpl, const std::map<std::string, std::string>& ctx) {
  std::string out;
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '{') {
      size_t close = tpl.find('}', i);
      if (close != std::string::npos) {
        std::string name = tpl.substr(i + 1, close - i - 1);
        auto it = ctx.find(name);
        out += (it != ctx.end() && !it->second.empty()) ? it->second : "<" + name + ">";
        i = close;
        continue;
      }
    }
    out.push_back(tpl[i]);
  }
  return out;
}

void RuleBook::add_file(const std::string& file, const nlohmann::json& j, std::vector<RuleProblem>& problems) {
  DiagnosisRule r;
  r.file = file;
  r.id = j.value("id", "");
  if (r.id.empty()) {
    problems.push_back({file, "", "rule without \"id\""});
    return;
  }
  if (find(r.id)) {
    problems.push_back({file, r.id, "duplicate rule id"});
    return;
  }
  r.title = j.value("title", "");
  if (!parse_severity(j.value("severity", "error"), r.severity))
    problems.push_back({file, r.id, "severity must be error, warning or info"});
  r.sources = strings(j, "sources");
  r.priority = j.value("priority", 0);
  r.message = j.value("message", "");
  r.explanation = j.value("explanation", "");
  r.next = strings(j, "next");
  r.candidates = strings(j, "candidates");
  r.references = strings(j, "references");
  if (j.contains("examples")) {
    r.fire = strings(j["examples"], "fire");
    r.silent = strings(j["examples"], "silent");
  }
  if (r.title.empty() || r.explanation.empty()) problems.push_back({file, r.id, "title and explanation are required"});
  if (r.fire.empty()) problems.push_back({file, r.id, "no example that must fire", false});
  for (const auto& f : j.value("fix", nlohmann::json::array()))
    r.fix.push_back({f.value("device", "{device}"), strings(f, "commands"), f.value("note", "")});
  for (const auto& s : j.value("log", nlohmann::json::array())) {
    LogSignature sig;
    sig.phase = s.value("phase", 0);
    auto kinds = [&](const char* key, std::vector<EventKind>& out) {
      for (const auto& name : strings(s, key)) {
        if (auto k = event_kind_from_name(name)) out.push_back(*k);
        else problems.push_back({file, r.id, fmt::format("unknown event kind \"{}\" in {}", name, key)});
      }
    };
    kinds("all", sig.all);
    kinds("any", sig.any);
    kinds("none", sig.none);
    sig.outcome = strings(s, "outcome");
    sig.when = strings(s, "when");
    for (const auto& c : sig.when)
      if (auto why = condition_problem(c); !why.empty())
        problems.push_back({file, r.id, fmt::format("condition \"{}\": {}", c, why)});
    sig.note = s.value("note", "");
    if (s.contains("severity")) {
      Severity sv;
      if (parse_severity(s["severity"].get<std::string>(), sv)) sig.severity = sv;
    }
    if (sig.all.empty() && sig.any.empty()) problems.push_back({file, r.id, "log signature needs \"all\" or \"any\""});
    r.log.push_back(std::move(sig));
  }
  rules_.push_back(std::move(r));
  by_priority_.clear();
  for (size_t i = 0; i < rules_.size(); ++i) by_priority_.push_back(i);
  std::stable_sort(by_priority_.begin(), by_priority_.end(),
                   [&](size_t a, size_t b) { return rules_[a].priority > rules_[b].priority; });
}

void RuleBook::check_overlaps(std::vector<RuleProblem>& problems) const {
  for (size_t a = 0; a < rules_.size(); ++a)
    for (size_t b = a + 1; b < rules_.size(); ++b)
      for (const auto& sa : rules_[a].log)
        for (const auto& sb : rules_[b].log)
          if (sa.all == sb.all && sa.any == sb.any && sa.none == sb.none && sa.when == sb.when && sa.phase == sb.phase &&
              rules_[a].priority == rules_[b].priority)
            problems.push_back({rules_[b].file, rules_[b].id,
                                fmt::format("signature identical to one of {} with the same priority", rules_[a].id)});
}

const DiagnosisRule* RuleBook::find(const std::string& id) const {
  for (const auto& r : rules_)
    if (r.id == id) return &r;
  return nullptr;
}

std::optional<Finding> RuleBook::diagnose(Negotiation& n, const std::vector<std::string>& paths,
                                          const std::function<bool(const Finding&)>& wanted) const {
  if (same_text(n.outcome, "established")) return std::nullopt;
  for (size_t i : by_priority_) {
    const DiagnosisRule& r = rules_[i];
    for (const auto& sig : r.log) {
      if (!signature_matches(sig, n)) continue;
      n.failure = r.id;
      Finding f;
      f.rule = r.id;
      f.severity = sig.severity.value_or(r.severity);
      f.device = n.device;
      f.peer = n.peer;
      // The offer: one transform per logged proposal when the attribute lines name them all
      // (exact key length, and proposals refused on PFS print no transform line), else the
      // transforms the records print.
      std::vector<std::string> offered = n.transforms;
      auto props = logged_proposals(n);
      if (!props.empty() && std::all_of(props.begin(), props.end(), [](auto& p) { return p.transform.has_value(); })) {
        offered.clear();
        for (const auto& p : props) offered.push_back(p.transform->str());
      }
      // rule|device|peer|local proxy|remote proxy|first transform, appended (fmt::format cost
      // ~1.7 k instructions for each of a capture's failed negotiations)
      for (std::string_view part : {std::string_view(r.id), std::string_view(n.device), std::string_view(n.peer),
                                    std::string_view(n.local_proxy), std::string_view(n.remote_proxy)}) {
        f.key.append(part);
        f.key.push_back('|');
      }
      if (!offered.empty()) f.key.append(offered.front());
      // A repeat (not wanted) is only counted: its key and first evidence line are all it
      // needs (the collector notes where it was last seen).
      const bool whole = !wanted || wanted(f);
      // Evidence: every decisive/failure event, plus the proposal it was about.
      std::vector<const Event*> evidence;
      for (const auto& s : n.steps) {
        const Event& e = s.event;
        bool wanted = event_kind_is_failure(e.kind) || e.kind == EventKind::ProposalRequest ||
                      e.kind == EventKind::SaRequest;
        for (auto k : sig.all) wanted |= e.kind == k;
        for (auto k : sig.any) wanted |= e.kind == k;
        if (!wanted) continue;
        if (f.evidence.size() >= (whole ? 12u : 1u)) break;
        std::string path = e.where.input < paths.size() ? paths[e.where.input] : "";
        f.evidence.push_back({path, e.where.line, e.text});
        evidence.push_back(&e);
      }
      if (!whole) return f;
      // Template context.
      std::map<std::string, std::string> ctx;
      ctx["device"] = n.device.empty() ? "this router (the one that logged it)" : n.device;
      ctx["device_name"] = n.device.empty() ? "this router" : n.device;
      ctx["peer"] = n.peer;
      ctx["peer_or"] = n.peer.empty() ? "the peer" : n.peer;
      ctx["peer_device"] = n.peer.empty() ? "the peer" : "the peer " + n.peer;
      ctx["local"] = n.local;
      ctx["role"] = n.role;
      ctx["map"] = n.map;
      ctx["seq"] = n.map_seq;
      auto lp = parse_proxy(n.local_proxy), rp = parse_proxy(n.remote_proxy);
      ctx["local_proxy"] = lp ? lp->str() : n.local_proxy;
      ctx["remote_proxy"] = rp ? rp->str() : n.remote_proxy;
      ctx["local_acl"] = lp ? lp->acl_operand() : "";
      ctx["remote_acl"] = rp ? rp->acl_operand() : "";
      // A whole crypto ACL entry for the two proxies, with their protocol and ports (a crypto
      // ACL of `permit tcp ... eq 23` yields proxies .../6/23: its mirror must name them too).
      // Without both proxies: `ip` and the operands, an unknown one as its placeholder (which a
      // replay's reconstruction fills in, app/reconstruct).
      auto operand = [](const std::optional<Proxy>& p, const char* name) {
        return p ? p->acl_operand() : fmt::format("<{}>", name);
      };
      ctx["acl_entry"] = lp && rp ? acl_entry(*lp, *rp)
                                  : fmt::format("ip {} {}", operand(lp, "local_acl"), operand(rp, "remote_acl"));
      ctx["acl_entry_mirror"] = lp && rp ? acl_entry(*rp, *lp)
                                         : fmt::format("ip {} {}", operand(rp, "remote_acl"), operand(lp, "local_acl"));
      ctx["transform"] = offered.empty() ? "" : offered.front();
      std::string all_t;
      for (const auto& t : offered) all_t += (all_t.empty() ? "" : ", ") + t;
      ctx["transforms"] = all_t;
      ctx["pfs_group"] = n.pfs_group;
      // Values the evidence lines name (the first one naming each wins).
      for (const Event* e : evidence)
        for (const char* k : {"address", "error", "state", "group", "attr", "mode"})
          if (!e->get(k).empty() && !ctx.count(k)) ctx[k] = std::string(e->get(k));
      // The PFS group the peer asked for, also when its `group is N` line is not evidence.
      if (!ctx.count("group") && !n.pfs_group.empty()) ctx["group"] = n.pfs_group;
      if (ctx["peer_tag"].empty()) {
        std::string tag = n.peer;
        std::replace(tag.begin(), tag.end(), '.', '-');
        ctx["peer_tag"] = tag.empty() ? "PEER" : tag;
      }
      f.message = fill(r.message, ctx);
      f.explanation = fill(r.explanation, ctx);
      if (!sig.note.empty()) f.explanation += " " + fill(sig.note, ctx);
      for (const auto& t : r.fix) {
        FixStep step{fill(t.device, ctx), {}, fill(t.note, ctx)};
        for (const auto& c : t.commands) step.commands.push_back(fill(c, ctx));
        f.fix.push_back(std::move(step));
      }
      for (const auto& s : r.next) f.next.push_back(fill(s, ctx));
      f.candidates = r.candidates;
      f.extra["negotiation"] = n.id;
      f.extra["phase"] = n.phase;
      if (!n.local.empty()) f.extra["local"] = n.local;
      f.extra["role"] = n.role;
      if (!n.local_proxy.empty()) f.extra["local_proxy_ios"] = n.local_proxy;
      if (!n.remote_proxy.empty()) f.extra["remote_proxy_ios"] = n.remote_proxy;
      if (!n.local_proxy.empty()) f.extra["local_proxy"] = ctx["local_proxy"];
      if (!n.remote_proxy.empty()) f.extra["remote_proxy"] = ctx["remote_proxy"];
      if (!offered.empty()) f.extra["offered_transforms"] = offered;
      return f;
    }
  }
  if (n.outcome == "failed") {
    n.failure = "negotiation-failed";
    Finding f;
    f.rule = "negotiation-failed";
    f.severity = Severity::Warning;
    f.device = n.device;
    f.peer = n.peer;
    f.message = fmt::format("{} negotiation with {} failed for a reason no rule recognises",
                            n.phase == 1 ? "Phase 1" : "Phase 2", n.peer.empty() ? "the peer" : n.peer);
    for (const auto& s : n.steps)
      if (event_kind_is_failure(s.event.kind) && f.evidence.size() < 12)
        f.evidence.push_back({s.event.where.input < paths.size() ? paths[s.event.where.input] : "", s.event.where.line,
                              s.event.text});
    f.key = fmt::format("negotiation-failed|{}|{}", n.device, n.peer);
    complete(f);
    return f;
  }
  return std::nullopt;
}

std::optional<Finding> RuleBook::diagnose_standalone(const Event& e, const std::vector<std::string>& paths) const {
  Negotiation n;
  n.phase = 0;
  n.outcome = "failed";
  n.device = e.device;
  n.peer = std::string(e.get("peer"));
  n.mark(e.kind);
  n.steps.push_back(Step{e, ""});
  for (size_t i : by_priority_) {
    const DiagnosisRule& r = rules_[i];
    for (const auto& sig : r.log) {
      if (sig.phase != 0 || !signature_matches(sig, n)) continue;
      auto f = diagnose(n, paths);
      if (f) f->key = fmt::format("{}|{}|{}", r.id, e.device, e.get("detail"));
      return f;
    }
  }
  return std::nullopt;
}

void RuleBook::complete(Finding& f) const {
  const DiagnosisRule* r = find(f.rule);
  if (!r) return;
  if (f.explanation.empty()) f.explanation = r->explanation;
  if (f.next.empty()) f.next = r->next;
  if (f.candidates.empty()) f.candidates = r->candidates;
}

}  // namespace ipsecdoc
