// What several instances on one database share through the store, run against each Store (each
// Open() of a test is another instance): racing creates get one winner, work leases keep a key
// with one owner at a time, and a commit wakes the other instances' waits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_backends.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";

using StoreInstances = BackendTest;

TEST_P(StoreInstances, RacingCreatesOnTwoInstancesGetOneWinner) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->Commit({{InsertAccount{{kAccount, "acct", "a@example.com", 1}}}}).ok());
  for (int round = 0; round < 10; ++round) {
    const std::string n = std::to_string(round);
    std::atomic<int> won{0}, refused{0};
    auto create = [&](Store& store, WriteBatch batch) {
      Status s = store.Commit(batch);
      if (s.ok()) ++won;
      if (s.code() == ErrorCode::kEntityAlreadyExists) ++refused;
    };
    model::Role role;
    role.account_id = kAccount;
    role.name = "Role" + n;
    model::Role twin = role;
    twin.name = "ROLE" + n;  // the same key: role names are unique regardless of case
    std::thread one(create, std::ref(*a),
                    WriteBatch{{InsertUser{{kAccount, "user" + n, "/", "AIDA1" + n, 2, {}}},
                                Put<model::Role>{role, true}}});
    std::thread two(create, std::ref(*b),
                    WriteBatch{{Put<model::Role>{twin, true},
                                InsertUser{{kAccount, "USER" + n, "/", "AIDA2" + n, 2, {}}}}});
    one.join();
    two.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), 1) << "round " << round;
  }
  auto data = b->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->users.size(), 10u);
  EXPECT_EQ(data->records.size(), 10u);
  EXPECT_EQ(data->sequence, 11);
}

TEST_P(StoreInstances, AWorkLeaseHasOneOwnerUntilItExpiresOrIsFinished) {
  auto a = Open();
  auto b = Open();
  const std::string q = "account-creation";
  using Keys = std::vector<std::string>;
  EXPECT_EQ(*a->ClaimWork(q, {"k1", "k2"}, "a", 1000, 500), (Keys{"k1", "k2"}));
  // Held by a: b gets only the free key, and the same keys of another queue.
  EXPECT_EQ(*b->ClaimWork(q, {"k1", "k2", "k3"}, "b", 1100, 500), (Keys{"k3"}));
  EXPECT_EQ(*b->ClaimWork("other", {"k1"}, "b", 1100, 500), (Keys{"k1"}));
  // An owner renews its own leases.
  EXPECT_EQ(*a->ClaimWork(q, {"k1", "k2"}, "a", 1400, 500), (Keys{"k1", "k2"}));
  EXPECT_TRUE(b->ClaimWork(q, {"k1", "k2"}, "b", 1899, 500)->empty());
  // An expired lease goes to whoever claims it; a finished one too.
  EXPECT_EQ(*b->ClaimWork(q, {"k1"}, "b", 1900, 500), (Keys{"k1"}));
  EXPECT_TRUE(a->ClaimWork(q, {"k1"}, "a", 1901, 500)->empty());
  ASSERT_TRUE(b->FinishWork(q, {"k1", "k3"}, "b").ok());
  EXPECT_EQ(*a->ClaimWork(q, {"k1", "k3"}, "a", 1902, 500), (Keys{"k1", "k3"}));
  EXPECT_TRUE(a->ClaimWork(q, {}, "a", 1903, 500)->empty());
}

// An owner whose lease ran out and went to another cannot end the other's: its late FinishWork
// leaves the new lease in place, so that no third owner takes the key while the work goes on.
TEST_P(StoreInstances, ALateOwnerCannotFinishTheLeaseAnotherTookOver) {
  auto a = Open();
  auto b = Open();
  const std::string q = "outbox";
  using Keys = std::vector<std::string>;
  EXPECT_EQ(*a->ClaimWork(q, {"m1", "m2"}, "a", 1000, 500), (Keys{"m1", "m2"}));
  EXPECT_EQ(*b->ClaimWork(q, {"m1"}, "b", 1600, 500), (Keys{"m1"}));
  ASSERT_TRUE(a->FinishWork(q, {"m1", "m2"}, "a").ok());
  EXPECT_TRUE(a->ClaimWork(q, {"m1"}, "c", 1700, 500)->empty());
  EXPECT_EQ(*a->ClaimWork(q, {"m2"}, "c", 1700, 500), (Keys{"m2"}));  // a's own was released
  ASSERT_TRUE(b->FinishWork(q, {"m1"}, "b").ok());
  EXPECT_EQ(*a->ClaimWork(q, {"m1"}, "c", 1701, 500), (Keys{"m1"}));
}

