#include "core/event.h"

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

std::optional<EventKind> event_kind_from_name(std::string_view name) {
  for (size_t i = 0; i < kKinds.size(); ++i)
    if (kKinds[i].name == name) return static_cast<EventKind>(i);
  return std::nullopt;
}

}  // namespace ipsecdoc
