// Work the analysis thread hands to whichever thread is idle. The jobs are the replays of
// log findings: pure, about a millisecond each, and a tenth of a large capture's CPU. The
// ingest thread runs them while it would otherwise wait for the analysis thread (its
// hand-over queue is full) and after the input ends; the analysis thread runs what is left.
// Which thread runs a job changes nothing: each job writes only its own result.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>

namespace ipsecdoc {

class Jobs {
 public:
  using Job = std::function<void()>;
  // At most `max_waiting` jobs wait (each holds a copy of a negotiation): past that, add()
  // runs the oldest on the calling thread first, so memory stays bounded.
  explicit Jobs(size_t max_waiting = 32) : max_waiting_(max_waiting) {}

  // Analysis thread.
  void add(Job job);
  // Any thread: runs one waiting job; false when none waits.
  bool run_one();
  // Any thread other than the analysis thread: runs jobs as they come until stop().
  void help_until_stopped();
  // Analysis thread: runs or waits for every job added so far; rethrows the first exception
  // a job threw. Then stops the helpers: jobs added later run at once on the caller.
  void finish();
  // Stops the helpers without running what waits (the analysis thread gave up).
  void stop();
  // Called (on the adding thread) after a job was queued: a thread that runs jobs while it
  // waits for something else is woken by its own condition.
  void on_add(std::function<void()> f) { on_add_ = std::move(f); }

 private:
  size_t max_waiting_;
  std::mutex m_;
  std::condition_variable changed_;
  std::deque<Job> waiting_;
  size_t running_ = 0;
  bool stopped_ = false;
  std::exception_ptr failure_;
  std::function<void()> on_add_;
};

}  // namespace ipsecdoc
