#include "console/sign_in_challenges.h"

#include <gtest/gtest.h>

namespace gatehouse::console {
namespace {

PendingSignIn Pending(SignInStep step) {
  PendingSignIn p;
  p.check.principal = {"111122223333", "alice", "AIDAALICE",
                       "arn:aws:iam::111122223333:user/alice"};
  p.check.mfa_serial = "arn:aws:iam::111122223333:mfa/alice";
  p.step = step;
  return p;
}

TEST(SignInChallengesTest, EachChallengeIsTakenOnceAtItsStep) {
  SystemRandom random;
  SignInChallenges challenges(random);
  std::string c = challenges.Issue(Pending(SignInStep::kMfa), 0);
  EXPECT_EQ(c.size(), 64u);
  auto taken = challenges.Take(c, SignInStep::kMfa, 1);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->check.principal.user_name, "alice");
  EXPECT_FALSE(challenges.Take(c, SignInStep::kMfa, 2));

  std::string other = challenges.Issue(Pending(SignInStep::kMfa), 0);
  EXPECT_FALSE(challenges.Take(other, SignInStep::kNewPassword, 1));  // wrong step spends it
  EXPECT_FALSE(challenges.Take(other, SignInStep::kMfa, 1));
}

TEST(SignInChallengesTest, ExpireAfterFiveMinutes) {
  SystemRandom random;
  SignInChallenges challenges(random);
  std::string c = challenges.Issue(Pending(SignInStep::kNewPassword), 0);
  EXPECT_FALSE(challenges.Take(c, SignInStep::kNewPassword, SignInChallenges::kLifetimeMs));
  std::string d = challenges.Issue(Pending(SignInStep::kNewPassword), 0);
  EXPECT_TRUE(challenges.Take(d, SignInStep::kNewPassword, SignInChallenges::kLifetimeMs - 1));
  EXPECT_FALSE(challenges.Take("not a challenge", SignInStep::kNewPassword, 0));
}

}  // namespace
}  // namespace gatehouse::console
