// Checking the store's chain: it holds for untouched events and counts those not yet sealed;
// after pruning it begins at the oldest kept digest (pruning keeps batches whole; one cut by
// other means is taken as given); an edited, removed or added event is the first broken link,
// named by batch and events; and with the deployment's public key, a chain recomputed over
// edited events without its private key breaks at its first digest not signed by it.
#include "audit/store_chain_check.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "audit/digest_signature.h"
#include "audit/event_digest.h"
#include "store/memory_store.h"

namespace gatehouse::audit {
namespace {

// The store as someone with write access to its database left it: bodies edited, events
// deleted or added behind the store's back.
class TamperedLog : public store::AuditLog {
 public:
  explicit TamperedLog(store::AuditLog& log) : log_(log) {}
  std::map<int64_t, std::string> edited;
  std::set<int64_t> removed;
  std::optional<std::vector<model::AuditDigest>> digests;  // rewritten digests

  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override {
    return log_.AppendAudit(entries);
  }
  Result<std::vector<store::AuditRow>> LookupAudit(const store::AuditQuery& query) override {
    return log_.LookupAudit(query);
  }
  Status PruneAudit(int64_t before_ms) override { return log_.PruneAudit(before_ms); }
  Result<std::vector<model::AuditBody>> AuditEvents(int64_t first, int64_t last) override {
    ASSIGN_OR_RETURN(std::vector<model::AuditBody> events, log_.AuditEvents(first, last));
    std::vector<model::AuditBody> out;
    for (model::AuditBody& e : events) {
      if (removed.count(e.seq)) continue;
      if (auto it = edited.find(e.seq); it != edited.end()) e.body = it->second;
      out.push_back(std::move(e));
    }
    return out;
  }
  Result<int64_t> LatestAuditSeq() override { return log_.LatestAuditSeq(); }
  Result<std::vector<model::AuditDigest>> AuditDigests() override {
    if (digests) return *digests;
    return log_.AuditDigests();
  }
  Status AppendAuditDigest(const model::AuditDigest& digest) override {
    return log_.AppendAuditDigest(digest);
  }

 private:
  store::AuditLog& log_;
};

model::AuditEntry Event(int i) {
  model::AuditEntry e;
  e.event_id = "e" + std::to_string(i);
  e.account_id = "111111111111";
  e.time_ms = i * 1000;
  e.event_name = "GetUser";
  e.body = "{\"eventID\":\"e" + std::to_string(i) + "\"}";
  return e;
}

// Events 1..9 (at i seconds), sealed as 1..3, 4..6, 7..9, and events 10..11 not yet sealed.
class SealedStore : public testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 11; ++i) ASSERT_TRUE(store_.AppendAudit({Event(i)}).ok());
    for (auto [first, last] : {std::pair{1, 3}, {4, 6}, {7, 9}}) Seal(first, last);
  }
  void Seal(int64_t first, int64_t last) {
    auto digests = store_.AuditDigests();
    const std::string previous = digests->empty() ? kGenesisDigest : digests->back().digest;
    auto events = store_.AuditEvents(first, last);
    model::AuditDigest digest{first, last, previous, ChainDigest(previous, *events)};
    digest.signature = signer_.Sign(digest, DigestScope::kStore);
    ASSERT_TRUE(store_.AppendAuditDigest(digest).ok());
  }
  ChainReport Check(store::AuditLog& log, const std::optional<std::string>& key = std::nullopt) {
    Result<ChainReport> report = CheckStoreChain(log, key);
    EXPECT_TRUE(report.ok()) << report.status().message();
    return report.ok() ? *report : ChainReport{};
  }

  const DigestSigner signer_ = DigestSigner::FromMasterKey(std::string(32, 'k'));
  const std::optional<std::string> key_ = ParsePublicKey(signer_.public_key());
  store::MemoryStore store_;
  TamperedLog tampered_{store_};
};

TEST_F(SealedStore, SignedDigestsHoldWithTheDeploymentsKeyAndNoOther) {
  ASSERT_TRUE(key_);
  ChainReport report = Check(store_, key_);
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.batches, 3u);
  const auto other = ParsePublicKey(DigestSigner::FromMasterKey(std::string(32, 'x')).public_key());
  report = Check(store_, other);
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->batch, 1u);
  EXPECT_EQ(report.batches, 0u);
  EXPECT_EQ(report.broken->reason,
            "its digest's signature does not verify with the given public key");
}

