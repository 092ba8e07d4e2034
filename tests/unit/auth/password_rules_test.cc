// Password rules: the account policy's, and AWS's default policy when there is none.
#include "auth/password_rules.h"

#include <gtest/gtest.h>

namespace gatehouse::auth {
namespace {

bool Ok(std::string_view password, const model::PasswordPolicy* policy,
        const model::Account* account = nullptr) {
  Status s = CheckPasswordRules(password, policy, account);
  if (!s.ok()) {
    EXPECT_EQ(s.code(), ErrorCode::kPasswordPolicyViolation);
    EXPECT_EQ(s.message(), "Password does not conform to the account password policy.");
  }
  return s.ok();
}

TEST(PasswordRules, DefaultPolicyWantsEightCharactersOfThreeTypes) {
  EXPECT_TRUE(Ok("Abcdefg1", nullptr));
  EXPECT_TRUE(Ok("abcdefg1!", nullptr));
  EXPECT_TRUE(Ok("ABCDEFG1'", nullptr));
  EXPECT_FALSE(Ok("Abcdef1", nullptr));     // 7 characters
  EXPECT_FALSE(Ok("abcdefgh1", nullptr));   // two types
  EXPECT_FALSE(Ok("abcdefgh~1", nullptr));  // '~' is not one of AWS's symbols
}

TEST(PasswordRules, DefaultPolicyRefusesTheAccountNameOrEmail) {
  model::Account account{"111111111111", "Prod-Account1", "Root1@example.com", 0};
  EXPECT_FALSE(Ok("Prod-Account1", nullptr, &account));
  EXPECT_FALSE(Ok("Root1@example.com", nullptr, &account));
  EXPECT_TRUE(Ok("Prod-Account2", nullptr, &account));
}

TEST(PasswordRules, AccountPolicyReplacesTheDefault) {
  model::PasswordPolicy policy;
  policy.minimum_password_length = 6;
  EXPECT_TRUE(Ok("abcdef", &policy));
  EXPECT_FALSE(Ok("abcde", &policy));
  policy.require_uppercase = true;
  EXPECT_FALSE(Ok("abcdef", &policy));
  EXPECT_TRUE(Ok("abcdeF", &policy));
  policy.require_lowercase = true;
  EXPECT_FALSE(Ok("ABCDEF", &policy));
  policy.require_numbers = true;
  EXPECT_FALSE(Ok("abcdeF", &policy));
  EXPECT_TRUE(Ok("abcdF1", &policy));
  policy.require_symbols = true;
  EXPECT_FALSE(Ok("abcdF1", &policy));
  for (char symbol : kPasswordSymbols) {
    EXPECT_TRUE(Ok(std::string("abcF1") + symbol, &policy)) << symbol;
  }
  EXPECT_FALSE(Ok("abcF1~", &policy));
  policy.minimum_password_length = 10;
  EXPECT_FALSE(Ok("abcF1!xyz", &policy));
  EXPECT_TRUE(Ok("abcF1!xyzw", &policy));
}

}  // namespace
}  // namespace gatehouse::auth
