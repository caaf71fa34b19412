// Typed events: what the tokenizer reads out of a log record, and what the reference
// model emits. Both sides use this one type so a rendered trace can be read back and
// compared (tests/model_roundtrip).
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text_hash.h"

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

// Named fields of an event: a handful of short strings, written once by the tokenizer (or
// the model) and read many times. Kept in one buffer ([key length][key][value length][value]
// ...) so an event costs one allocation and a copy is one memcpy, whatever its field count.
// Iterating yields {first, second} string_views (like the pairs of a map).
class Fields {
 public:
  struct Entry {
    std::string_view first, second;
  };
  class iterator {
   public:
    iterator(const char* p, const char* end) : p_(p), end_(end) { load(); }
    const Entry& operator*() const { return cur_; }
    const Entry* operator->() const { return &cur_; }
    iterator& operator++() {
      p_ = next_;
      load();
      return *this;
    }
    bool operator==(const iterator& o) const { return p_ == o.p_; }
    bool operator!=(const iterator& o) const { return p_ != o.p_; }

   private:
    void load() {
      if (p_ >= end_) return;
      size_t kl = static_cast<unsigned char>(p_[0]);
      uint32_t vl;
      std::memcpy(&vl, p_ + 1 + kl, 4);
      cur_ = {{p_ + 1, kl}, {p_ + 5 + kl, vl}};
      next_ = p_ + 5 + kl + vl;
    }
    const char* p_;
    const char* end_;
    const char* next_ = nullptr;
    Entry cur_;
  };
  iterator begin() const { return {buf_.data(), buf_.data() + buf_.size()}; }
  iterator end() const { return {buf_.data() + buf_.size(), buf_.data() + buf_.size()}; }
  bool empty() const { return buf_.empty(); }
  void reserve(size_t fields) { buf_.reserve(fields * 24); }
  void clear() { buf_.clear(); }
  bool operator==(const Fields& o) const { return buf_ == o.buf_; }
  // The encoded buffer as is: a template hit's fields are encoded by the tokenizer's plan
  // replay and taken whole (tokenize/tokenizer.cc).
  std::string_view raw() const { return buf_; }
  void assign_raw(std::string_view raw) { buf_.assign(raw.data(), raw.size()); }
  void swap(Fields& o) noexcept { buf_.swap(o.buf_); }

  // Empty view when absent.
  std::string_view get(std::string_view key) const {
    // The hottest lookup of the timeline and the rules: the length and first byte rule out
    // most keys before a compare, and a key of up to 16 bytes is compared without a call.
    const char* p = buf_.data();
    const char* end = p + buf_.size();
    const size_t n = key.size();
    while (p < end) {
      size_t kl = static_cast<unsigned char>(p[0]);
      uint32_t vl;
      std::memcpy(&vl, p + 1 + kl, 4);
      if (kl == n && (n == 0 || (p[1] == key[0] && same_text({p + 1, n}, key)))) return {p + 5 + kl, vl};
      p += 5 + kl + vl;
    }
    return {};
  }
  // The non-empty value of the first of `keys` (in that order of preference) the fields have;
  // empty when none has one. One pass over the buffer, with no entry decoded in full.
  std::string_view preferred(std::initializer_list<std::string_view> keys) const {
    std::string_view best;
    size_t rank = keys.size();  // of `best`
    const char* p = buf_.data();
    const char* end = p + buf_.size();
    while (p < end) {
      size_t kl = static_cast<unsigned char>(p[0]);
      uint32_t vl;
      std::memcpy(&vl, p + 1 + kl, 4);
      if (vl != 0) {
        size_t r = 0;
        for (std::string_view k : keys) {
          if (r >= rank) break;
          if (kl == k.size() && (kl == 0 || (p[1] == k[0] && same_text({p + 1, kl}, k)))) {
            rank = r;
            best = {p + 5 + kl, vl};
            break;
          }
          ++r;
        }
        if (rank == 0) break;
      }
      p += 5 + kl + vl;
    }
    return best;
  }
  bool has(std::string_view key) const {
    for (const auto& [k, v] : *this)
      if (k == key) return true;
    return false;
  }
  // Replaces the value of `key` or appends it. `value` may point into this object.
  void set(std::string_view key, std::string_view value) {
    if (aliases(value)) return set(key, std::string(value));
    for (auto it = begin(); it != end(); ++it) {
      if (it->first != key) continue;
      size_t at = static_cast<size_t>(it->second.data() - buf_.data());
      size_t old = it->second.size();
      uint32_t vl = static_cast<uint32_t>(value.size());
      std::memcpy(&buf_[at - 4], &vl, 4);
      buf_.replace(at, old, value.data(), value.size());
      return;
    }
    emplace_back(key, value);
  }
  // Replaces all fields by entries[0..n) in that order (keys distinct, as `set` keeps them):
  // one pass and at most one allocation, for a field list built elsewhere.
  void assign(const Entry* entries, size_t n);
  // Appends without looking for `key` (the caller knows it is new).
  void emplace_back(std::string_view key, std::string_view value) {
    if (aliases(value) || aliases(key)) return emplace_back(std::string(key), std::string(value));
    if (key.size() > 255) key = key.substr(0, 255);
    uint32_t vl = static_cast<uint32_t>(value.size());
    buf_.push_back(static_cast<char>(static_cast<unsigned char>(key.size())));
    buf_.append(key.data(), key.size());
    buf_.append(reinterpret_cast<const char*>(&vl), 4);
    buf_.append(value.data(), value.size());
  }

 private:
  bool aliases(std::string_view v) const {
    return !v.empty() && v.data() >= buf_.data() && v.data() < buf_.data() + buf_.size();
  }
  std::string buf_;
};

struct Event {
  EventKind kind = EventKind::IsakmpOther;
  Provenance where;
  std::string device;      // hostname when known
  Stamp stamp;
  int64_t seq = -1;        // the line's `service sequence-numbers` number ("000123:"), -1 if none
  std::string text;        // folded record body without prefix (what the user reads)
  int conn_id = -1;        // ISAKMP connection id from the header ("ISAKMP:(1001):"), -1 if none
  int pattern = -1;        // index of the pattern that recognised it (-1: produced by the model)
  Fields fields;           // named captures + key=value fields

  std::string_view get(std::string_view key) const { return fields.get(key); }
  bool has(std::string_view key) const { return fields.has(key); }
  void set(std::string_view key, std::string_view value) { fields.set(key, value); }
};

}  // namespace ipsecdoc
