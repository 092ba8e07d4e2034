#include "console/console_sessions.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "shared_state.h"

namespace gatehouse::console {
namespace {

constexpr int64_t kIdle = 100 * 1000;
constexpr int64_t kAbsolute = 500 * 1000;

using testing_support::SharedState;

ConsolePrincipal Alice() {
  return {"111122223333", "alice", "AIDAALICE", "arn:aws:iam::111122223333:user/alice"};
}

TEST(ConsoleSessionsTest, IdsAreRandomAndEachSessionHasItsOwnCsrfToken) {
  SystemRandom random;
  SharedState db;
  ConsoleSessions sessions(db.Instance(), random, kIdle, kAbsolute);
  std::string a = *sessions.Create(Alice(), 0);
  std::string b = *sessions.Create(Alice(), 0);
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
  SharedState db;
  ConsoleSessions sessions(db.Instance(), random, kIdle, kAbsolute);
  std::string id = *sessions.Create(Alice(), 0);
  // Each request restarts the idle time (kept to within the write interval).
  static_assert(kIdle > ConsoleSessions::kTouchWriteMs);
  EXPECT_TRUE(sessions.Touch(id, kIdle - 1));
  EXPECT_TRUE(sessions.Touch(id, 2 * kIdle - 2));
  EXPECT_FALSE(sessions.Touch(id, 3 * kIdle));
  EXPECT_FALSE(sessions.Touch(id, 3 * kIdle + 1));  // and it is gone for good
}

TEST(ConsoleSessionsTest, EndsAtTheAbsoluteTimeoutHoweverBusy) {
  SystemRandom random;
  SharedState db;
  ConsoleSessions sessions(db.Instance(), random, kIdle, kAbsolute);
  std::string id = *sessions.Create(Alice(), 0);
  for (int64_t t = 50 * 1000; t < kAbsolute; t += 50 * 1000)
    EXPECT_TRUE(sessions.Touch(id, t)) << t;
  EXPECT_FALSE(sessions.Touch(id, kAbsolute));
}

TEST(ConsoleSessionsTest, UpdateAndRemove) {
  SystemRandom random;
  SharedState db;
  ConsoleSessions sessions(db.Instance(), random, kIdle, kAbsolute);
  std::string id = *sessions.Create(Alice(), 0);
  EXPECT_TRUE(sessions.Update(id, 10, [](ConsoleSession& s) {
    s.recent_roles.push_front({"444455556666", "Admin", "prod", "red"});
  }));
  EXPECT_EQ(sessions.Touch(id, 20)->recent_roles.front().display_name, "prod");
  sessions.Remove(id);
  EXPECT_FALSE(sessions.Touch(id, 30));
  EXPECT_FALSE(sessions.Update(id, 30, [](ConsoleSession&) {}));
}

// Two instances on one database: a session begun on one works on the other at once (a cookie
// the directory does not know makes it catch up), changes and sign-out made on one hold on the
// other, and a change made on a stale copy is run again on the current one, never lost.
TEST(ConsoleSessionsTest, SessionsAreSharedByTheInstancesOfOneDatabase) {
  SystemRandom random;
  SharedState db;
  store::State& state_b = db.Instance();
  ConsoleSessions a(db.Instance(), random, kIdle, kAbsolute);
  ConsoleSessions b(state_b, random, kIdle, kAbsolute);
  std::string id = *a.Create(Alice(), 0);
  auto on_b = b.Touch(id, 10);
  ASSERT_TRUE(on_b);
  EXPECT_EQ(on_b->principal.arn, Alice().arn);
  EXPECT_EQ(on_b->csrf_token, a.Touch(id, 10)->csrf_token);

  EXPECT_TRUE(b.Update(id, 20, [](ConsoleSession& s) {
    s.recent_roles.push_front({"444455556666", "Admin", "prod", "red"});
  }));
  // a's directory has not seen b's change yet; its update is refused, caught up and run again.
  EXPECT_TRUE(a.Update(id, 30, [](ConsoleSession& s) {
    s.recent_roles.push_front({"444455556666", "Audit", "audit", ""});
  }));
  ASSERT_TRUE(*state_b.CatchUp());  // as its change follower does
  auto both = b.Touch(id, 40);
  ASSERT_TRUE(both);
  ASSERT_EQ(both->recent_roles.size(), 2u);
  EXPECT_EQ(both->recent_roles[0].role_name, "Audit");
  EXPECT_EQ(both->recent_roles[1].role_name, "Admin");

  a.Remove(id);
  ASSERT_TRUE(*state_b.CatchUp());
  EXPECT_FALSE(b.Touch(id, 50));  // b learns of the sign-out from the feed
}

// Sessions outlive the process: a restarted instance still knows them.
TEST(ConsoleSessionsTest, SessionsSurviveARestart) {
  SystemRandom random;
  SharedState db;
  std::string id;
  {
    ConsoleSessions before(db.Instance(), random, kIdle, kAbsolute);
    id = *before.Create(Alice(), 0);
  }
  ConsoleSessions after(db.Instance(), random, kIdle, kAbsolute);
  EXPECT_TRUE(after.Touch(id, 10));
}

TEST(ConsoleSessionsTest, ASessionWithAnEndEndsThenWhateverTheTimeouts) {
  SystemRandom random;
  SharedState db;
  ConsoleSessions sessions(db.Instance(), random, kIdle, kAbsolute);
  ConsolePrincipal federated = Alice();
  federated.user_name = "";
  federated.role_name = "Engineers";
  federated.session_name = "alice";
  ASSERT_FALSE(federated.root());
  ASSERT_TRUE(federated.federated());
  std::string id = *sessions.Create(federated, 0, 90 * 1000);
  EXPECT_TRUE(sessions.Touch(id, 60 * 1000));
  EXPECT_FALSE(sessions.Touch(id, 90 * 1000));
  // Kept in the store: another instance ends it at the same time.
  std::string other_id = *sessions.Create(federated, 0, 90 * 1000);
  ConsoleSessions other(db.Instance(), random, kIdle, kAbsolute);
  auto seen = other.Touch(other_id, 89 * 1000);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->ends_ms, 90 * 1000);
  EXPECT_EQ(seen->principal.role_name, "Engineers");
  EXPECT_FALSE(other.Touch(other_id, 90 * 1000));
}

}  // namespace
}  // namespace gatehouse::console
