// Reports of an analysis: text for people (grouped by device and negotiation, colour only
// on a terminal) and versioned JSON ("schema": "ipsec-doctor/1") for programs.
#pragma once
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/analysis.h"

namespace ipsecdoc {

struct ReportOptions {
  bool color = false;
  bool show_unrecognized = false;
  bool timelines = true;      // text: print negotiation timelines
  bool findings = true;       // text: print findings
  bool steps = true;          // text: print each step of each negotiation
  bool include_events = false;  // json: `events` (parse command)
  bool parallel = true;       // json: render the big arrays' elements on two threads (same bytes)
  nlohmann::json extra = nlohmann::json::object();  // merged into the JSON top level (lint, replay...)
};

nlohmann::json negotiation_json(const Negotiation& n, const std::vector<std::string>& paths,
                                const Tokenizer* tok = nullptr);
nlohmann::json event_json(const Event& e, const std::vector<std::string>& paths, const std::string& explain = {});
nlohmann::json analysis_json(const Analysis& a, const ReportOptions& opt);
// How the CLI prints JSON: indent 2, UTF-8 kept, invalid UTF-8 replaced.
std::string json_text(const nlohmann::json& j);  // = j.dump(2, ' ', false, replace) (json_writer.h)
// json_text(analysis_json(a, opt)), byte for byte, written as it is built: the elements of
// the arrays that grow with the input (negotiations, findings, syslog, events) are written
// straight as text, from the same emitting functions that build analysis_json's trees
// (core/json_emit.h): of a large report, only the frame around them is ever a tree.
void write_analysis_json(std::ostream& out, const Analysis& a, const ReportOptions& opt);
// json_text of the array of negotiation_json of every listed negotiation, written likewise.
void write_negotiations_json(std::ostream& out, const Analysis& a, bool parallel = true);
void write_text(std::ostream& out, const Analysis& a, const ReportOptions& opt);
void write_finding_text(std::ostream& out, const Finding& f, bool color);

}  // namespace ipsecdoc
