// Seeded generator of random but valid crypto-map peer pairs (IOS running-config text), with
// injected faults, for property tests of the model and, later, of analyze / lint / fix.
// Pure and deterministic: the same seed and faults give the same texts on every platform
// (own PRNG, no std distributions).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/model.h"

namespace ipsecdoc::model {

struct Scenario {
  uint64_t seed = 0;
  std::vector<std::string> faults;   // injected fault ids (diagnosis rule ids)
  std::string no_key_side;           // for phase1-no-key: "initiator" or "responder"
  std::string expected;              // the failure the model must report ("" = establishes)
  std::string initiator, responder;  // hostnames
  std::string initiator_text, responder_text;  // running-config text
  DeviceConfig initiator_cfg, responder_cfg;   // parsed from the texts
  Trigger trigger;

  std::vector<const DeviceConfig*> devices() const { return {&initiator_cfg, &responder_cfg}; }
  std::string describe() const;      // seed, faults, trigger and both configs (for test failures)
};

// The faults the generator can inject (the model's failure ids).
const std::vector<std::string>& scenario_fault_ids();

// A clean pair (faults empty) establishes; with faults, `expected` is the injected fault met first
// in IOS check order (phase1-no-key ranks first on the initiator, after the policy check on the
// responder). Unknown fault ids are ignored.
Scenario generate_scenario(uint64_t seed, const std::vector<std::string>& faults);

}  // namespace ipsecdoc::model
