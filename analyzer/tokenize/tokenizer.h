// Tokenizer: one folded log record in, one typed event out (or "not understood").
// The record head is normalised (normalize.h), classified against all patterns in one
// RE2::Set pass, then the winning pattern's named groups and, for key-engine messages,
// the "key= value" pairs become fields with IOS-independent names:
//   local, remote, local_proxy, remote_proxy, protocol, transform, spi, conn_id, ...
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.h"
#include "ingest/ingest.h"
#include "tokenize/pattern_set.h"

namespace ipsecdoc {

class Tokenizer {
 public:
  // Builds from the pattern files (path, parsed JSON). Every sample is checked; problems
  // (fatal ones make `ok()` false) are returned through `problems`.
  static std::unique_ptr<Tokenizer> build(const std::vector<std::pair<std::string, nlohmann::json>>& files,
                                          std::vector<PatternProblem>& problems);

  // Returns false when the record is not a crypto message we recognise.
  bool tokenize(const Record& r, Event& out) const;
  bool tokenize(Record&& r, Event& out) const;  // takes the record's body and device
  // Classifies one raw line or a sample (prefix + body, continuation lines joined).
  bool tokenize_lines(const std::vector<std::string>& lines, Event& out) const;

  // Records whose normalised head was seen recently skip classification (a bounded cache,
  // per thread): (hits, misses) of this thread so far, for the benchmark.
  static std::pair<uint64_t, uint64_t> head_cache_stats();

  // The plain-language explanation of an event, from its pattern's template.
  std::string explain(const Event& e) const;
  const PatternSet& patterns() const { return set_; }
  // Collisions found while checking samples: (sample, own pattern, other pattern).
  const std::vector<std::string>& collisions() const { return collisions_; }

 private:
  void check_samples(std::vector<PatternProblem>& problems);
  PatternSet set_;
  std::vector<std::string> collisions_;
};

// "key= value" pairs of an IOS key-engine message ("local= 1.2.3.4, remote= ..."): keys in
// order of appearance, values trimmed of the separating comma. Views into `text`.
std::vector<std::pair<std::string_view, std::string_view>> parse_key_values(std::string_view text);

// Fills `{name}` placeholders from an event's fields (unknown names render as "?").
std::string render_template(std::string_view tpl, const Event& e);

}  // namespace ipsecdoc
