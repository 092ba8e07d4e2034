#include "app/standalone_account.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "services/directory_credentials.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

const std::string kMasterKey(32, 'k');

StandaloneAccountRequest Request(std::string name, std::string email, bool admin_user = true) {
  StandaloneAccountRequest request;
  request.name = std::move(name);
  request.email = std::move(email);
  request.admin_user = admin_user;
  return request;
}

TEST(StandaloneAccountTest, CreatesTheAccountRootAndAdmin) {
  TempDataDir data;
  SystemRandom random;
  auto created = CreateStandaloneAccount(data.state(), Request("dev", "dev@example.com"),
                                         kMasterKey, random, 5000);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string& id = created->account_id;
  EXPECT_EQ(id.size(), 12u);

  // What was committed survives a restart.
  data.Reopen();
  const store::Directory& dir = data.state().directory();
  auto account = dir.FindAccount(id);
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->name, "dev");
  EXPECT_EQ(account->email, "dev@example.com");
  EXPECT_EQ(account->created_ms, 5000);
  auto origin = dir.Get<model::AccountOrigin>(id);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->origin, model::kAccountOriginStandalone);

  auto root = dir.FindRoot(id);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->email, "dev@example.com");
  EXPECT_EQ(root->password_hash.rfind("$argon2id$", 0), 0u);

  EXPECT_EQ(created->root_reset_token.size(), 64u);
  auto token = dir.FindRootResetToken(HexEncode(Sha256(created->root_reset_token)));
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->account_id, id);
  EXPECT_EQ(token->expires_ms, 5000 + kRootResetTokenLifetimeMs);

  ASSERT_NE(dir.FindUser(id, "admin"), nullptr);
  EXPECT_EQ(dir.UserAttachedPolicies(id, "admin"),
            std::vector<std::string>{"arn:aws:iam::aws:policy/AdministratorAccess"});
  EXPECT_EQ(created->access_key_id.rfind("AKIA", 0), 0u);
  EXPECT_EQ(created->secret_access_key.size(), 40u);
  services::DirectoryCredentials credentials(dir, kMasterKey);
  auto key = credentials.FindAccessKey(created->access_key_id);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->secret, created->secret_access_key);
  EXPECT_EQ(key->principal_arn, "arn:aws:iam::" + id + ":user/admin");
}

TEST(StandaloneAccountTest, WithoutAdminUserOnlyTheRoot) {
  TempDataDir data;
  SystemRandom random;
  auto created = CreateStandaloneAccount(data.state(),
                                         Request("bare", "bare@example.com", /*admin_user=*/false),
                                         kMasterKey, random, 1);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->access_key_id.empty());
  EXPECT_TRUE(created->secret_access_key.empty());
  EXPECT_NE(data.state().directory().FindRoot(created->account_id), nullptr);
  EXPECT_TRUE(data.state().directory().ListUsers(created->account_id).empty());
}

TEST(StandaloneAccountTest, AnEmailBelongsToOneAccount) {
  TempDataDir data;
  SystemRandom random;
  auto first =
      CreateStandaloneAccount(data.state(), Request("a", "dev@example.com"), kMasterKey, random, 1);
  ASSERT_TRUE(first.ok());
  // Emails are compared regardless of case, as the store's unique index does.
  auto second =
      CreateStandaloneAccount(data.state(), Request("b", "DEV@example.com"), kMasterKey, random, 2);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(second.status().message(),
            "The email address DEV@example.com is already in use by another account.");
  EXPECT_EQ(data.state().directory().ListAccounts().size(), 1u);
  EXPECT_EQ(data.state().directory().FindAccountByEmail("Dev@Example.com")->id, first->account_id);
}

TEST(StandaloneAccountTest, AGivenAccountIdIsUsedOnce) {
  TempDataDir data;
  SystemRandom random;
  StandaloneAccountRequest request = Request("a", "a@example.com");
  request.account_id = "111122223333";
  auto created = CreateStandaloneAccount(data.state(), request, kMasterKey, random, 1);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->account_id, "111122223333");
  request.email = "b@example.com";
  EXPECT_EQ(CreateStandaloneAccount(data.state(), request, kMasterKey, random, 1).status().code(),
            ErrorCode::kEntityAlreadyExists);
  request.account_id = "12345";
  EXPECT_EQ(CreateStandaloneAccount(data.state(), request, kMasterKey, random, 1).status().code(),
            ErrorCode::kValidationError);
}

TEST(StandaloneAccountTest, ValidatesEmailAndName) {
  for (const char* good : {"dev@example.com", "a@b.cd", "first.last+tag@sub.example.org"}) {
    EXPECT_TRUE(ValidateAccountEmail(good).ok()) << good;
  }
  for (const char* bad :
       {"", "a@b.c", "dev", "dev@example", "@example.com", "dev@.com", "dev@example.",
        "a@b@example.com", "dev @example.com", "dev@exam\nple.com"}) {
    Status s = ValidateAccountEmail(bad);
    EXPECT_EQ(s.code(), ErrorCode::kValidationError) << bad;
  }
  EXPECT_FALSE(ValidateAccountEmail(std::string(60, 'a') + "@b.co").ok());  // 65 characters
  EXPECT_TRUE(ValidateAccountEmail(std::string(59, 'a') + "@b.co").ok());   // 64

  EXPECT_TRUE(ValidateAccountName("d").ok());
  EXPECT_TRUE(ValidateAccountName("Dev team (EU) #2").ok());
  EXPECT_TRUE(ValidateAccountName(std::string(50, 'n')).ok());
  EXPECT_FALSE(ValidateAccountName("").ok());
  EXPECT_FALSE(ValidateAccountName(std::string(51, 'n')).ok());
  EXPECT_FALSE(ValidateAccountName("tab\there").ok());
  EXPECT_FALSE(ValidateAccountName("caf\xc3\xa9").ok());

  TempDataDir data;
  SystemRandom random;
  auto created =
      CreateStandaloneAccount(data.state(), Request("", "dev@example.com"), kMasterKey, random, 1);
  EXPECT_EQ(created.status().code(), ErrorCode::kValidationError);
  EXPECT_TRUE(data.state().directory().ListAccounts().empty());
}

}  // namespace
}  // namespace gatehouse::app
