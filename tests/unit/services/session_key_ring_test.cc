#include "services/sts/session_key_ring.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gatehouse::services::sts
