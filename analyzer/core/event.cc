#include "core/event.h"

#include <algorithm>
#include <array>

namespace ipsecdoc {
namespace {
struct KindInfo { std::string_view name; int phase; char sig; };
constexpr std::array<KindInfo, static_cast<size_t>(EventKind::Count_)> kKinds{{
#define EVENT(e, name, phase, sig) {name, phase, sig},
#include "core/event_kinds.def"
#undef EVENT
}};
}  // namespace

std::string_view event_kind_name(EventKind k) { return kKinds[static_cast<size_t>(k)].name; }
int event_kind_phase(EventKind k) { return kKinds[static_cast<size_t>(k)].phase; }
bool event_kind_is_failure(EventKind k) { return kKinds[static_cast<size_t>(k)].sig == 'f'; }
bool event_kind_is_noise(EventKind k) { return kKinds[static_cast<size_t>(k)].sig == 'n'; }

void Fields::assign(const Entry* entries, size_t n) {
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    if (aliases(entries[i].first) || aliases(entries[i].second)) {  // views of this buffer: encode a copy
      Fields copy;
      copy.assign(entries, n);
      buf_.swap(copy.buf_);
      return;
    }
    bytes += 5 + std::min<size_t>(entries[i].first.size(), 255) + entries[i].second.size();
  }
  buf_.clear();
  buf_.resize(bytes);
  char* p = buf_.data();
  for (size_t i = 0; i < n; ++i) {
    std::string_view k = entries[i].first.substr(0, 255), v = entries[i].second;
    auto vl = static_cast<uint32_t>(v.size());
    *p++ = static_cast<char>(static_cast<unsigned char>(k.size()));
    if (!k.empty()) std::memcpy(p, k.data(), k.size());
    p += k.size();
    std::memcpy(p, &vl, 4);
    p += 4;
    if (!v.empty()) std::memcpy(p, v.data(), v.size());
    p += v.size();
  }
}

std::optional<EventKind> event_kind_from_name(std::string_view name) {
  for (size_t i = 0; i < kKinds.size(); ++i)
    if (kKinds[i].name == name) return static_cast<EventKind>(i);
  return std::nullopt;
}

}  // namespace ipsecdoc
