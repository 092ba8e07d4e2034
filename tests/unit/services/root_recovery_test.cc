// Root password recovery: a token sets the root password once, within its lifetime, under the
// root password rules; the store refuses a spent token even to a second State over it.
#include "services/root_recovery.h"

#include <gtest/gtest.h>

#include "auth/password.h"
#include "core/crypto.h"
#include "temp_iam_state.h"

namespace gatehouse::services {
namespace {

using testing_support::TempIamState;

constexpr int64_t kNow = 1795935600000;
constexpr char kGoodPassword[] = "Correct-Horse-42";

class RootRecoveryTest : public ::testing::Test {
 protected:
  RootRecoveryTest() : temp_(std::string(kSealKeySize, 'k'), [] { return kNow; }) {
    store::WriteBatch batch{
        {store::InsertAccount{{"111111111111", "one", "One@Example.com", kNow}},
         store::InsertRootUser{{"111111111111", "One@Example.com", "$argon2id$old"}},
         store::InsertAccount{{"222222222222", "two", "two@example.com", kNow}},
         store::InsertRootUser{{"222222222222", "two@example.com", "$argon2id$old"}}}};
    EXPECT_TRUE(temp_.state().Commit(batch).ok());
  }

  std::string Issue(const std::string& email, int64_t at = kNow) {
    Result<RootResetLink> link = IssueRootResetToken(temp_.state(), email, temp_.random(), at);
    EXPECT_TRUE(link.ok()) << link.status().message();
    return link.ok() ? link->token : "";
  }

  const std::string& RootHash(const std::string& account) {
    return temp_.state().directory().FindRoot(account)->password_hash;
  }

  TempIamState temp_;
};

TEST_F(RootRecoveryTest, IssuesForTheEmailRegardlessOfCaseAndStoresOnlyTheHash) {
  Result<RootResetLink> link =
      IssueRootResetToken(temp_.state(), "one@example.COM", temp_.random(), kNow);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->account_id, "111111111111");
  EXPECT_EQ(link->token.size(), 64u);  // 256 bits, hex
  EXPECT_EQ(temp_.state().directory().FindRootResetToken(link->token), nullptr);
  auto stored = temp_.state().directory().FindRootResetToken(HexEncode(Sha256(link->token)));
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->expires_ms, kNow + kRootResetTokenLifetimeMs);

  Result<RootResetLink> nobody =
      IssueRootResetToken(temp_.state(), "nobody@example.com", temp_.random(), kNow);
  EXPECT_EQ(nobody.status().code(), ErrorCode::kNoSuchEntity);
}

TEST_F(RootRecoveryTest, SetsThePasswordOnceAndEndsTheAccountsOtherTokens) {
  std::string first = Issue("one@example.com");
  std::string second = Issue("one@example.com");
  std::string other = Issue("two@example.com");
  Result<std::string> used = ConsumeRootResetToken(temp_.state(), first, kGoodPassword, kNow);
  ASSERT_TRUE(used.ok()) << used.status().message();
  EXPECT_EQ(*used, "111111111111");
  EXPECT_TRUE(auth::VerifyPassword(kGoodPassword, RootHash("111111111111")));
  EXPECT_EQ(RootHash("222222222222"), "$argon2id$old");

  EXPECT_EQ(ConsumeRootResetToken(temp_.state(), first, "Another-Pass-7", kNow).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(ConsumeRootResetToken(temp_.state(), second, "Another-Pass-7", kNow).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_TRUE(auth::VerifyPassword(kGoodPassword, RootHash("111111111111")));
  // Another account's token is untouched.
  EXPECT_TRUE(ConsumeRootResetToken(temp_.state(), other, kGoodPassword, kNow).ok());
}

TEST_F(RootRecoveryTest, ExpiredOrUnknownTokensAreRefusedInTheSameWords) {
  std::string token = Issue("one@example.com");
  Result<std::string> late =
      ConsumeRootResetToken(temp_.state(), token, kGoodPassword, kNow + kRootResetTokenLifetimeMs);
  Result<std::string> unknown =
      ConsumeRootResetToken(temp_.state(), std::string(64, 'a'), kGoodPassword, kNow);
  EXPECT_EQ(late.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(late.status(), unknown.status());
  EXPECT_EQ(RootHash("111111111111"), "$argon2id$old");
}

TEST_F(RootRecoveryTest, ThePasswordMustFollowTheRootPasswordRules) {
  std::string token = Issue("one@example.com");
  for (const char* weak :
       {"Sh0rt!", "alllowercaseletters", "NoDigitsOrSymbols", "one@example.com"}) {
    EXPECT_EQ(ConsumeRootResetToken(temp_.state(), token, weak, kNow).status().code(),
              ErrorCode::kPasswordPolicyViolation)
        << weak;
  }
  // A refused password leaves the token usable.
  EXPECT_TRUE(ConsumeRootResetToken(temp_.state(), token, kGoodPassword, kNow).ok());
}

TEST_F(RootRecoveryTest, TheStoreRefusesASpentTokenToAnyWriter) {
  std::string token = Issue("one@example.com");
  store::ResetRootPassword reset{HexEncode(Sha256(token)), "111111111111", "$argon2id$a"};
  EXPECT_TRUE(temp_.state().Commit({{reset}}).ok());
  // A second writer that still saw the token (another server on the same store) loses.
  EXPECT_EQ(temp_.state().Commit({{reset}}).code(), ErrorCode::kNoSuchEntity);
}

TEST_F(RootRecoveryTest, AnOrganizationThatRemovedTheCredentialsStopsRecovery) {
  const std::string earlier = Issue("one@example.com");
  model::RootRecovery blocked{"111111111111", false, kNow};
  ASSERT_TRUE(temp_.state().Commit({{store::Put<model::RootRecovery>{blocked}}}).ok());
  EXPECT_FALSE(RootMayRecover(temp_.state().directory(), "111111111111"));
  EXPECT_TRUE(RootMayRecover(temp_.state().directory(), "222222222222"));  // no record
  Result<RootResetLink> refused =
      IssueRootResetToken(temp_.state(), "one@example.com", temp_.random(), kNow);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidInput);
  // A link issued before is dead too, and the password stays as it was.
  EXPECT_EQ(ConsumeRootResetToken(temp_.state(), earlier, kGoodPassword, kNow).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(RootHash("111111111111"), "$argon2id$old");

  blocked.allowed = true;
  ASSERT_TRUE(temp_.state().Commit({{store::Put<model::RootRecovery>{blocked}}}).ok());
  EXPECT_TRUE(
      ConsumeRootResetToken(temp_.state(), Issue("one@example.com"), kGoodPassword, kNow).ok());
}

}  // namespace
}  // namespace gatehouse::services
