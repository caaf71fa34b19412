// Model speed (issue #4 "Speed"): time of one replay of a two-router scenario, over generated
// scenarios (clean and with each fault), median and 99th percentile in microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "model/model.h"
#include "model/scenario_gen.h"

using namespace ipsecdoc;

int main(int argc, char** argv) {
  int seeds = argc > 1 ? std::atoi(argv[1]) : 300;
  std::vector<model::Scenario> scenarios;
  const auto& faults = model::scenario_fault_ids();
  for (int s = 1; s <= seeds; ++s) {
    scenarios.push_back(model::generate_scenario(static_cast<uint64_t>(s), {}));
    scenarios.push_back(model::generate_scenario(static_cast<uint64_t>(s), {faults[static_cast<size_t>(s) % faults.size()]}));
  }
  std::vector<double> us;
  size_t events = 0;
  for (int rep = 0; rep < 5; ++rep)
    for (const auto& sc : scenarios) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = model::replay(sc.devices(), sc.trigger, sc.initiator);
      auto t1 = std::chrono::steady_clock::now();
      events += r.trace.size();
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  std::sort(us.begin(), us.end());
  std::printf("model replay: %zu replays of %zu two-router scenarios, median %.1f us, p99 %.1f us, %.0f trace events/replay\n",
              us.size(), scenarios.size(), us[us.size() / 2], us[us.size() * 99 / 100],
              static_cast<double>(events) / static_cast<double>(us.size()));
  std::printf("goal: one replay well under 1 ms ............. %s\n", us[us.size() * 99 / 100] < 1000 ? "met" : "MISSED");
  return 0;
}
