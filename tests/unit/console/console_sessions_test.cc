#include "console/console_sessions.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace gatehouse::console {
namespace {

constexpr int64_t kIdle = 1000;
constexpr int64_t kAbsolute = 5000;

ConsolePrincipal Alice() {
  return {"111122223333", "alice", "AIDAALICE", "arn:aws:iam::111122223333:user/alice"};
}

TEST(ConsoleSessionsTest, IdsAreRandomAndEachSessionHasItsOwnCsrfToken) {
  SystemRandom random;
  ConsoleSessions sessions(random, kIdle, kAbsolute);
  std::string a = sessions.Create(Alice(), 0);
  std::string b = sessions.Create(Alice(), 0);
  EXPECT_EQ(a.size(), 64u);  // 256 bits
  EXPECT_NE(a, b);
  auto sa = sessions.Touch(a, 1);
  auto sb = sessions.Touch(b, 1);
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->principal.user_name, "alice");
  EXPECT_EQ(sa->csrf_token.size(), 64u);
  EXPECT_NE(sa->csrf_token, sb->csrf_token);
  EXPECT_FALSE(sessions.Touch("", 1));
  EXPECT_FALSE(sessions.Touch(HexEncode(Sha256(a)), 1));  // the stored hash is no key
}

TEST(ConsoleSessionsTest, EndsAfterIdleTime) {
  SystemRandom random;
  ConsoleSessions sessions(random, kIdle, kAbsolute);
  std::string id = sessions.Create(Alice(), 0);
  EXPECT_TRUE(sessions.Touch(id, kIdle - 1));  // each request restarts the idle time
  EXPECT_TRUE(sessions.Touch(id, 2 * kIdle - 2));
  EXPECT_FALSE(sessions.Touch(id, 3 * kIdle));
  EXPECT_FALSE(sessions.Touch(id, 3 * kIdle + 1));  // and it is gone for good
}

TEST(ConsoleSessionsTest, EndsAtTheAbsoluteTimeoutHoweverBusy) {
  SystemRandom random;
  ConsoleSessions sessions(random, kIdle, kAbsolute);
  std::string id = sessions.Create(Alice(), 0);
  for (int64_t t = 500; t < kAbsolute; t += 500) EXPECT_TRUE(sessions.Touch(id, t)) << t;
  EXPECT_FALSE(sessions.Touch(id, kAbsolute));
}

TEST(ConsoleSessionsTest, UpdateAndRemove) {
  SystemRandom random;
  ConsoleSessions sessions(random, kIdle, kAbsolute);
  std::string id = sessions.Create(Alice(), 0);
  EXPECT_TRUE(sessions.Update(id, 10, [](ConsoleSession& s) {
    s.recent_roles.push_front({"444455556666", "Admin", "prod", "red"});
  }));
  EXPECT_EQ(sessions.Touch(id, 20)->recent_roles.front().display_name, "prod");
  sessions.Remove(id);
  EXPECT_FALSE(sessions.Touch(id, 30));
  EXPECT_FALSE(sessions.Update(id, 30, [](ConsoleSession&) {}));
}

}  // namespace
}  // namespace gatehouse::console
