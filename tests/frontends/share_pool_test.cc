// SharePool runs the shares of one piece of work on its helpers and the calling thread.
#include "frontends/share_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

namespace veil::frontends {
namespace {

TEST(SharePoolTest, RunsEveryShareOnceAndReturnsWhenAllAreDone) {
  SharePool pool(2);
  for (unsigned count : {1u, 2u, 3u, 8u}) {
    std::mutex mutex;
    std::multiset<unsigned> ran;
    std::set<std::thread::id> threads;
    pool.run(count, [&](unsigned index) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      std::lock_guard lock(mutex);
      ran.insert(index);
      threads.insert(std::this_thread::get_id());
    });
    ASSERT_EQ(ran.size(), count);
    for (unsigned i = 0; i < count; ++i) EXPECT_EQ(ran.count(i), 1u) << i;
    if (count > 1) EXPECT_GT(threads.size(), 1u) << "nothing ran on a helper";
  }
}

// A share that throws must not unwind the caller while helpers still use its frame, and must
// not end the process from a helper: run() waits for all, then rethrows.
TEST(SharePoolTest, ExceptionIsRethrownAfterEveryShareFinished) {
  SharePool pool(3);
  for (unsigned thrower : {0u, 2u}) {
    std::atomic<unsigned> finished{0};
    EXPECT_THROW(pool.run(4,
                          [&](unsigned index) {
                            if (index == thrower) throw std::runtime_error("share failed");
                            std::this_thread::sleep_for(std::chrono::milliseconds(20));
                            ++finished;
                          }),
                 std::runtime_error);
    EXPECT_EQ(finished.load(), 3u) << "share " << thrower << " threw";
  }
  // The pool still works afterwards.
  std::atomic<unsigned> ran{0};
  pool.run(3, [&](unsigned) { ++ran; });
  EXPECT_EQ(ran.load(), 3u);
}

TEST(SharePoolTest, WithoutHelpersTheCallerRunsEveryShare) {
  SharePool pool(0);
  std::atomic<unsigned> ran{0};
  const auto caller = std::this_thread::get_id();
  pool.run(3, [&](unsigned) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ++ran;
  });
  EXPECT_EQ(ran.load(), 3u);
}

}  // namespace
}  // namespace veil::frontends
