#include "auth/failure_backoff.h"

#include <gtest/gtest.h>

namespace gatehouse::auth {
namespace {

TEST(FailureBackoffTest, FreeFailuresThenDoublingDelays) {
  for (int64_t failures = 0; failures < 5; ++failures) {
    EXPECT_EQ(FailureBackoff::DelayAfter(5, failures), 0) << failures;
  }
  EXPECT_EQ(FailureBackoff::DelayAfter(5, 5), 5000);
  EXPECT_EQ(FailureBackoff::DelayAfter(5, 6), 10000);
  EXPECT_EQ(FailureBackoff::DelayAfter(5, 7), 20000);
  EXPECT_EQ(FailureBackoff::DelayAfter(30, 29), 0);
  EXPECT_EQ(FailureBackoff::DelayAfter(30, 30), 5000);
}

// However many failures, the wait stops at 15 minutes (and the shift cannot overflow).
TEST(FailureBackoffTest, DelayIsCapped) {
  EXPECT_EQ(FailureBackoff::DelayAfter(5, 13), FailureBackoff::kMaxDelayMs);
  EXPECT_EQ(FailureBackoff::DelayAfter(5, 1000000), FailureBackoff::kMaxDelayMs);
  EXPECT_EQ(FailureBackoff::DelayAfter(0, INT64_MAX), FailureBackoff::kMaxDelayMs);
}

}  // namespace
}  // namespace gatehouse::auth
