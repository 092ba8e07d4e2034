#include "auth/password_throttle.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/failure_backoff.h"

namespace gatehouse::auth {
namespace {

const std::string kVictim = UserThrottleKey("111122223333", "Alice");

TEST(PasswordThrottleTest, KeysIgnoreCase) {
  EXPECT_EQ(UserThrottleKey("111122223333", "ALICE"), kVictim);
  EXPECT_EQ(RootThrottleKey("Root@Example.com"), RootThrottleKey("root@example.com"));
  EXPECT_NE(RootThrottleKey("a@example.com"), UserThrottleKey("a@example.com", ""));
}

TEST(PasswordThrottleTest, AGuesserWaitsAtItsOwnAddressOnly) {
  MemoryThrottleCounts counts;
  PasswordThrottle t(counts);
  const int64_t now = 1000000;
  for (int i = 0; i < PasswordThrottle::kPairFreeFailures; ++i) {
    ASSERT_TRUE(t.Admit(kVictim, "ip:attacker", now).allowed) << i;
    ASSERT_TRUE(t.Failed(kVictim, "ip:attacker", now).ok());
  }
  ThrottleDecision d = t.Admit(kVictim, "ip:attacker", now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, FailureBackoff::kFirstDelayMs);
  // The user, from anywhere else, is not slowed at all.
  EXPECT_TRUE(t.Admit(kVictim, "ip:victim", now).allowed);
  // Nor is anyone else at the guesser's address.
  EXPECT_TRUE(t.Admit(UserThrottleKey("111122223333", "bob"), "ip:attacker", now).allowed);
  EXPECT_TRUE(t.Admit(kVictim, "ip:attacker", now + FailureBackoff::kFirstDelayMs).allowed);
}

TEST(PasswordThrottleTest, AnAddressSprayingManyNamesWaits) {
  MemoryThrottleCounts counts;
  PasswordThrottle t(counts);
  for (int i = 0; i < PasswordThrottle::kAddressFreeFailures; ++i) {
    const std::string user = UserThrottleKey("111122223333", "user" + std::to_string(i));
    ASSERT_TRUE(t.Admit(user, "ip:sprayer", 0).allowed) << i;
    ASSERT_TRUE(t.Failed(user, "ip:sprayer", 0).ok());
  }
  EXPECT_FALSE(t.Admit(UserThrottleKey("111122223333", "fresh"), "ip:sprayer", 0).allowed);
  EXPECT_TRUE(t.Admit(UserThrottleKey("111122223333", "fresh"), "ip:other", 0).allowed);
}

// Many addresses guessing at one principal meet its ceiling: one attempt per interval for the
// addresses it has never signed in from — slowed, never shut out.
TEST(PasswordThrottleTest, TheCeilingSlowsDistributedGuessingButNeverLocksOut) {
  MemoryThrottleCounts counts;
  PasswordThrottle t(counts);
  int64_t now = 5000000;
  ASSERT_TRUE(t.Succeeded(kVictim, "ip:home", now).ok());  // the user's usual address
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures; ++i) {
    const std::string bot = "ip:bot" + std::to_string(i);
    ASSERT_TRUE(t.Admit(kVictim, bot, now).allowed) << i;
    ASSERT_TRUE(t.Failed(kVictim, bot, now).ok());
  }
  // Now a new address gets one attempt, the next must wait at most the interval.
  EXPECT_TRUE(t.Admit(kVictim, "ip:bot-a", now).allowed);
  ASSERT_TRUE(t.Failed(kVictim, "ip:bot-a", now).ok());
  ThrottleDecision d = t.Admit(kVictim, "ip:traveller", now + 1);
  EXPECT_FALSE(d.allowed);
  EXPECT_GT(d.retry_after_ms, 0);
  EXPECT_LE(d.retry_after_ms, PasswordThrottle::kCeilingIntervalMs);
  // The user's known address is not held by the ceiling.
  EXPECT_TRUE(t.Admit(kVictim, "ip:home", now + 1).allowed);
  // However long the attack goes on — a failure every interval, each from a new address, at
  // the very start of the slot — the user from a new address gets in within two intervals.
  for (int round = 0; round < 1000; ++round) {
    now += PasswordThrottle::kCeilingIntervalMs;
    const std::string bot = "ip:bot-r" + std::to_string(round);
    ASSERT_TRUE(t.Admit(kVictim, bot, now).allowed) << round;
    ASSERT_TRUE(t.Failed(kVictim, bot, now).ok());
  }
  const int64_t arrived = now + 1;
  int64_t at = arrived;
  ThrottleDecision user = t.Admit(kVictim, "ip:traveller", at);
  if (!user.allowed) {
    at += user.retry_after_ms;
    user = t.Admit(kVictim, "ip:traveller", at);
  }
  EXPECT_TRUE(user.allowed);
  EXPECT_LE(at - arrived, PasswordThrottle::kCeilingIntervalMs);
  ASSERT_TRUE(t.Succeeded(kVictim, "ip:traveller", at).ok());
  // Signed in once, that address is known: no more ceiling for it.
  EXPECT_TRUE(t.Admit(kVictim, "ip:traveller", at + 1).allowed);
}

TEST(PasswordThrottleTest, TheCeilingEndsWithItsWindow) {
  MemoryThrottleCounts counts;
  PasswordThrottle t(counts);
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures + 5; ++i) {
    ASSERT_TRUE(t.Failed(kVictim, "ip:bot" + std::to_string(i), 0).ok());
  }
  EXPECT_TRUE(t.Admit(kVictim, "ip:new", 1).allowed);
  EXPECT_FALSE(t.Admit(kVictim, "ip:new2", 2).allowed);
  EXPECT_TRUE(t.Admit(kVictim, "ip:new2", PasswordThrottle::kPrincipalWindowMs).allowed);
  EXPECT_TRUE(t.Admit(kVictim, "ip:new3", PasswordThrottle::kPrincipalWindowMs + 1).allowed);
}

TEST(PasswordThrottleTest, SuccessClearsThePairButNotThePrincipal) {
  MemoryThrottleCounts counts;
  PasswordThrottle t(counts);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(t.Failed(kVictim, "ip:a", 0).ok());
  EXPECT_FALSE(t.Admit(kVictim, "ip:a", 1).allowed);
  ASSERT_TRUE(t.Succeeded(kVictim, "ip:a", 1).ok());
  EXPECT_TRUE(t.Admit(kVictim, "ip:a", 2).allowed);
}

}  // namespace
}  // namespace gatehouse::auth
