// A finding's JSON, defined once for both emitters (core/json_emit.h): the report writes it
// as text (report.cc), to_json builds it as a tree (finding.cc).
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "core/json_emit.h"

namespace ipsecdoc {

template <class E>
void emit_evidence(E& e, const Evidence& ev) {
  e.begin_object();
  e.member("line", ev.line);
  e.member("path", ev.path);
  e.member("text", ev.text);
  e.end_object();
}

// The finding's members, with `extra`'s merged in (an extra key replaces the finding's own),
// in dump()'s order: each of the finding's keys comes after the extra keys that sort before it.
template <class E>
void emit_finding(E& e, const Finding& f) {
  nlohmann::json as_object;  // only for an `extra` that is not an object: its items(), keyed
  if (!f.extra.is_object() && !f.extra.is_null())
    for (const auto& [k, v] : f.extra.items()) as_object[k] = v;
  const auto& extra = f.extra.is_object() ? f.extra : as_object;
  auto it = extra.begin(), end = extra.end();
  // Emits the extra members that sort before `k`, and `k`'s if extra has it (then true).
  auto extra_upto = [&](std::string_view k) {
    for (; it != end && it.key() < k; ++it) e.member(it.key(), it.value());
    if (it == end || it.key() != k) return false;
    e.member(it.key(), it.value());
    ++it;
    return true;
  };
  e.begin_object();
  if (!extra_upto("candidates") && !f.candidates.empty()) {
    e.key("candidates");
    emit_strings(e, f.candidates);
  }
  if (!extra_upto("device")) e.member("device", f.device);
  if (!extra_upto("evidence")) {
    e.key("evidence");
    emit_array(e, f.evidence, [&e](const Evidence& ev) { emit_evidence(e, ev); });
  }
  if (!extra_upto("explanation")) e.member("explanation", f.explanation);
  if (!extra_upto("fix")) {
    e.key("fix");
    emit_array(e, f.fix, [&e](const FixStep& s) {
      e.begin_object();
      e.key("commands");
      emit_strings(e, s.commands);
      e.member("device", s.device);
      if (!s.note.empty()) e.member("note", s.note);
      e.end_object();
    });
  }
  if (!extra_upto("message")) e.member("message", f.message);
  if (!extra_upto("next")) {
    e.key("next");
    emit_strings(e, f.next);
  }
  if (!extra_upto("occurrences")) e.member("occurrences", f.occurrences);
  if (!extra_upto("peer")) e.member("peer", f.peer);
  if (!extra_upto("rule")) e.member("rule", f.rule);
  if (!extra_upto("severity")) e.member("severity", severity_name(f.severity));
  for (; it != end; ++it) e.member(it.key(), it.value());
  e.end_object();
}

}  // namespace ipsecdoc
