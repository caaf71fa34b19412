#include "rules/diagnosis_rules.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/acl.h"
#include "core/ip.h"
#include "core/transform.h"
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

// (Conditions are read as views: the strings this built for every part of a condition, and
// for the field of every step an any:/no: condition looked at, cost ~4 M instructions on a
// 100 MB capture.)
bool compare(std::string_view value, std::string_view rhs, bool negated, const Negotiation& n) {
  std::string resolved;  // an @attribute's value
  if (!rhs.empty() && rhs[0] == '@') rhs = resolved = attr(n, rhs.substr(1));
  bool same = value == rhs;
  return !negated ? same : (!same && !value.empty() && !rhs.empty());
}

// "count:A>B" (also >=, <, <=, =): the number of A events compared with the number of B events
// (a negotiation with several proposals logs one rejection per proposal).
std::optional<bool> count_condition(const Negotiation& n, std::string_view c) {
  static constexpr std::string_view ops[] = {">=", "<=", ">", "<", "="};
  for (std::string_view op : ops) {
    size_t at = c.find(op);
    if (at == std::string_view::npos) continue;
    auto a = event_kind_from_name(c.substr(0, at)), b = event_kind_from_name(c.substr(at + op.size()));
    if (!a || !b) return std::nullopt;
    size_t na = 0, nb = 0;
    for (const auto& s : n.steps) {
      na += s.event.kind == *a;
      nb += s.event.kind == *b;
    }
    return op == ">=" ? na >= nb : op == "<=" ? na <= nb : op == ">" ? na > nb : op == "<" ? na < nb : na == nb;
  }
  return std::nullopt;
}

