#include "services/sts/session_key_ring.h"

#include <gtest/gtest.h>

#include "../console/shared_state.h"
#include "core/crypto.h"
#include "temp_iam_state.h"

namespace gatehouse::services::sts {
namespace {

using testing_support::TempIamState;

constexpr int64_t kDay = 24 * 3600 * 1000LL;

class SessionKeyRingTest : public testing::Test {
 protected:
  TempIamState temp_{std::string(kSealKeySize, 'm'), [] { return int64_t{0}; }};
};

TEST_F(SessionKeyRingTest, KeepsOneKeyUntilTheRotationPeriodEnds) {
  SessionKeyRing ring(temp_.state(), temp_.iam().master_key, temp_.random());
  auto first = ring.Current(1000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->second.size(), kSealKeySize);
  auto same = ring.Current(1000 + kDay - 1);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->first, first->first);
  auto next = ring.Current(1000 + kDay);
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->first, first->first);
  // The retired key still opens the tokens it sealed.
  EXPECT_EQ(ring.Find(first->first), first->second);
  EXPECT_EQ(temp_.state().directory().Scan<model::SessionKey>("").size(), 2u);
}

TEST_F(SessionKeyRingTest, ErasesKeysNoLiveTokenCanUse) {
  SessionKeyRing ring(temp_.state(), temp_.iam().master_key, temp_.random());
  auto first = ring.Current(0);
  ASSERT_TRUE(first.ok());
  auto second = ring.Current(kDay);
  ASSERT_TRUE(second.ok());
  // A key seals for one rotation period; a token it sealed lives at most the longest session
  // after that. Past then, it goes at the next rotation; the second key is still needed.
  auto third = ring.Current(kDay + kMaxSessionMs + 1);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(ring.Find(first->first));
  EXPECT_EQ(ring.Find(second->first), second->second);
  EXPECT_EQ(temp_.state().directory().Scan<model::SessionKey>("").size(), 2u);
}

TEST_F(SessionKeyRingTest, KeysAreStoredSealedAndSharedAcrossRings) {
  SessionKeyRing one(temp_.state(), temp_.iam().master_key, temp_.random());
  auto key = one.Current(5000);
  ASSERT_TRUE(key.ok());
  auto stored = temp_.state().directory().Scan<model::SessionKey>("");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]->sealed_key.find(HexEncode(key->second)), std::string::npos);
  // Another server on the same store (or this one after a restart) seals with the same key.
  SessionKeyRing two(temp_.state(), temp_.iam().master_key, temp_.random());
  EXPECT_EQ(two.Find(key->first), key->second);
  auto current = two.Current(6000);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->first, key->first);
  // A ring with another master key cannot open it.
  SessionKeyRing other(temp_.state(), std::string(kSealKeySize, 'x'), temp_.random());
  EXPECT_FALSE(other.Find(key->first));
}

TEST_F(SessionKeyRingTest, UnknownKeysAreNotFound) {
  SessionKeyRing ring(temp_.state(), temp_.iam().master_key, temp_.random());
  EXPECT_FALSE(ring.Find(12345));
}

// Two instances on one database: a token sealed with a key the other instance made a moment
// ago, before its directory followed, opens at once.
TEST(SessionKeyRingInstancesTest, AKeyMadeByAnotherInstanceIsFoundAtOnce) {
  console::testing_support::SharedState db;
  store::State& a = db.Instance();
  store::State& b = db.Instance();
  SystemRandom random;
  const std::string master_key(kSealKeySize, 'm');
  SessionKeyRing ring_a(a, master_key, random);
  SessionKeyRing ring_b(b, master_key, random);
  auto key = ring_a.Current(1000);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(b.directory().Scan<model::SessionKey>("").empty());  // b has not followed yet
  EXPECT_EQ(ring_b.Find(key->first), key->second);
  // And b seals with it too, rather than making a key of its own.
  auto current = ring_b.Current(2000);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->first, key->first);
}

// Made-up key ids do not turn into database reads: one catch-up per interval for the ring.
TEST(SessionKeyRingInstancesTest, CatchUpsAreRateLimited) {
  console::testing_support::SharedState db;
  store::State& a = db.Instance();
  store::State& b = db.Instance();
  SystemRandom random;
  const std::string master_key(kSealKeySize, 'm');
  constexpr int64_t kHour = 3600 * 1000;
  SessionKeyRing ring_a(a, master_key, random);
  SessionKeyRing ring_b(b, master_key, random, kSessionKeyRotationMs, /*catch_up_every_ms=*/kHour);
  EXPECT_FALSE(ring_b.Find(12345));  // a forged id: the interval's one catch-up
  auto key = ring_a.Current(1000);
  ASSERT_TRUE(key.ok());
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(ring_b.Find(key->first));
  EXPECT_TRUE(b.directory().Scan<model::SessionKey>("").empty());  // no catch-up since
  // Another interval (here: a ring whose interval has passed) catches up again.
  SessionKeyRing later_b(b, master_key, random, kSessionKeyRotationMs, /*catch_up_every_ms=*/0);
  EXPECT_EQ(later_b.Find(key->first), key->second);
}

}  // namespace
}  // namespace gatehouse::services::sts