TEST_F(SealedStore, AChainRecomputedOverAnEditedEventBreaksAtItsFirstUnsignedDigest) {
  // Whoever can write the database edits event 5 and seals batches 2 and 3 again: the chain
  // holds, and only the signatures tell.
  tampered_.edited[5] = "{\"eventID\":\"e5\",\"sourceIPAddress\":\"203.0.113.9\"}";
  std::vector<model::AuditDigest> digests = *store_.AuditDigests();
  for (size_t i = 1; i < digests.size(); ++i) {
    digests[i].previous = digests[i - 1].digest;
    auto events = tampered_.AuditEvents(digests[i].first_seq, digests[i].last_seq);
    digests[i].digest = ChainDigest(digests[i].previous, *events);
  }
  digests[2].signature = "";
  tampered_.digests = digests;
  EXPECT_FALSE(Check(tampered_).broken);
  ChainReport report = Check(tampered_, key_);
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->batch, 2u);
  EXPECT_EQ(report.broken->where, "events 4..6");
  EXPECT_EQ(report.batches, 1u);
  EXPECT_EQ(report.events, 3);
  // An unsigned digest says so.
  tampered_.digests->at(1) = store_.AuditDigests()->at(1);
  tampered_.digests->at(1).signature = "";
  tampered_.edited.clear();
  report = Check(tampered_, key_);
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->batch, 2u);
  EXPECT_EQ(report.broken->reason, "its digest is not signed");
}

TEST_F(SealedStore, AnUntouchedChainHoldsAndCountsWhatIsNotSealed) {
  ChainReport report = Check(store_);
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.events, 9);
  EXPECT_EQ(report.batches, 3u);
  EXPECT_EQ(report.unsealed, 2);
  EXPECT_TRUE(report.notes.empty());
}

TEST_F(SealedStore, AnEmptyStoreHolds) {
  store::MemoryStore empty;
  ChainReport report = Check(empty);
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.batches, 0u);
}

TEST_F(SealedStore, AnEditedRemovedOrAddedEventBreaksItsBatch) {
  tampered_.edited[5] = "{\"eventID\":\"e5\",\"errorCode\":\"AccessDenied\"}";
  ChainReport edited = Check(tampered_);
  ASSERT_TRUE(edited.broken);
  EXPECT_EQ(edited.broken->batch, 2u);
  EXPECT_EQ(edited.broken->where, "events 4..6");
  EXPECT_EQ(edited.events, 3);
  tampered_.edited.clear();
  tampered_.removed = {8};
  EXPECT_EQ(Check(tampered_).broken->batch, 3u);
  tampered_.removed.clear();
  // An event appended after the last digest is not sealed, but is not a break either.
  ASSERT_TRUE(store_.AppendAudit({Event(12)}).ok());
  EXPECT_EQ(Check(tampered_).unsealed, 3);
}

TEST_F(SealedStore, APrunedChainIsCheckedFromItsOldestKeptDigest) {
  ASSERT_TRUE(store_.PruneAudit(3500).ok());  // events 1..3 and the digest of 1..3
  ChainReport report = Check(store_);
  EXPECT_FALSE(report.broken) << report.broken->reason;
  EXPECT_EQ(report.batches, 2u);
  EXPECT_EQ(report.events, 6);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("pruned"), std::string::npos);
  // What was kept is still checked.
  tampered_.edited[9] = "{}";
  ChainReport broken = Check(tampered_);
  ASSERT_TRUE(broken.broken);
  EXPECT_EQ(broken.broken->batch, 2u);
  EXPECT_EQ(broken.broken->where, "events 7..9");
}

TEST_F(SealedStore, PruningKeepsABatchWholeAndABatchCutOtherwiseIsTakenAsGiven) {
  // Events 1..4 are old, but 4 is sealed with 5 and 6: pruning stops at that batch.
  ASSERT_TRUE(store_.PruneAudit(4500).ok());
  ChainReport whole = Check(store_);
  EXPECT_FALSE(whole.broken) << whole.broken->reason;
  EXPECT_EQ(whole.batches, 2u);  // 4..6 and 7..9
  EXPECT_EQ(whole.events, 6);
  // Its first event gone all the same (a store pruned by an earlier version): the batch is
  // taken as given, the rest checked.
  tampered_.removed = {4};
  ChainReport report = Check(tampered_);
  EXPECT_FALSE(report.broken) << report.broken->reason;
  EXPECT_EQ(report.batches, 1u);  // 7..9
  EXPECT_EQ(report.events, 3);
  ASSERT_EQ(report.notes.size(), 2u);
  EXPECT_NE(report.notes[1].find("batch 1 (events 4..6) lost its oldest events to pruning"),
            std::string::npos);
  tampered_.edited[8] = "{}";
  ChainReport broken = Check(tampered_);
  ASSERT_TRUE(broken.broken);
  EXPECT_EQ(broken.broken->batch, 2u);
  EXPECT_EQ(broken.broken->where, "events 7..9");
}

TEST_F(SealedStore, AnEditInTheFirstBatchIsABreakWhileItsFirstEventIsThere) {
  tampered_.edited[2] = "{}";
  ChainReport report = Check(tampered_);
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->batch, 1u);
  EXPECT_EQ(report.broken->where, "events 1..3");
}

}  // namespace
}  // namespace gatehouse::audit
