#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace gatehouse {
namespace {

// A gate the tasks wait at until the test opens it.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return open; });
  }
  void Open() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(WorkerPoolTest, RunsEveryTaskOffTheCallingThread) {
  std::atomic<int> ran{0};
  std::atomic<bool> on_caller{false};
  const auto caller = std::this_thread::get_id();
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&] {
        if (std::this_thread::get_id() == caller) on_caller = true;
        ++ran;
      }));
    }
  }  // the destructor finishes the queue
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(on_caller);
}

TEST(WorkerPoolTest, RefusesBeyondTheQueueBound) {
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> ran{0};
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.TrySubmit([&] {
    ++started;
    gate.Wait();
    ++ran;
  }));
  while (started == 0) std::this_thread::yield();  // the one thread is busy
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // full: refused at once, nothing queued
  EXPECT_EQ(pool.queued(), 2u);
  gate.Open();
  while (pool.queued() > 0 || ran < 3) std::this_thread::yield();
  EXPECT_EQ(ran, 3);
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));  // room again
}

TEST(WorkerPoolTest, RunsAtMostItsThreadsAtOnce) {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  {
    WorkerPool pool(3, 1000);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&] {
        int now = ++running;
        int seen = most;
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        --running;
      }));
    }
  }
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 1);
}

}  // namespace
}  // namespace gatehouse
