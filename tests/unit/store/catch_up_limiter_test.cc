// The limiter of catch-ups on a directory miss: one per interval, whatever the callers.
#include "store/catch_up_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store_backends.h"

namespace gatehouse::store {
namespace {

TEST(CatchUpLimiterTest, LetsOneCatchUpThroughPerInterval) {
  auto store = SqliteStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  State state(**store);
  ASSERT_TRUE(state.Load().ok());
  CatchUpLimiter limiter(/*every_ms=*/60'000);
  std::atomic<int> through{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 100; ++i) through += limiter.CatchUp(state) ? 1 : 0;
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(through.load(), 1);

  CatchUpLimiter every_time(/*every_ms=*/0);
  EXPECT_TRUE(every_time.CatchUp(state));
  EXPECT_TRUE(every_time.CatchUp(state));
}

}  // namespace
}  // namespace gatehouse::store
