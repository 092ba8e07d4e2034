#include "auth/failure_backoff.h"

#include <gtest/gtest.h>

namespace gatehouse::auth {
namespace {

TEST(FailureBackoffTest, FreeFailuresThenDoublingDelays) {
  FailureBackoff t;
  int64_t now = 1000000;
  for (int i = 0; i < FailureBackoff::kDefaultFreeFailures; ++i) {
    ASSERT_TRUE(t.Allowed("k", now));
    t.Failed("k", now);
  }
  EXPECT_FALSE(t.Allowed("k", now));
  EXPECT_FALSE(t.Allowed("k", now + 4999));
  EXPECT_EQ(t.WaitMs("k", now + 4000), 1000);
  EXPECT_TRUE(t.Allowed("k", now + 5000));
  t.Failed("k", now + 5000);
  EXPECT_FALSE(t.Allowed("k", now + 14999));
  EXPECT_TRUE(t.Allowed("k", now + 15000));  // 10 s after the sixth failure
  EXPECT_TRUE(t.Allowed("other", now));      // keys are counted apart
}

TEST(FailureBackoffTest, DelayIsCappedAndForgotten) {
  FailureBackoff t;
  int64_t now = 0;
  for (int i = 0; i < 40; ++i) t.Failed("k", now);
  EXPECT_FALSE(t.Allowed("k", now + FailureBackoff::kMaxDelayMs - 1));
  EXPECT_TRUE(t.Allowed("k", now + FailureBackoff::kMaxDelayMs));
  t.Failed("k", now + FailureBackoff::kMaxDelayMs);
  EXPECT_TRUE(t.Allowed("k", now + FailureBackoff::kMaxDelayMs + FailureBackoff::kForgetAfterMs));
}

TEST(FailureBackoffTest, SuccessClears) {
  FailureBackoff t;
  for (int i = 0; i < 10; ++i) t.Failed("k", 0);
  EXPECT_FALSE(t.Allowed("k", 1));
  t.Succeeded("k");
  EXPECT_TRUE(t.Allowed("k", 1));
}

TEST(FailureBackoffTest, FreeFailuresAreAParameter) {
  FailureBackoff t(30);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(t.Allowed("ip:10.0.0.1", 0)) << i;
    t.Failed("ip:10.0.0.1", 0);
  }
  EXPECT_FALSE(t.Allowed("ip:10.0.0.1", 0));
}

}  // namespace
}  // namespace gatehouse::auth
