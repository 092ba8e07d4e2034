// What MemoryStore adds to the contract (which the backend suites run on it): databases that
// stores share or do not, many stores committing at once, the feed's pruning, and a follower
// woken by a commit rather than by its poll.
#include "store/memory_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "store/change_follower.h"
#include "store/directory.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";

WriteBatch AnAccount() { return {{InsertAccount{{kAccount, "acct", "a@example.com", 1}}}}; }

TEST(MemoryStoreTest, StoresShareTheDatabaseTheyAreMadeOver) {
  MemoryStore a;
  MemoryStore b(a.database());
  MemoryStore elsewhere;
  ASSERT_TRUE(a.Commit(AnAccount()).ok());
  ASSERT_TRUE(b.Commit({{InsertUser{{kAccount, "alice", "/", "AIDA1", 2, {}}}}}).ok());
  // Each store knows its own last commit; both see every commit.
  EXPECT_EQ(a.last_commit_sequence(), 1);
  EXPECT_EQ(b.last_commit_sequence(), 2);
  EXPECT_EQ(*a.LatestSequence(), 2);
  EXPECT_EQ(a.LoadAll()->users.size(), 1u);
  ASSERT_EQ(b.ChangesAfter(0, 10)->size(), 2u);
  // Another database is another database.
  EXPECT_EQ(*elsewhere.LatestSequence(), 0);
  EXPECT_TRUE(elsewhere.LoadAll()->accounts.empty());
  EXPECT_TRUE(elsewhere.Commit(AnAccount()).ok());
  // The data outlives the stores made over it.
  auto database = a.database();
  {
    MemoryStore gone(database);
    ASSERT_TRUE(gone.Commit({{InsertUser{{kAccount, "bob", "/", "AIDA2", 2, {}}}}}).ok());
  }
  EXPECT_EQ(MemoryStore(database).LoadAll()->users.size(), 2u);
}

// Many stores race the same names through one database: one winner each, the losers write
// nothing and take no number of the feed.
TEST(MemoryStoreTest, ConcurrentCommitsGiveOneWinnerPerName) {
  MemoryStore first;
  ASSERT_TRUE(first.Commit(AnAccount()).ok());
  constexpr int kStores = 8;
  constexpr int kNames = 50;
  std::atomic<int> won{0}, refused{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < kStores; ++s) {
    threads.emplace_back([&, s] {
      MemoryStore store(first.database());
      for (int n = 0; n < kNames; ++n) {
        std::string name = "user" + std::to_string(n);
        if (s % 2 == 1) name[0] = 'U';
        const std::string id = "AIDA" + std::to_string(s) + "x" + std::to_string(n);
        Status st = store.Commit({{InsertUser{{kAccount, name, "/", id, 2, {}}},
                                   SetUserTags{kAccount, name, {{"by", std::to_string(s)}}}}});
        if (st.ok()) ++won;
        if (st.code() == ErrorCode::kEntityAlreadyExists) ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), kNames);
  EXPECT_EQ(refused.load(), (kStores - 1) * kNames);
  auto data = first.LoadAll();
  ASSERT_EQ(data->users.size(), static_cast<size_t>(kNames));
  for (const model::User& u : data->users) EXPECT_EQ(u.tags.size(), 1u) << u.name;
  EXPECT_EQ(data->sequence, 1 + kNames);
}

// As the SQL stores' feeds, the memory feed forgets the writes of batches older than the latest
// kFeedKept, every kFeedPruneEvery commits; a follower that far behind reloads.
TEST(MemoryStoreTest, TheFeedForgetsTheWritesOfOldBatches) {
  MemoryStore writer;
  MemoryStore reader(writer.database());
  State behind(reader);
  ASSERT_TRUE(behind.Load().ok());
  ASSERT_TRUE(writer.Commit(AnAccount()).ok());
  for (int64_t i = 1; i < kFeedKept + kFeedPruneEvery - 1; ++i) {
    ASSERT_TRUE(writer.Commit({{SetAccessKeyLastUsed{{"AKIA1", i, "iam", "us-east-1"}}}}).ok());
  }
  // One short of a prune: everything is kept.
  EXPECT_TRUE((*reader.ChangesAfter(0, 1))[0].writes.has_value());
  ASSERT_TRUE(writer.Commit({{InsertUser{{kAccount, "alice", "/", "AIDA1", 2, {}}}}}).ok());
  auto changes = reader.ChangesAfter(kFeedPruneEvery - 1, 2);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].sequence, kFeedPruneEvery);
  EXPECT_FALSE((*changes)[0].writes.has_value());
  EXPECT_EQ((*changes)[1].sequence, kFeedPruneEvery + 1);
  EXPECT_TRUE((*changes)[1].writes.has_value());
  EXPECT_FALSE((*reader.ChangesAfter(0, 1))[0].writes.has_value());
  // The follower catches up by reloading, and ends where the writer is.
  EXPECT_TRUE(*behind.CatchUp());
  EXPECT_EQ(behind.sequence(), kFeedKept + kFeedPruneEvery);
  EXPECT_NE(behind.directory().FindUser(kAccount, "alice"), nullptr);
  EXPECT_EQ(behind.directory().FindKeyLastUsed("AKIA1")->used_ms, kFeedKept + kFeedPruneEvery - 2);
}

// A follower polling only every minute still sees another instance's commit at once: the commit
// wakes it.
TEST(MemoryStoreTest, ACommitWakesAnotherInstancesFollower) {
  MemoryStore store_a;
  MemoryStore store_b(store_a.database());
  State a(store_a);
  State b(store_b);
  ASSERT_TRUE(a.Load().ok());
  ASSERT_TRUE(b.Load().ok());
  ChangeFollower follower(store_b, b, std::chrono::minutes(1));
  follower.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the follower is waiting
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(a.Commit(AnAccount()).ok());
  while (b.directory().FindAccount(kAccount) == nullptr &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_NE(b.directory().FindAccount(kAccount), nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // Stopping waits for the follower's round to end, which a commit does.
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    follower.Stop();
    stopped = true;
  });
  for (int64_t i = 0; !stopped; ++i) {
    EXPECT_TRUE(a.Commit({{SetAccessKeyLastUsed{{"AKIA1", i, "iam", "us-east-1"}}}}).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stopper.join();
}

}  // namespace
}  // namespace gatehouse::store
