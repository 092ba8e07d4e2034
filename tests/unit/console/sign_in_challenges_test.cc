#include "console/sign_in_challenges.h"

#include <gtest/gtest.h>

#include "shared_state.h"

namespace gatehouse::console {
namespace {

using testing_support::SharedState;

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
  SharedState db;
  SignInChallenges challenges(db.Instance(), random);
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
  SharedState db;
  SignInChallenges challenges(db.Instance(), random);
  std::string c = challenges.Issue(Pending(SignInStep::kNewPassword), 0);
  EXPECT_FALSE(challenges.Take(c, SignInStep::kNewPassword, SignInChallenges::kLifetimeMs));
  std::string d = challenges.Issue(Pending(SignInStep::kNewPassword), 0);
  EXPECT_TRUE(challenges.Take(d, SignInStep::kNewPassword, SignInChallenges::kLifetimeMs - 1));
  EXPECT_FALSE(challenges.Take("not a challenge", SignInStep::kNewPassword, 0));
}

// The next step may reach another instance: it finds the challenge, and a challenge answered on
// two instances is taken by one of them only.
TEST(SignInChallengesTest, AChallengeIsTakenOnceAcrossInstances) {
  SystemRandom random;
  SharedState db;
  store::State& state_a = db.Instance();
  store::State& state_b = db.Instance();
  SignInChallenges a(state_a, random);
  SignInChallenges b(state_b, random);
  std::string c = a.Issue(Pending(SignInStep::kMfa), 0);
  ASSERT_TRUE(*state_b.CatchUp());  // both directories hold it
  auto taken = b.Take(c, SignInStep::kMfa, 1);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->check.mfa_serial, "arn:aws:iam::111122223333:mfa/alice");
  EXPECT_FALSE(a.Take(c, SignInStep::kMfa, 1));  // a's copy is stale: the store refuses it

  std::string d = b.Issue(Pending(SignInStep::kNewPassword), 0);
  EXPECT_TRUE(a.Take(d, SignInStep::kNewPassword, 1));  // a catches up to find it
}

}  // namespace
}  // namespace gatehouse::console
