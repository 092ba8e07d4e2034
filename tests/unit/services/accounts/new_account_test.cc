#include "services/accounts/new_account.h"

#include <gtest/gtest.h>

#include "../temp_iam_state.h"
#include "auth/password.h"
#include "core/arn.h"

namespace gatehouse::services::accounts {
namespace {

using testing_support::TempIamState;

class NewAccountTest : public testing::Test {
 protected:
  NewAccountTest() : temp_(std::string(32, 'k'), [] { return int64_t{7000}; }) {}

  Result<std::string> Create(NewAccountRequest request) {
    store::WriteBatch batch;
    Result<std::string> id =
        AddNewAccountWrites(temp_.state().directory(), request, temp_.random(), 7000, batch);
    if (!id.ok()) {
      EXPECT_TRUE(batch.writes.empty()) << "a refused account must add no write";
      return id;
    }
    if (Status s = temp_.state().Commit(batch); !s.ok()) return s;
    return id;
  }

  TempIamState temp_;
};

TEST_F(NewAccountTest, WritesTheAccountItsOriginAndARootUserWithAnUnknownPassword) {
  auto id = Create({"dev", "dev@example.com", "", kAccountOriginOrganization});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(IsAccountId(*id)) << *id;
  const store::Directory& dir = temp_.state().directory();
  auto account = dir.FindAccount(*id);
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->name, "dev");
  EXPECT_EQ(account->email, "dev@example.com");
  EXPECT_EQ(account->created_ms, 7000);
  auto origin = dir.Get<model::AccountOrigin>(*id);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->origin, kAccountOriginOrganization);
  auto root = dir.FindRoot(*id);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->email, "dev@example.com");
  // A machine-made password: argon2id at the minimum cost, so that accounts are cheap to make.
  EXPECT_EQ(root->password_hash.rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << root->password_hash;
  EXPECT_FALSE(auth::VerifyPassword("", root->password_hash));
}

TEST_F(NewAccountTest, TheGivenAccountIdIsUsedOnceAndMustBeTwelveDigits) {
  auto id = Create({"a", "a@example.com", "123456789012", ""});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "123456789012");
  EXPECT_EQ(temp_.state().directory().Get<model::AccountOrigin>(*id), nullptr);
  EXPECT_EQ(Create({"b", "b@example.com", "123456789012", ""}).status().code(),
            ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(Create({"c", "c@example.com", "12345", ""}).status().code(),
            ErrorCode::kValidationError);
}

TEST_F(NewAccountTest, AnEmailIsTakenWhateverItsCase) {
  ASSERT_TRUE(Create({"a", "Dev@Example.com", "", ""}).ok());
  Result<std::string> again = Create({"b", "dev@EXAMPLE.COM", "", ""});
  EXPECT_EQ(again.status().code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_NE(again.status().message().find("dev@EXAMPLE.COM"), std::string::npos);
  EXPECT_NE(temp_.state().directory().FindAccountByEmail("DEV@example.COM"), nullptr);
  EXPECT_EQ(temp_.state().directory().FindAccountByEmail("other@example.com"), nullptr);
}

TEST_F(NewAccountTest, BadNamesAndEmailsAreRefused) {
  EXPECT_EQ(Create({"", "x@example.com", "", ""}).status().code(), ErrorCode::kValidationError);
  EXPECT_EQ(Create({std::string(51, 'n'), "x@example.com", "", ""}).status().code(),
            ErrorCode::kValidationError);
  EXPECT_EQ(Create({"x", "not-an-email", "", ""}).status().code(), ErrorCode::kValidationError);
  EXPECT_EQ(Create({"x", "a@b@example.com", "", ""}).status().code(), ErrorCode::kValidationError);
  EXPECT_TRUE(temp_.state().directory().ListAccounts().empty());
}

TEST(NewAccountRulesTest, EmailsAndNamesFollowCreateAccountsRules) {
  for (const char* good : {"a@b.co", "first.last+tag@sub.example.org"}) {
    EXPECT_TRUE(ValidateAccountEmail(good).ok()) << good;
  }
  for (const char* bad : {"", "a@b.c", "ab.com", "@b.com", "a@.com", "a@com.", "a b@c.com"}) {
    EXPECT_EQ(ValidateAccountEmail(bad).code(), ErrorCode::kValidationError) << bad;
  }
  EXPECT_TRUE(ValidateAccountEmail(std::string(59, 'a') + "@b.co").ok());  // 64 characters
  EXPECT_FALSE(ValidateAccountEmail(std::string(60, 'a') + "@b.co").ok());
  EXPECT_TRUE(ValidateAccountName("Dev team (EU) #2").ok());
  EXPECT_FALSE(ValidateAccountName("caf\xc3\xa9").ok());
}

}  // namespace
}  // namespace gatehouse::services::accounts
