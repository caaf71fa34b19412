// Typed events: what the tokenizer reads out of a log record, and what the reference
// model emits. Both sides use this one type so a rendered trace can be read back and
// compared (tests/model_roundtrip).
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipsecdoc {

enum class EventKind : uint16_t {
#define EVENT(e, name, phase, sig) e,
#include "core/event_kinds.def"
#undef EVENT
  Count_
};

std::string_view event_kind_name(EventKind k);
std::optional<EventKind> event_kind_from_name(std::string_view name);
int event_kind_phase(EventKind k);      // 1, 2 or 0
bool event_kind_is_failure(EventKind k);
bool event_kind_is_noise(EventKind k);

// Short text kept inline (no heap allocation): a timestamp as printed is at most ~32
// characters, and one is parsed for every line of an archive. Longer text is cut.
class InlineText {
 public:
  static constexpr size_t kMax = 39;
  InlineText() = default;
  InlineText(std::string_view s) { assign(s); }  // NOLINT(google-explicit-constructor)
  void assign(std::string_view s) {
    len_ = static_cast<uint8_t>(s.size() < kMax ? s.size() : kMax);
    if (len_) std::memcpy(buf_, s.data(), len_);
  }
  InlineText& operator=(std::string_view s) { assign(s); return *this; }
  std::string_view view() const { return {buf_, len_}; }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const { return len_ == 0; }
  size_t size() const { return len_; }
  friend bool operator==(const InlineText& a, std::string_view b) { return a.view() == b; }

 private:
  char buf_[kMax] = {};
  uint8_t len_ = 0;
};

// Time of day from a log prefix. Datetime stamps have no year; uptime stamps count from
// boot. Only differences between stamps of the same kind are meaningful.
struct Stamp {
  enum class Kind : uint8_t { None, Uptime, Datetime } kind = Kind::None;
  double seconds = 0;  // uptime seconds, or seconds since Jan 1 00:00 (year unknown)
  char clock_marker = 0;  // '*' (not authoritative), '.' (lost sync) or 0
  InlineText text;        // as printed, e.g. "*Mar  1 00:42:09.431"
};

// Where a record came from: input index (into the run's input table) and line range.
struct Provenance {
  uint32_t input = 0;
  uint32_t line = 0;       // first physical line (1-based)
  uint32_t last_line = 0;  // last physical line of a folded record
};

struct Event {
  EventKind kind = EventKind::IsakmpOther;
  Provenance where;
  std::string device;      // hostname when known
  Stamp stamp;
  std::string text;        // folded record body without prefix (what the user reads)
  int conn_id = -1;        // ISAKMP connection id from the header ("ISAKMP:(1001):"), -1 if none
  int pattern = -1;        // index of the pattern that recognised it (-1: produced by the model)
  std::vector<std::pair<std::string, std::string>> fields;  // named captures + key=value fields

  std::string_view get(std::string_view key) const {
    for (auto& [k, v] : fields) if (k == key) return v;
    return {};
  }
  bool has(std::string_view key) const {
    for (auto& [k, v] : fields) if (k == key) return true;
    return false;
  }
  void set(std::string key, std::string value) {
    for (auto& [k, v] : fields) if (k == key) { v = std::move(value); return; }
    fields.emplace_back(std::move(key), std::move(value));
  }
};

}  // namespace ipsecdoc