// Condition forms:  "role=initiator"  "kind.field=value" (the first event of that kind)
// "kind.field!=@peer"  "any:kind.field=value" (some event of that kind)  "no:kind.field=value"
// (no event of that kind)  "count:kind>kind"
bool condition_holds(const Negotiation& n, std::string_view c) {
  if (c.starts_with("count:")) return count_condition(n, c.substr(6)).value_or(false);
  bool any = c.starts_with("any:"), no = c.starts_with("no:");
  if (any || no) {
    std::string_view rest = c.substr(any ? 4 : 3);
    size_t ne = rest.find("!=");
    size_t eq = ne == std::string_view::npos ? rest.find('=') : ne;
    size_t dot = rest.find('.');
    if (eq == std::string_view::npos || dot == std::string_view::npos || dot > eq) return false;
    auto kind = event_kind_from_name(rest.substr(0, dot));
    if (!kind) return false;
    std::string_view field = rest.substr(dot + 1, eq - dot - 1);
    std::string_view rhs = rest.substr(eq + (ne == std::string_view::npos ? 1 : 2));
    bool found = false;
    for (const auto& s : n.steps)
      if (s.event.kind == *kind && compare(s.event.get(field), rhs, ne != std::string_view::npos, n)) {
        found = true;
        break;
      }
    return any ? found : !found;
  }
  size_t ne = c.find("!=");
  size_t eq = ne == std::string_view::npos ? c.find('=') : ne;
  if (eq == std::string_view::npos) return false;
  std::string_view lhs = c.substr(0, eq);
  std::string_view rhs = c.substr(eq + (ne == std::string_view::npos ? 1 : 2));
  std::string attribute;  // lhs's value when it names an attribute
  std::string_view value;
  size_t dot = lhs.find('.');
  if (dot != std::string_view::npos) {
    auto kind = event_kind_from_name(lhs.substr(0, dot));
    if (!kind) return false;
    const Event* e = n.first_of(*kind);
    if (!e) return false;
    value = e->get(lhs.substr(dot + 1));
  } else {
    value = attribute = attr(n, lhs);
  }
  return compare(value, rhs, ne != std::string_view::npos, n);
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

// The signature's event-kind lists (all / any / none) against the kinds a negotiation has.
template <class Has>
bool kinds_match(const LogSignature& s, Has&& has) {
  if (!std::all_of(s.all.begin(), s.all.end(), has)) return false;
  if (!s.any.empty() && std::none_of(s.any.begin(), s.any.end(), has)) return false;
  return std::none_of(s.none.begin(), s.none.end(), has);
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
  if (!kinds_match(s, [&](EventKind k) { return n.has(k); })) return false;
  for (const auto& c : s.when)
    if (!condition_holds(n, c)) return false;
  return true;
}

// `{name}` placeholders of tpl replaced by value(name), a view valid until the next call, or
// by `<name>` when that is empty (`{name|text}`: by the text). The text between placeholders is appended as a whole (a
// character at a time, the explanations of a capture's thousand distinct findings cost ~2.5 k
// instructions a template).
template <class Value>
std::string fill_with(std::string_view tpl, Value&& value) {
  std::string out;
  out.reserve(tpl.size());
  size_t i = 0;
  for (;;) {
    size_t open = tpl.find('{', i);
    size_t close = open == std::string_view::npos ? open : tpl.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(tpl.substr(i, open - i));
    std::string_view name = tpl.substr(open + 1, close - open - 1);
    std::string_view fallback;
    if (size_t bar = name.find('|'); bar != std::string_view::npos) {
      fallback = name.substr(bar + 1);
      name = name.substr(0, bar);
    }
    if (std::string_view v = value(name); !v.empty()) {
      out.append(v);
    } else if (fallback.data()) {
      out.append(fallback);
    } else {
      out.push_back('<');
      out.append(name);
      out.push_back('>');
    }
    i = close + 1;
  }
  out.append(tpl.substr(i));
  return out;
}

// The value of a rule template's placeholder for a diagnosed negotiation ("" when it has
// none, and for names it does not know). `offered`: its transforms (see diagnose);
// `evidence`: the finding's evidence events.
std::string placeholder(std::string_view name, const Negotiation& n, const std::vector<std::string>& offered,
                        const std::vector<const Event*>& evidence) {
  if (name == "device") return n.device.empty() ? "this router (the one that logged it)" : n.device;
  if (name == "device_name") return n.device.empty() ? "this router" : n.device;
  if (name == "peer") return n.peer;
  if (name == "peer_or") return n.peer.empty() ? "the peer" : n.peer;
  if (name == "peer_device") return n.peer.empty() ? "the peer" : "the peer " + n.peer;
  if (name == "local") return n.local;
  if (name == "role") return n.role;
  if (name == "map") return n.map;
  if (name == "seq") return n.map_seq;
  if (name == "pfs_group") return n.pfs_group;
  if (name == "local_proxy" || name == "remote_proxy") {
    const std::string& ios = name == "local_proxy" ? n.local_proxy : n.remote_proxy;
    auto p = parse_proxy(ios);
    return p ? p->str() : ios;
  }
  if (name == "local_acl" || name == "remote_acl") {
    auto p = parse_proxy(name == "local_acl" ? n.local_proxy : n.remote_proxy);
    return p ? p->acl_operand() : "";
  }
  if (name == "acl_entry" || name == "acl_entry_mirror") {
    // A whole crypto ACL entry for the two proxies, with their protocol and ports (a crypto
    // ACL of `permit tcp ... eq 23` yields proxies .../6/23: its mirror must name them too).
    // Without both proxies: `ip` and the operands, an unknown one as its placeholder (which a
    // replay's reconstruction fills in, app/reconstruct).
    auto lp = parse_proxy(n.local_proxy), rp = parse_proxy(n.remote_proxy);
    auto operand = [](const std::optional<Proxy>& p, const char* name) {
      return p ? p->acl_operand() : fmt::format("<{}>", name);
    };
    if (name == "acl_entry")
      return lp && rp ? acl_entry(*lp, *rp) : fmt::format("ip {} {}", operand(lp, "local_acl"), operand(rp, "remote_acl"));
    return lp && rp ? acl_entry(*rp, *lp) : fmt::format("ip {} {}", operand(rp, "remote_acl"), operand(lp, "local_acl"));
  }
  if (name == "transform") return offered.empty() ? "" : offered.front();
  if (name == "transforms") {
    std::string all;
    for (const auto& t : offered) all += (all.empty() ? "" : ", ") + t;
    return all;
  }
  // Values the evidence lines name (the first one naming each wins); the PFS group the peer
  // asked for also when its `group is N` line is not evidence.
  for (const char* k : {"address", "error", "state", "group", "attr", "mode"}) {
    if (name != k) continue;
    for (const Event* e : evidence)
      if (std::string_view v = e->get(k); !v.empty()) return std::string(v);
    return name == "group" ? n.pfs_group : "";
  }
  if (name.substr(0, 9) == "p1_offer_") {
    // The peer's first ISAKMP proposal as this router (the responder) logged it, in IOS
    // keywords; "" for an attribute the log did not print, and for all when a value is not
    // one IOS keywords name (the fix then says what to fill in).
    P1Capture c = logged_phase1(n);
    if (c.offered.empty() || !c.unreadable.empty()) return "";
    const auto& [t, p] = *c.offered.begin();
    auto shown = [&, t = t](const char* k) { return c.shown[t].count(k) > 0; };
    std::string_view want = name.substr(9);
    if (want == "encryption") return shown("encryption") ? ike_encryption_words(p) : "";
    if (want == "hash") return shown("hash") ? p.hash : "";
    if (want == "auth") return shown("auth") ? p.auth : "";
    if (want == "group") return shown("group") ? std::to_string(p.group) : "";
    return "";
  }
  if (name == "peer_tag") {
    std::string tag = n.peer;
    std::replace(tag.begin(), tag.end(), '.', '-');
    return tag.empty() ? "PEER" : tag;
  }
  return "";
}

}  // namespace

