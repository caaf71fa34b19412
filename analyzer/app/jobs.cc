#include "app/jobs.h"

#include <utility>

namespace ipsecdoc {

void Jobs::add(Job job) {
  {
    std::unique_lock<std::mutex> lk(m_);
    if (stopped_) {
      lk.unlock();
      job();
      return;
    }
    if (waiting_.size() >= max_waiting_) {
      lk.unlock();
      run_one();  // full: the oldest runs here, then this one waits in its place
      lk.lock();
    }
    waiting_.push_back(std::move(job));
    changed_.notify_all();
  }
  if (on_add_) on_add_();
}

bool Jobs::run_one() {
  Job job;
  {
    std::lock_guard<std::mutex> lk(m_);
    if (waiting_.empty()) return false;
    job = std::move(waiting_.front());
    waiting_.pop_front();
    ++running_;
  }
  std::exception_ptr failed;
  try {
    job();
  } catch (...) {
    failed = std::current_exception();
  }
  std::lock_guard<std::mutex> lk(m_);
  if (failed && !failure_) failure_ = failed;
  --running_;
  changed_.notify_all();
  return true;
}

void Jobs::help_until_stopped() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(m_);
      changed_.wait(lk, [&] { return stopped_ || !waiting_.empty(); });
      if (stopped_) return;
    }
    run_one();
  }
}

void Jobs::finish() {
  while (run_one()) {
  }
  std::unique_lock<std::mutex> lk(m_);
  changed_.wait(lk, [&] { return running_ == 0; });
  stopped_ = true;
  changed_.notify_all();
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void Jobs::stop() {
  std::lock_guard<std::mutex> lk(m_);
  stopped_ = true;
  changed_.notify_all();
}

}  // namespace ipsecdoc
