// app/jobs: the replays of log findings run on whichever thread is idle. Every job runs
// exactly once, finish() returns only when all are done, a job's exception reaches the
// analysis thread, and memory stays bounded (add() runs the oldest itself when full).
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "app/jobs.h"

using namespace ipsecdoc;

TEST_CASE("jobs: every job runs once, on the helper or the adder, and finish waits for all") {
  Jobs jobs(4);
  std::vector<std::atomic<int>> ran(500);
  std::atomic<int> by_helper{0};
  std::thread helper([&] { jobs.help_until_stopped(); });
  const auto adder = std::this_thread::get_id();
  for (size_t i = 0; i < ran.size(); ++i)
    jobs.add([&, i] {
      ++ran[i];
      if (std::this_thread::get_id() != adder) ++by_helper;
    });
  jobs.finish();
  for (size_t i = 0; i < ran.size(); ++i) REQUIRE(ran[i] == 1);
  helper.join();  // finish() stopped it
  MESSAGE("jobs run by the helper: ", by_helper.load());
  // after finish, a job runs at once on the caller
  int late = 0;
  jobs.add([&] { ++late; });
  CHECK(late == 1);
}

TEST_CASE("jobs: without a helper, add() keeps at most max_waiting jobs and finish() runs the rest") {
  Jobs jobs(3);
  std::vector<int> order;
  for (int i = 0; i < 10; ++i) {
    jobs.add([&, i] { order.push_back(i); });
    CHECK(order.size() == static_cast<size_t>(std::max(0, i + 1 - 3)));  // the oldest ran when full
  }
  jobs.finish();
  REQUIRE(order.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(order[i] == i);  // oldest first
}

TEST_CASE("jobs: a job's exception reaches finish(), after the other jobs ran") {
  Jobs jobs(8);
  int ran = 0;
  jobs.add([&] { ++ran; });
  jobs.add([] { throw std::runtime_error("replay failed"); });
  jobs.add([&] { ++ran; });
  CHECK_THROWS_WITH_AS(jobs.finish(), "replay failed", std::runtime_error);
  CHECK(ran == 2);
}

TEST_CASE("jobs: stop() releases a waiting helper without running what waits") {
  Jobs jobs(8);
  std::thread helper([&] { jobs.help_until_stopped(); });
  jobs.stop();
  helper.join();  // would hang if stop() did not wake it
  int ran = 0;
  jobs.add([&] { ++ran; });  // stopped: runs here
  CHECK(ran == 1);
}