std::string fill(const std::string& tpl, const std::map<std::string, std::string>& ctx) {
  return fill_with(tpl, [&](std::string_view name) -> std::string_view {
    auto it = ctx.find(std::string(name));
    return it != ctx.end() ? std::string_view(it->second) : std::string_view();
  });
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
      // (A reference, not a copy of n.transforms: most findings are repeats that need only the first.)
      std::vector<std::string> by_proposal;
      auto props = logged_proposals(n);
      if (!props.empty() && std::all_of(props.begin(), props.end(), [](auto& p) { return p.transform.has_value(); }))
        for (const auto& p : props) by_proposal.push_back(p.transform->str());
      const std::vector<std::string>& offered = by_proposal.empty() ? n.transforms : by_proposal;
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
      // Template values, computed when a template first names them (a rule names a few: all
      // ~25 in a std::map cost ~15 k instructions a finding).
      std::map<std::string, std::string, std::less<>> ctx;
      auto value = [&](std::string_view name) -> std::string_view {
        auto it = ctx.find(name);
        if (it == ctx.end()) it = ctx.emplace(std::string(name), placeholder(name, n, offered, evidence)).first;
        return it->second;
      };
      auto render = [&](const std::string& tpl) { return fill_with(tpl, value); };
      f.message = render(r.message);
      f.explanation = render(r.explanation);
      if (!sig.note.empty()) f.explanation += " " + render(sig.note);
      for (const auto& t : r.fix) {
        FixStep step{render(t.device), {}, render(t.note)};
        for (const auto& c : t.commands) step.commands.push_back(render(c));
        f.fix.push_back(std::move(step));
      }
      for (const auto& s : r.next) f.next.push_back(render(s));
      f.candidates = r.candidates;
      f.extra["negotiation"] = n.id;
      f.extra["phase"] = n.phase;
      if (!n.local.empty()) f.extra["local"] = n.local;
      f.extra["role"] = n.role;
      if (!n.local_proxy.empty()) f.extra["local_proxy_ios"] = n.local_proxy;
      if (!n.remote_proxy.empty()) f.extra["remote_proxy_ios"] = n.remote_proxy;
      if (!n.local_proxy.empty()) f.extra["local_proxy"] = std::string(value("local_proxy"));
      if (!n.remote_proxy.empty()) f.extra["remote_proxy"] = std::string(value("remote_proxy"));
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
  // A standalone event is a negotiation of one event: a signature whose event kinds that
  // event alone cannot satisfy is passed over before a negotiation is built around a copy of
  // it (~2 k instructions; ~5.8 K of a 100 MB capture's 6 K standalone events match none).
  std::optional<Negotiation> n;
  for (size_t i : by_priority_) {
    const DiagnosisRule& r = rules_[i];
    for (const auto& sig : r.log) {
      if (sig.phase != 0 || !kinds_match(sig, [&](EventKind k) { return k == e.kind; })) continue;
      if (!n) {
        n.emplace();
        n->phase = 0;
        n->outcome = "failed";
        n->device = e.device;
        n->peer = std::string(e.get("peer"));
        n->mark(e.kind);
        n->steps.push_back(Step{e, ""});
      }
      if (!signature_matches(sig, *n)) continue;
      auto f = diagnose(*n, paths);
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
