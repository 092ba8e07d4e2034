#include "console/sign_in_throttle.h"

#include <gtest/gtest.h>

namespace gatehouse::console {
namespace {

TEST(SignInThrottleTest, FreeFailuresThenDoublingDelays) {
  SignInThrottle t;
  int64_t now = 1000000;
  for (int i = 0; i < SignInThrottle::kUserFreeFailures; ++i) {
    ASSERT_TRUE(t.Allowed("k", now));
    t.Failed("k", now);
  }
  EXPECT_FALSE(t.Allowed("k", now));
  EXPECT_FALSE(t.Allowed("k", now + 4999));
  EXPECT_TRUE(t.Allowed("k", now + 5000));
  t.Failed("k", now + 5000);
  EXPECT_FALSE(t.Allowed("k", now + 14999));
  EXPECT_TRUE(t.Allowed("k", now + 15000));  // 10 s after the sixth failure
  EXPECT_TRUE(t.Allowed("other", now));     // keys are counted apart
}

TEST(SignInThrottleTest, DelayIsCappedAndForgotten) {
  SignInThrottle t;
  int64_t now = 0;
  for (int i = 0; i < 40; ++i) t.Failed("k", now);
  EXPECT_FALSE(t.Allowed("k", now + SignInThrottle::kMaxDelayMs - 1));
  EXPECT_TRUE(t.Allowed("k", now + SignInThrottle::kMaxDelayMs));
  t.Failed("k", now + SignInThrottle::kMaxDelayMs);
  EXPECT_TRUE(t.Allowed("k", now + SignInThrottle::kMaxDelayMs + SignInThrottle::kForgetAfterMs));
}

TEST(SignInThrottleTest, SuccessClears) {
  SignInThrottle t;
  for (int i = 0; i < 10; ++i) t.Failed("k", 0);
  EXPECT_FALSE(t.Allowed("k", 1));
  t.Succeeded("k");
  EXPECT_TRUE(t.Allowed("k", 1));
}

TEST(SignInThrottleTest, AddressesGetMoreFreeFailures) {
  SignInThrottle t(SignInThrottle::kAddressFreeFailures);
  for (int i = 0; i < SignInThrottle::kAddressFreeFailures; ++i) {
    ASSERT_TRUE(t.Allowed("ip:10.0.0.1", 0)) << i;
    t.Failed("ip:10.0.0.1", 0);
  }
  EXPECT_FALSE(t.Allowed("ip:10.0.0.1", 0));
}

}  // namespace
}  // namespace gatehouse::console
