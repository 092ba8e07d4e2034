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

}  // namespace
}  // namespace gatehouse::auth
