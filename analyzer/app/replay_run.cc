#include "app/replay_run.h"

#include <set>

#include <fmt/format.h>

#include "model/render.h"

namespace ipsecdoc {
namespace {



}  // namespace

std::vector<std::pair<std::string, model::Trigger>> representative_traffic(const std::vector<DeviceConfig>& devices) {
  std::vector<std::pair<std::string, model::Trigger>> out;
  std::set<std::tuple<std::string, uint32_t, uint32_t, uint8_t, uint16_t>> seen;
  for (const auto& d : devices) {
    for (const auto& [name, map] : d.crypto_maps) {
      for (const auto& e : map.entries) {
        if (e.is_dynamic_ref() || e.in_dynamic_map || e.acl.empty()) continue;
        const Acl* acl = d.acl(e.acl);
        if (!acl) continue;
        for (const auto& ace : acl->aces) {
          if (!ace.permit()) continue;
          auto px = ace.proxies();
          if (!px) continue;
          model::Trigger t;
          t.src = px->first.first_host();
          t.dst = px->second.first_host();
          t.proto = static_cast<uint8_t>(px->first.proto);
          t.port = px->second.port;
          t.sport = px->first.port;  // `permit tcp A eq 443 B`: replies of a server
          if (seen.emplace(d.hostname, t.src, t.dst, t.proto, t.port).second) out.emplace_back(d.hostname, t);
        }
      }
    }
  }
  return out;
}

nlohmann::json run_replay(const std::vector<DeviceConfig>& devices, const ReplayRequest& req) {
  std::vector<const DeviceConfig*> ptrs;
  for (const auto& d : devices) ptrs.push_back(&d);
  std::vector<std::pair<std::string, model::Trigger>> triggers;
  if (req.traffic) triggers.emplace_back(req.from_device, *req.traffic);
  else triggers = representative_traffic(devices);
  nlohmann::json dirs = nlohmann::json::array();
  for (const auto& [from, t] : triggers) {
    model::ReplayResult r = model::replay(ptrs, t, from);
    nlohmann::json logs = nlohmann::json::object();
    for (const std::string& dev : {r.initiator, r.responder})
      if (!dev.empty()) logs[dev] = model::render(r, dev, req.dialect);
    dirs.push_back({{"initiator", r.initiator},
                    {"responder", r.responder},
                    {"trigger", model::trigger_text(t)},
                    {"outcome", r.outcome},
                    {"failure", r.failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.failure)},
                    {"failing_check", r.failing_check},
                    {"initiator_entry", r.initiator_entry},
                    {"responder_entry", r.responder_entry},
                    {"transform", r.transform},
                    {"notes", r.notes},
                    {"logs", logs}});
  }
  return {{"schema", "ipsec-doctor/1"}, {"dialect", model::dialect_name(req.dialect)}, {"directions", dirs}};
}

}  // namespace ipsecdoc
