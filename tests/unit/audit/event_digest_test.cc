// The events' chain of digests: it holds for untouched events, and breaks at the batch whose
// event was edited, removed, added or reordered, or whose digest was altered; after pruning it
// is checked from the oldest kept digest; the hasher fed one event at a time agrees with it.
#include "audit/event_digest.h"

#include <gtest/gtest.h>

#include <map>

#include "core/crypto.h"

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
  std::optional<ChainBreak> Verify(const ChainStart& start = {}) const {
    return FirstBrokenLink(
        digests, [this](int64_t f, int64_t l) { return Read(f, l); }, start);
  }
  // As the store prunes: the events numbered up to `through` and the digests sealing only them.
  void Prune(int64_t through) {
    std::erase_if(events, [&](const auto& e) { return e.first <= through; });
    std::erase_if(digests, [&](const EventDigest& d) { return d.last_seq <= through; });
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

TEST(EventDigest, APrunedChainHoldsFromItsOldestKeptDigest) {
  Chain c = ThreeBatches();
  c.Prune(3);  // the first batch and its digest are gone
  ASSERT_EQ(c.digests.size(), 2u);
  EXPECT_TRUE(c.Verify()) << "from genesis, the first kept digest does not chain";
  EXPECT_EQ(c.Verify(StartOfKeptChain(c.digests)), std::nullopt);
  // What is kept is still checked.
  c.events[7] = "{\"eventID\":\"edited\"}";
  auto broken = c.Verify(StartOfKeptChain(c.digests));
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->batch, 1u);
  EXPECT_EQ(broken->first_seq, 7);
}

TEST(EventDigest, APrunedChainStillLinksItsKeptBatches) {
  Chain c = ThreeBatches();
  c.Prune(3);
  c.digests[1].previous = c.digests[0].previous;  // the last batch no longer follows the first
  EXPECT_EQ(c.Verify(StartOfKeptChain(c.digests))->batch, 1u);
}

TEST(EventDigest, AChainStartsAfterAGivenDigestAndNumber) {
  Chain c = ThreeBatches();
  const EventDigest first = c.digests.front();
  c.digests.erase(c.digests.begin());
  EXPECT_EQ(c.Verify({first.digest, first.last_seq}), std::nullopt);
  // A batch that reaches back into the numbers before the start breaks.
  EXPECT_EQ(c.Verify({first.digest, 4})->batch, 0u);
  EXPECT_EQ(c.Verify({kGenesisDigest, first.last_seq})->batch, 0u);
}

TEST(EventDigest, TheHasherFedOneEventAtATimeAgreesWithChainDigest) {
  const std::vector<StoredEvent> events = {{1, "{\"a\":1}"}, {3, ""}, {4, "{\"b\":\"\\n\"}"}};
  ChainHasher hasher(kGenesisDigest);
  for (const StoredEvent& e : events) hasher.Add(e.seq, e.body);
  EXPECT_EQ(hasher.Finish(), ChainDigest(kGenesisDigest, events));
  // The digest the chain has always had: previous, then "<number> <sha256 hex>" per event.
  EXPECT_EQ(ChainDigest(kGenesisDigest, {}), HexEncode(Sha256(std::string(kGenesisDigest) + "\n")));
  EXPECT_EQ(ChainDigest("p", {{7, "x"}}),
            HexEncode(Sha256("p\n7 " + HexEncode(Sha256("x")) + "\n")));
}

TEST(EventDigest, AStreamedReaderChecksAsTheWholeOne) {
  Chain c = ThreeBatches();
  EventReader read = [&c](int64_t first, int64_t last, const EventVisitor& add) {
    for (const StoredEvent& e : c.Read(first, last)) add(e.seq, e.body);
  };
  EXPECT_EQ(FirstBrokenLink(c.digests, read), std::nullopt);
  EventReader out_of_order = [&c](int64_t first, int64_t last, const EventVisitor& add) {
    std::vector<StoredEvent> events = c.Read(first, last);
    for (auto it = events.rbegin(); it != events.rend(); ++it) add(it->seq, it->body);
  };
  EXPECT_EQ(FirstBrokenLink(c.digests, out_of_order)->reason,
            "its events are not those it sealed, in order");
}

}  // namespace
}  // namespace gatehouse::audit
