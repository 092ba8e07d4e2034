#include "auth/counted_backoff.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/failure_backoff.h"

namespace gatehouse::auth {
namespace {

constexpr int64_t kNow = 1795935600000;

// Counts that cannot be written, as the store's while the database is unreachable.
class UnwritableCounts final : public ThrottleCounts {
 public:
  std::shared_ptr<const model::ThrottleCount> Get(const std::string& key) const override {
    return counts.Get(key);
  }
  Status Update(const std::vector<std::string>&, const Change&) override {
    return Status(ErrorCode::kServiceUnavailable, "The database is unreachable.");
  }
  void Sweep(int64_t) override {}

  MemoryThrottleCounts counts;
};

TEST(CountedBackoffTest, FreeEventsThenWaitsThatDouble) {
  MemoryThrottleCounts counts;
  CountedBackoff limit(counts, 3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(limit.WaitMs("reset:192.0.2.1", kNow), 0) << i;
    ASSERT_TRUE(limit.Count("reset:192.0.2.1", kNow).ok());
  }
  EXPECT_EQ(limit.WaitMs("reset:192.0.2.1", kNow), FailureBackoff::kFirstDelayMs);
  EXPECT_EQ(limit.WaitMs("reset:192.0.2.1", kNow + 1000), FailureBackoff::kFirstDelayMs - 1000);
  // Another name, and the same address for another limit, are not slowed.
  EXPECT_EQ(limit.WaitMs("reset:192.0.2.2", kNow), 0);
  EXPECT_EQ(limit.WaitMs("signup:192.0.2.1", kNow), 0);
  const int64_t later = kNow + FailureBackoff::kFirstDelayMs;
  EXPECT_EQ(limit.WaitMs("reset:192.0.2.1", later), 0);
  ASSERT_TRUE(limit.Count("reset:192.0.2.1", later).ok());
  EXPECT_EQ(limit.WaitMs("reset:192.0.2.1", later), 2 * FailureBackoff::kFirstDelayMs);
}

TEST(CountedBackoffTest, CountsAreForgottenAnHourAfterTheLastEvent) {
  MemoryThrottleCounts counts;
  CountedBackoff limit(counts, 1);
  ASSERT_TRUE(limit.Count("signup:192.0.2.1", kNow).ok());
  ASSERT_TRUE(limit.Count("signup:192.0.2.1", kNow).ok());
  EXPECT_EQ(limit.WaitMs("signup:192.0.2.1", kNow), 2 * FailureBackoff::kFirstDelayMs);
  const int64_t hour_later = kNow + FailureBackoff::kForgetAfterMs;
  EXPECT_EQ(limit.WaitMs("signup:192.0.2.1", hour_later), 0);
  // The next event starts a new count: the first wait again, not a doubled one.
  ASSERT_TRUE(limit.Count("signup:192.0.2.1", hour_later).ok());
  EXPECT_EQ(limit.WaitMs("signup:192.0.2.1", hour_later), FailureBackoff::kFirstDelayMs);
  auto stored = counts.Get(CountedBackoff::KeyOf("signup:192.0.2.1"));
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->failures, 1);
  EXPECT_EQ(stored->expires_ms, hour_later + FailureBackoff::kForgetAfterMs);
  // Expired counts are swept.
  counts.Sweep(hour_later + FailureBackoff::kForgetAfterMs);
  EXPECT_EQ(counts.Get(CountedBackoff::KeyOf("signup:192.0.2.1")), nullptr);
}

// A name from the request (an address a proxy passed on) never makes a key longer than a bound.
TEST(CountedBackoffTest, KeysStayBoundedWhateverTheName) {
  const std::string long_name = "reset:" + std::string(100000, 'a');
  const std::string key = CountedBackoff::KeyOf(long_name);
  EXPECT_LE(key.size(), std::string("event/sha256:").size() + 64);
  EXPECT_NE(key, CountedBackoff::KeyOf(long_name + "b"));
  EXPECT_NE(CountedBackoff::KeyOf("reset:\n1"), CountedBackoff::KeyOf("reset: 1"));
  EXPECT_EQ(CountedBackoff::KeyOf("reset:192.0.2.1"), "event/reset:192.0.2.1");
}

// An event that cannot be counted is refused by the caller, and leaves the count as it was.
TEST(CountedBackoffTest, AnEventThatCannotBeCountedIsAnError) {
  UnwritableCounts counts;
  CountedBackoff limit(counts, 30);
  Status s = limit.Count("reset:192.0.2.1", kNow);
  EXPECT_EQ(s.code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(counts.Get(CountedBackoff::KeyOf("reset:192.0.2.1")), nullptr);
}

}  // namespace
}  // namespace gatehouse::auth
