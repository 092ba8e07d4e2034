// The root user's own password change: only with the current password (each wrong one counted by
// the password throttle), under the root password rules, and it spends the account's pending
// reset links.
#include "services/root_password.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "auth/password_throttle.h"
#include "services/root_recovery.h"
#include "services/stored_throttle_counts.h"
#include "temp_iam_state.h"

namespace gatehouse::services {
namespace {

using testing_support::TempIamState;

constexpr int64_t kNow = 1795935600000;
constexpr char kAccount[] = "111111111111";
constexpr char kCurrent[] = "Current-Pass-1";
constexpr char kNew[] = "Brand-New-Pass-2";

class RootPasswordTest : public ::testing::Test {
 protected:
  RootPasswordTest() : temp_(std::string(kSealKeySize, 'k'), [] { return kNow; }) {
    std::optional<std::string> hash = auth::HashPassword(kCurrent);
    EXPECT_TRUE(hash.has_value());
    store::WriteBatch batch{{store::InsertAccount{{kAccount, "one", "one@example.com", kNow}},
                             store::InsertRootUser{{kAccount, "one@example.com", *hash}}}};
    EXPECT_TRUE(temp_.state().Commit(batch).ok());
    temp_.iam().password_throttle = &throttle_;
  }

  Status Change(const std::string& current, const std::string& next) {
    return ChangeRootPassword(temp_.iam(), kAccount, "192.0.2.7", current, next);
  }
  const std::string& RootHash() {
    return temp_.state().directory().FindRoot(kAccount)->password_hash;
  }

  TempIamState temp_;
  StoredThrottleCounts counts_{temp_.state()};
  auth::PasswordThrottle throttle_{counts_};
};

TEST_F(RootPasswordTest, ChangesWithTheCurrentPasswordAndSpendsResetLinks) {
  Result<RootResetLink> link =
      IssueRootResetToken(temp_.state(), "one@example.com", temp_.random(), kNow);
  ASSERT_TRUE(link.ok());
  ASSERT_TRUE(Change(kCurrent, kNew).ok());
  EXPECT_TRUE(auth::VerifyPassword(kNew, RootHash()));
  EXPECT_FALSE(auth::VerifyPassword(kCurrent, RootHash()));
  // A link mailed for the old password no longer works.
  EXPECT_EQ(
      ConsumeRootResetToken(temp_.state(), link->token, "Third-Pass-33", kNow).status().code(),
      ErrorCode::kInvalidInput);
  EXPECT_EQ(Change(kCurrent, "Third-Pass-33").code(), ErrorCode::kAccessDenied);
}

TEST_F(RootPasswordTest, RefusesAWrongCurrentPasswordAndAWeakOrUnchangedNewOne) {
  const std::string before = RootHash();
  Status wrong = Change("not-it", kNew);
  EXPECT_EQ(wrong.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(wrong.message(), "The current password is incorrect.");
  EXPECT_EQ(Change(kCurrent, "short").code(), ErrorCode::kPasswordPolicyViolation);
  EXPECT_EQ(Change(kCurrent, "one@example.com").code(), ErrorCode::kPasswordPolicyViolation);
  EXPECT_EQ(Change(kCurrent, kCurrent).code(), ErrorCode::kPasswordPolicyViolation);
  EXPECT_EQ(RootHash(), before);
  EXPECT_EQ(ChangeRootPassword(temp_.iam(), "222222222222", "192.0.2.7", kCurrent, kNew).code(),
            ErrorCode::kNoSuchEntity);
}

TEST_F(RootPasswordTest, WrongGuessesAreThrottledLikeSignIns) {
  bool throttled = false;
  for (int i = 0; i < 20 && !throttled; ++i) {
    throttled = Change("guess-" + std::to_string(i), kNew).code() == ErrorCode::kThrottling;
  }
  EXPECT_TRUE(throttled);
  // Even the right password waits, and nothing changed.
  EXPECT_EQ(Change(kCurrent, kNew).code(), ErrorCode::kThrottling);
  EXPECT_TRUE(auth::VerifyPassword(kCurrent, RootHash()));
}

// Counts that cannot be written, as while the database is unreachable.
class UnwritableCounts final : public auth::ThrottleCounts {
 public:
  std::shared_ptr<const model::ThrottleCount> Get(const std::string&) const override {
    return nullptr;
  }
  Status Update(const std::vector<std::string>&, const Change&) override {
    return Status(ErrorCode::kServiceUnavailable, "The database is unreachable.");
  }
  void Sweep(int64_t) override {}
};

// An attempt the throttle cannot count is answered with the throttle's error, whether the
// password was right or wrong: an uncounted guess tells the guesser nothing.
TEST_F(RootPasswordTest, AnAttemptThatCannotBeCountedAnswersAlikeRightOrWrong) {
  UnwritableCounts unwritable;
  auth::PasswordThrottle throttle(unwritable);
  temp_.iam().password_throttle = &throttle;
  const std::string before = RootHash();
  EXPECT_EQ(Change("not-it", kNew).code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(Change(kCurrent, kNew).code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(RootHash(), before);
  temp_.iam().password_throttle = &throttle_;
}

}  // namespace
}  // namespace gatehouse::services
