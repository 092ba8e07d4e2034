#include "auth/password.h"

#include <gtest/gtest.h>

namespace gatehouse::auth {
namespace {

TEST(PasswordTest, Argon2idHashes) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", *hash));
  EXPECT_FALSE(VerifyPassword("x", "not a hash"));
}

TEST(PasswordTest, RandomRootPasswords) {
  SystemRandom random;
  std::string a = NewRandomPassword(random);
  EXPECT_GE(a.size(), 64u);
  EXPECT_NE(a, NewRandomPassword(random));
  for (char c : a) EXPECT_TRUE(c >= '!' && c <= '~');
  EXPECT_EQ(NewRandomPassword(random, 10).size(), 64u);
}

TEST(PasswordTest, MachineMadePasswordsHashAtTheMinimumCostAndVerify) {
  SystemRandom random;
  std::string password = NewRandomPassword(random);
  auto cheap = HashRandomPassword(password);
  ASSERT_TRUE(cheap);
  EXPECT_EQ(cheap->rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << *cheap;
  EXPECT_TRUE(VerifyPassword(password, *cheap));
  EXPECT_FALSE(VerifyPassword(password + "x", *cheap));
  // People's passwords keep the interactive cost.
  auto costly = HashPassword(password);
  ASSERT_TRUE(costly);
  EXPECT_EQ(costly->find("m=8,"), std::string::npos) << *costly;
}

}  // namespace
}  // namespace gatehouse::auth
