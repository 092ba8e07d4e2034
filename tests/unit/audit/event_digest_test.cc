// The events' chain of digests: it holds for untouched events, and breaks at the batch whose
// event was edited, removed, added or reordered, or whose digest was altered.
#include "audit/event_digest.h"

#include <gtest/gtest.h>

#include <map>

namespace gatehouse::audit {
namespace {

struct Chain {
  std::map<int64_t, std::string> events;
  std::vector<EventDigest> digests;

  // Seals events first..last (those present) as the next batch.
  void Seal(int64_t first, int64_t last) {
    const std::string previous = digests.empty() ? kGenesisDigest : digests.back().digest;
    digests.push_back({first, last, previous, ChainDigest(previous, Read(first, last))});
  }
  std::vector<StoredEvent> Read(int64_t first, int64_t last) const {
    std::vector<StoredEvent> out;
    for (auto it = events.lower_bound(first); it != events.end() && it->first <= last; ++it) {
      out.push_back({it->first, it->second});
    }
    return out;
  }
  std::optional<ChainBreak> Verify() const {
    return FirstBrokenLink(digests, [this](int64_t f, int64_t l) { return Read(f, l); });
  }
};

Chain ThreeBatches() {
  Chain c;
  for (int64_t seq = 1; seq <= 9; ++seq) {
    c.events[seq] = "{\"eventID\":\"" + std::to_string(seq) + "\"}";
  }
  c.events.erase(5);  // a number the store skipped (a rolled-back transaction)
  c.Seal(1, 3);
  c.Seal(4, 6);
  c.Seal(7, 9);
  return c;
}

TEST(EventDigest, AnUntouchedChainHolds) {
  EXPECT_EQ(ThreeBatches().Verify(), std::nullopt);
  EXPECT_EQ(Chain{}.Verify(), std::nullopt);
}

TEST(EventDigest, AnEditedEventBreaksItsBatch) {
  Chain c = ThreeBatches();
  c.events[6] = "{\"eventID\":\"6\",\"errorCode\":\"AccessDenied\"}";
  auto broken = c.Verify();
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->batch, 1u);
  EXPECT_EQ(broken->first_seq, 4);
}

TEST(EventDigest, ARemovedOrAddedEventBreaksItsBatch) {
  Chain removed = ThreeBatches();
  removed.events.erase(8);
  EXPECT_EQ(removed.Verify()->batch, 2u);
  Chain added = ThreeBatches();
  added.events[5] = "{\"eventID\":\"forged\"}";
  EXPECT_EQ(added.Verify()->batch, 1u);
}

TEST(EventDigest, AnAlteredOrResealedDigestBreaksTheChain) {
  Chain altered = ThreeBatches();
  altered.digests[0].digest[0] = altered.digests[0].digest[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(altered.Verify()->batch, 0u);
  // Resealing an edited batch fixes it but not the next link.
  Chain resealed = ThreeBatches();
  resealed.events[2] = "{\"eventID\":\"edited\"}";
  resealed.digests[0].digest = ChainDigest(kGenesisDigest, resealed.Read(1, 3));
  EXPECT_EQ(resealed.Verify()->batch, 1u);
}

TEST(EventDigest, BatchesOutOfOrderBreak) {
  Chain c = ThreeBatches();
  std::swap(c.digests[1], c.digests[2]);
  EXPECT_EQ(c.Verify()->batch, 1u);
}

}  // namespace
}  // namespace gatehouse::audit
