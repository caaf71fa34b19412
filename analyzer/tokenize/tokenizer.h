// Tokenizer: one folded log record in, one typed event out (or "not understood").
// The record head is normalised (normalize.h), classified against all patterns in one
// RE2::Set pass, then the winning pattern's named groups and, for key-engine messages,
// the "key= value" pairs become fields with IOS-independent names:
//   local, remote, local_proxy, remote_proxy, protocol, transform, spi, conn_id, ...
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.h"
#include "ingest/ingest.h"
#include "tokenize/pattern_set.h"

namespace ipsecdoc {

struct NormalizedHead;
struct Skeleton;

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

  // The same without any cache: the reference the caches are checked against (tests).
  bool tokenize_uncached(Record&& r, Event& out) const;

  // Records whose normalised head was seen recently skip classification (a bounded cache,
  // per thread); heads seen recently with other addresses/numbers (same skeleton, see
  // skeleton.h) take the pattern and capture positions from a template cache. Counts of
  // this thread so far, for the benchmark and tests.
  struct CacheStats {
    uint64_t hits = 0;           // the same head
    uint64_t template_hits = 0;  // the same skeleton
    uint64_t planned = 0;        // of which the fields came from the template's plan
    uint64_t misses = 0;         // classified and captured by RE2
  };
  static CacheStats cache_stats();
  // False when a pattern depends on the value of an address or number token (seen while
  // checking the samples): the template cache is then off and every new head is computed.
  bool templates_enabled() const { return templates_ok_; }

  // What the template cache remembers of a computed head: its pattern and, per captured
  // group (index into the pattern's groups), the capture's skeleton positions.
  struct Template {
    struct Span {
      uint32_t group, start, end;
    };
    int pattern = -1;
    std::vector<Span> spans;
    // The fields of every head with this skeleton as a recipe (tokenizer.cc): which skeleton
    // span or constant each field takes, in order, and which proxies/transforms are looked
    // up in the key-engine memo. Replaces the key-engine parse and normalisation on a
    // template hit. Null when the head's fields could not be planned (then computed).
    struct Plan;
    std::shared_ptr<const Plan> plan;
  };

  // The plain-language explanation of an event, from its pattern's template.
  std::string explain(const Event& e) const;
  const PatternSet& patterns() const { return set_; }
  // Collisions found while checking samples: (sample, own pattern, other pattern).
  const std::vector<std::string>& collisions() const { return collisions_; }

 private:
  void check_samples(std::vector<PatternProblem>& problems);
  // Sample `head` of pattern i with its tokens varied must come out of the template as it
  // comes out computed; otherwise the template cache is turned off (a non-fatal problem).
  void check_template(int i, const NormalizedHead& head, const std::string& shown,
                      std::vector<PatternProblem>& problems);
  // Pattern `idx`'s fields of `head` into `out` (computed: RE2 captures). With a skeleton and
  // a template, also records the capture positions; returns false when they cannot be.
  bool derive(const NormalizedHead& head, int idx, Event& out, const Skeleton* sk, Template* tpl) const;
  // The same from a template of an equal skeleton.
  bool derive_from(const NormalizedHead& head, const Template& t, const Skeleton& sk, Event& out) const;
  PatternSet set_;
  bool templates_ok_ = true;
  std::vector<std::string> collisions_;
};

// "key= value" pairs of an IOS key-engine message ("local= 1.2.3.4, remote= ..."): keys in
// order of appearance, values trimmed of the separating comma. Views into `text`.
std::vector<std::pair<std::string_view, std::string_view>> parse_key_values(std::string_view text);

// Fills `{name}` placeholders from an event's fields (unknown names render as "?").
std::string render_template(std::string_view tpl, const Event& e);

}  // namespace ipsecdoc
