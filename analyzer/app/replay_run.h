// `ipsec-doctor replay`: picks the traffic (given, or one packet per crypto ACL permit line
// of every paired device, both directions), replays it through the reference model and
// renders each device's debug log in the chosen dialect.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "model/model.h"

namespace ipsecdoc {

struct ReplayRequest {
  std::optional<model::Trigger> traffic;  // none: every crypto ACL permit line, both directions
  std::string from_device;
  model::Dialect dialect = model::Dialect::Ios15;
};

// The triggers the crypto ACLs imply: for each static entry's permit lines, a packet from the
// first host of the source block to the first host of the destination block.
std::vector<std::pair<std::string, model::Trigger>> representative_traffic(const std::vector<DeviceConfig>& devices);

// {"directions": [{"initiator","responder","trigger","outcome","failure","failing_check","notes","logs":{DEV:[lines]}}]}
nlohmann::json run_replay(const std::vector<DeviceConfig>& devices, const ReplayRequest& req);

}  // namespace ipsecdoc