TEST_P(StoreInstances, InstancesSweepingTogetherNeverShareAKey) {
  constexpr int kInstances = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kInstances; ++i) stores.push_back(Open());
  std::vector<std::string> keys;
  for (int k = 0; k < 40; ++k) keys.push_back("key" + std::to_string(k));
  std::vector<std::vector<std::string>> claimed(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      for (int sweep = 0; sweep < 5; ++sweep) {
        auto got = stores[i]->ClaimWork("q", keys, "owner" + std::to_string(i), 1000, 60000);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        claimed[i].insert(claimed[i].end(), got->begin(), got->end());
      }
    });
  }
  for (auto& t : threads) t.join();
  // Each key went to exactly one owner (which then renewed it on its later sweeps).
  std::set<std::string> owned;
  for (int i = 0; i < kInstances; ++i) {
    for (const std::string& key : std::set<std::string>(claimed[i].begin(), claimed[i].end())) {
      EXPECT_TRUE(owned.insert(key).second) << key << " has two owners";
    }
  }
  EXPECT_EQ(owned.size(), keys.size());
}

TEST_P(StoreInstances, ACommitWakesAnotherInstancesWait) {
  if (!GetParam().announces) {
    GTEST_SKIP() << GetParam().name << " announces no commits: its followers poll the feed";
  }
  auto a = Open();
  auto b = Open();
  // Nothing committed: the wait lasts its timeout. (It also starts b listening.)
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(b->WaitForChange(std::chrono::milliseconds(100)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));

  start = std::chrono::steady_clock::now();
  auto woken =
      std::async(std::launch::async, [&b] { return b->WaitForChange(std::chrono::seconds(10)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(a->Commit({{InsertAccount{{kAccount, "acct", "a@example.com", 1}}}}).ok());
  EXPECT_TRUE(woken.get());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // The announcement was taken; a commit while nobody waits is kept for the next wait.
  EXPECT_FALSE(b->WaitForChange(std::chrono::milliseconds(50)));
  ASSERT_TRUE(a->Commit({{InsertUser{{kAccount, "alice", "/", "AIDA1", 2, {}}}}}).ok());
  EXPECT_TRUE(b->WaitForChange(std::chrono::seconds(10)));
}

// A store's own commits, which its caller applied already, do not end its wait; another
// writer's still does, and one committed before a later commit of the waiter's own is
// accounted for by it (the waiter's caller caught up to apply its own).
TEST_P(StoreInstances, AStoresOwnCommitsDoNotEndItsWait) {
  if (!GetParam().announces) {
    GTEST_SKIP() << GetParam().name << " announces no commits: its followers poll the feed";
  }
  auto a = Open();
  auto b = Open();
  EXPECT_FALSE(a->WaitForChange(std::chrono::milliseconds(10)));  // listening from here
  ASSERT_TRUE(a->Commit({{InsertAccount{{kAccount, "acct", "a@example.com", 1}}}}).ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(a->WaitForChange(std::chrono::milliseconds(300)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(290));

  auto woken =
      std::async(std::launch::async, [&a] { return a->WaitForChange(std::chrono::seconds(10)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(a->Commit({{InsertUser{{kAccount, "own", "/", "AIDA0", 2, {}}}}}).ok());
  ASSERT_TRUE(b->Commit({{InsertUser{{kAccount, "alice", "/", "AIDA1", 2, {}}}}}).ok());
  EXPECT_TRUE(woken.get());

  ASSERT_TRUE(b->Commit({{InsertUser{{kAccount, "bob", "/", "AIDA2", 2, {}}}}}).ok());
  ASSERT_TRUE(a->Commit({{InsertUser{{kAccount, "carol", "/", "AIDA3", 2, {}}}}}).ok());
  EXPECT_FALSE(a->WaitForChange(std::chrono::milliseconds(200)));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreInstances, testing::ValuesIn(StoreBackends()), BackendName);

}  // namespace
}  // namespace gatehouse::store
