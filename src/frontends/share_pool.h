#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace veil::frontends {

// Helper threads that redact shares of large requests (OtlpRedactor::Share) next to the gRPC
// thread that received them, so that one big batch does not wait on one core.
class SharePool {
 public:
  explicit SharePool(unsigned helpers) {
    for (unsigned i = 0; i < helpers; ++i) threads_.emplace_back([this] { run(); });
  }
  ~SharePool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  SharePool(const SharePool&) = delete;
  SharePool& operator=(const SharePool&) = delete;

  unsigned helpers() const { return static_cast<unsigned>(threads_.size()); }

  // Runs redact_share(index) for shares 1..count-1 on the helpers and share 0 on the calling
  // thread; returns when all are done, then rethrows the first exception any of them threw.
  // Every share runs to its end whatever another throws: the helpers use this frame (the
  // request, the latch), so it must not unwind before they are done.
  template <typename RedactShare>
  void run(unsigned count, RedactShare redact_share) {
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto guarded = [&](unsigned index) noexcept {
      try {
        redact_share(index);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    };
    std::latch done(count - 1);
    std::vector<std::function<void()>> tasks;  // built before any is queued
    tasks.reserve(count - 1);
    for (unsigned index = 1; index < count; ++index)
      tasks.emplace_back([&done, &guarded, index] {
        guarded(index);
        done.count_down();
      });
    // What is not queued (no helpers, or no memory to queue it) this thread runs itself.
    size_t queued = 0;
    if (!threads_.empty()) {
      try {
        std::lock_guard lock(mutex_);
        for (; queued < tasks.size(); ++queued) tasks_.push_back(std::move(tasks[queued]));
      } catch (...) {
      }
    }
    ready_.notify_all();
    for (size_t i = queued; i < tasks.size(); ++i) tasks[i]();
    guarded(0);
    done.wait();
    if (failure) std::rethrow_exception(failure);
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace veil::frontends
