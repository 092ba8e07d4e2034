// Group commit, on every Store: batches committed together share one transaction, yet each
// gets its own answer — a precondition or a uniqueness failure rolls back that batch alone — and
// the successful ones take consecutive numbers of the change feed, in order; a transaction
// whose COMMIT fails fails every batch of its group. Then the same through State, with many
// callers at once: each caller's answer is its own, nothing is lost, and the directory equals
// what a fresh load reads.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "audit_forwarding.h"
#include "store/change_codec.h"
#include "store/directory.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";
// A batch whose change-feed entry contains this fails its transaction's COMMIT once the trap is
// armed (ArmCommitTrap).
constexpr char kTrap[] = "trap-at-commit";

model::User User(const std::string& name, const std::string& id) {
  return {kAccount, name, "/", id, 2000, {}};
}

model::Role Role(const std::string& name) {
  model::Role role;
  role.account_id = kAccount;
  role.name = name;
  role.id = "AROA" + name;
  role.assume_role_policy = R"({"Version":"2012-10-17","Statement":[]})";
  return role;
}

WriteBatch CreateUser(const std::string& name, const std::string& id) {
  return WriteBatch{{InsertUser{User(name, id)}}};
}

class GroupCommitTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_ = GetParam().open(dir_.string());
    ASSERT_NE(store_, nullptr);
    WriteBatch setup{{InsertAccount{{kAccount, "acct", "a@example.com", 1000}},
                      InsertUser{User("alice", "AIDAALICE")}, Put<model::Role>{Role("taken")}}};
    ASSERT_TRUE(store_->Commit(setup).ok());  // number 1
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  // Makes every transaction whose change feed receives a batch mentioning kTrap fail at its
  // COMMIT, with the engine's own deferred checks (the store itself is not told).
  void ArmCommitTrap() {
    if (GetParam().name == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((dir_ / "gatehouse.db").c_str(), &db), SQLITE_OK);
      const char* sql =
          "CREATE TABLE commit_trap (account_id TEXT REFERENCES accounts (id) DEFERRABLE "
          "INITIALLY DEFERRED);"
          "CREATE TRIGGER commit_trap AFTER INSERT ON changes "
          "WHEN instr(NEW.writes, 'trap-at-commit') > 0 "
          "BEGIN INSERT INTO commit_trap VALUES ('no-such-account'); END;";
      EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
      sqlite3_close(db);
      return;
    }
    PGconn* conn = PQconnectdb(PostgresUriFor(dir_.string()).c_str());
    ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn,
                         "CREATE FUNCTION commit_trap() RETURNS trigger LANGUAGE plpgsql AS "
                         "$$ BEGIN RAISE EXCEPTION 'trapped at commit'; END $$;"
                         "CREATE CONSTRAINT TRIGGER commit_trap AFTER INSERT ON changes "
                         "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                         "WHEN (strpos(NEW.writes, 'trap-at-commit') > 0) "
                         "EXECUTE FUNCTION commit_trap()");
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
  }

  // What a new instance reads from the store.
  StoreData Reopened() {
    store_.reset();
    store_ = GetParam().open(dir_.string());
    Result<StoreData> data = store_->LoadAll();
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    return data.ok() ? std::move(data).value() : StoreData{};
  }

  // The change feed after the setup's batch holds `committed`, numbered in order from 2.
  void ExpectFeedAfterSetup(const std::vector<const WriteBatch*>& committed) {
    Result<std::vector<Change>> feed = store_->ChangesAfter(1, 100);
    ASSERT_TRUE(feed.ok());
    ASSERT_EQ(feed->size(), committed.size());
    for (size_t i = 0; i < committed.size(); ++i) {
      EXPECT_EQ((*feed)[i].sequence, static_cast<int64_t>(i) + 2);
      ASSERT_TRUE((*feed)[i].writes.has_value());
      EXPECT_EQ(EncodeWrites(*(*feed)[i].writes), EncodeWrites(committed[i]->writes));
    }
  }

  std::unique_ptr<Store> store_;
};

std::vector<std::string> UserNames(const StoreData& data) {
  std::vector<std::string> names;
  for (const model::User& u : data.users) names.push_back(u.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> RecordKeys(const StoreData& data) {
  std::vector<std::string> keys;
  for (const RawRecord& r : data.records) keys.push_back(r.kind + ":" + r.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_P(GroupCommitTest, EachBatchOfAGroupGetsItsOwnAnswer) {
  WriteBatch bob = CreateUser("bob", "AIDABOB");
  // Rested on a read that another commit made stale.
  WriteBatch stale{.writes = {Put<model::Role>{Role("r1"), true}},
                   .preconditions = {Absent<model::Role>(Role("taken").Key())}};
  WriteBatch alice_again = CreateUser("ALICE", "AIDAALICE2");  // taken before the group
  WriteBatch carol{{InsertUser{User("carol", "AIDACAROL")}, Put<model::Role>{Role("r2"), true}}};
  WriteBatch carol_again = CreateUser("Carol", "AIDACAROL2");  // taken earlier in the group
  // Rests on a record that a batch earlier in the group wrote.
  WriteBatch after_r2{.writes = {Put<model::Role>{Role("r3"), true}},
                      .preconditions = {Absent<model::Role>(Role("r2").Key())}};
  WriteBatch dave{.writes = {InsertUser{User("dave", "AIDADAVE")}},
                  .preconditions = {UserAbsent(kAccount, "dave")}};

  std::vector<Result<int64_t>> answers =
      store_->CommitGroup({&bob, &stale, &alice_again, &carol, &carol_again, &after_r2, &dave});
  ASSERT_EQ(answers.size(), 7u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status().ToString();
  EXPECT_EQ(*answers[0], 2);
  EXPECT_EQ(answers[1].status().code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(answers[2].status().code(), ErrorCode::kEntityAlreadyExists);
  ASSERT_TRUE(answers[3].ok()) << answers[3].status().ToString();
  EXPECT_EQ(*answers[3], 3);
  EXPECT_EQ(answers[4].status().code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(answers[5].status().code(), ErrorCode::kStoreConflict);
  ASSERT_TRUE(answers[6].ok()) << answers[6].status().ToString();
  EXPECT_EQ(*answers[6], 4);
  EXPECT_EQ(store_->last_commit_sequence(), 4);

  // What a new instance reads: the successful batches, nothing of the others.
  StoreData data = Reopened();
  EXPECT_EQ(UserNames(data), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(RecordKeys(data),
            (std::vector<std::string>{"role:111111111111/r2", "role:111111111111/taken"}));
  EXPECT_EQ(data.sequence, 4);
  ExpectFeedAfterSetup({&bob, &carol, &dave});
}

// A group of batches without preconditions (on PostgreSQL: BEGIN to COMMIT in one round trip)
// in which some fail: the first, one in the middle, the last. Each gets its own answer, and the
// others commit in order.
TEST_P(GroupCommitTest, APlainGroupWithFailuresAnywhereCommitsTheRest) {
  WriteBatch taken_first = CreateUser("Alice", "AIDAALICE2");
  WriteBatch bob = CreateUser("bob", "AIDABOB");
  WriteBatch bob_again = CreateUser("BOB", "AIDABOB2");
  WriteBatch carol{{InsertUser{User("carol", "AIDACAROL")}, Put<model::Role>{Role("r1"), true}}};
  WriteBatch taken_last{{Put<model::Role>{Role("taken"), true}}};
  std::vector<Result<int64_t>> answers =
      store_->CommitGroup({&taken_first, &bob, &bob_again, &carol, &taken_last});
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0].status().code(), ErrorCode::kEntityAlreadyExists);
  ASSERT_TRUE(answers[1].ok()) << answers[1].status().ToString();
  EXPECT_EQ(*answers[1], 2);
  EXPECT_EQ(answers[2].status().code(), ErrorCode::kEntityAlreadyExists);
  ASSERT_TRUE(answers[3].ok()) << answers[3].status().ToString();
  EXPECT_EQ(*answers[3], 3);
  EXPECT_FALSE(answers[4].ok());
  EXPECT_EQ(store_->last_commit_sequence(), 3);
  // A group in which every batch fails commits nothing, and the next group is unaffected.
  answers = store_->CommitGroup({&bob_again, &taken_first});
  EXPECT_FALSE(answers[0].ok());
  EXPECT_FALSE(answers[1].ok());
  WriteBatch dave = CreateUser("dave", "AIDADAVE");
  answers = store_->CommitGroup({&dave});
  ASSERT_TRUE(answers[0].ok()) << answers[0].status().ToString();
  EXPECT_EQ(*answers[0], 4);

  StoreData data = Reopened();
  EXPECT_EQ(UserNames(data), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(RecordKeys(data),
            (std::vector<std::string>{"role:111111111111/r1", "role:111111111111/taken"}));
  ExpectFeedAfterSetup({&bob, &carol, &dave});
}

TEST_P(GroupCommitTest, ABatchThatPrunesTheFeedCommitsBesideOneThatFails) {
  // Up to the number before a prune: the group's first batch takes the prune's number, and a
  // batch after it in the same group fails.
  for (int64_t n = 2; n < kFeedPruneEvery; ++n) {
    ASSERT_TRUE(store_->Commit(WriteBatch{{Put<model::Role>{Role("r" + std::to_string(n))}}}).ok());
  }
  WriteBatch prunes{{Put<model::Role>{Role("at-prune")}}};
  WriteBatch taken = CreateUser("ALICE", "AIDAALICE2");
  WriteBatch after = CreateUser("bob", "AIDABOB");
  std::vector<Result<int64_t>> answers = store_->CommitGroup({&prunes, &taken, &after});
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0].ok()) << answers[0].status().ToString();
  EXPECT_EQ(*answers[0], kFeedPruneEvery);
  EXPECT_EQ(answers[1].status().code(), ErrorCode::kEntityAlreadyExists);
  ASSERT_TRUE(answers[2].ok()) << answers[2].status().ToString();
  EXPECT_EQ(*answers[2], kFeedPruneEvery + 1);
  Result<std::vector<Change>> feed = store_->ChangesAfter(kFeedPruneEvery - 1, 10);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 2u);
  EXPECT_TRUE((*feed)[0].writes.has_value());
  EXPECT_TRUE((*feed)[1].writes.has_value());
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryBatchOfTheGroup) {
  ArmCommitTrap();
  WriteBatch bob = CreateUser("bob", "AIDABOB");
  WriteBatch trapped = CreateUser(kTrap, "AIDATRAP");
  WriteBatch role{{Put<model::Role>{Role("r1"), true}}};
  std::vector<Result<int64_t>> answers = store_->CommitGroup({&bob, &trapped, &role});
  ASSERT_EQ(answers.size(), 3u);
  for (const Result<int64_t>& a : answers) {
    EXPECT_FALSE(a.ok());
    EXPECT_EQ(a.status(), answers[1].status());
  }
  EXPECT_EQ(store_->last_commit_sequence(), 1);
  Result<StoreData> data = store_->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(UserNames(*data), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(data->sequence, 1);

  // The connection is fit for the next group, which commits.
  answers = store_->CommitGroup({&bob, &role});
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(answers[0].ok()) << answers[0].status().ToString();
  EXPECT_TRUE(answers[1].ok()) << answers[1].status().ToString();
  data = store_->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(UserNames(*data), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(RecordKeys(*data),
            (std::vector<std::string>{"role:111111111111/r1", "role:111111111111/taken"}));
}

// A store in front of another that records the groups it is given, and holds each one for a
// while (or, when gated, the first one until Release), so that concurrent callers queue up.
class WatchedStore : public testing_support::AuditForwarding {
 public:
  explicit WatchedStore(Store& inner) : AuditForwarding(inner), inner_(inner) {}

  Result<StoreData> LoadAll() override { return inner_.LoadAll(); }
  Status Commit(const WriteBatch& batch) override { return CommitGroup({&batch})[0].status(); }
  std::vector<Result<int64_t>> CommitGroup(const std::vector<const WriteBatch*>& batches) override {
    {
      std::unique_lock lock(mu_);
      groups_.push_back(batches.size());
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !gated_; });
    }
    std::this_thread::sleep_for(delay_);
    return inner_.CommitGroup(batches);
  }
  Result<int64_t> LatestSequence() override { return inner_.LatestSequence(); }
  int64_t last_commit_sequence() const override { return inner_.last_commit_sequence(); }
  Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) override {
    return inner_.ChangesAfter(sequence, limit);
  }
  Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                             const std::vector<std::string>& keys,
                                             const std::string& owner, int64_t now_ms,
                                             int64_t lease_ms) override {
    return inner_.ClaimWork(queue, keys, owner, now_ms, lease_ms);
  }
  Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                    const std::string& owner) override {
    return inner_.FinishWork(queue, keys, owner);
  }

  void SetDelay(std::chrono::milliseconds delay) { delay_ = delay; }
  // Holds the next group until Release.
  void Gate() {
    std::lock_guard lock(mu_);
    gated_ = true;
    entered_ = false;
  }
  void WaitUntilEntered() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    gated_ = false;
    changed_.notify_all();
  }
  std::vector<size_t> groups() {
    std::lock_guard lock(mu_);
    return groups_;
  }

 private:
  Store& inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<size_t> groups_;
  bool gated_ = false;
  bool entered_ = false;
  std::chrono::milliseconds delay_{0};
};

// The directory holds exactly what a fresh load of the store reads.
void ExpectDirectoryIsTheStore(const Directory& directory, Store& store) {
  Result<StoreData> data = store.LoadAll();
  ASSERT_TRUE(data.ok());
  Directory fresh;
  ASSERT_TRUE(fresh.Load(*data).ok());
  auto users = [](const Directory& d) {
    std::map<std::string, std::string> out;
    for (const auto& u : d.ListUsers(kAccount)) out[u->name] = u->id;
    return out;
  };
  auto roles = [](const Directory& d) {
    std::map<std::string, std::string> out;
    for (const auto& r : d.Scan<model::Role>("")) out[r->Key()] = r->id;
    return out;
  };
  EXPECT_EQ(users(directory), users(fresh));
  EXPECT_EQ(roles(directory), roles(fresh));
}

TEST_P(GroupCommitTest, ConcurrentCallersOfOneStateEachGetTheirOwnAnswer) {
  WatchedStore watched(*store_);
  watched.SetDelay(std::chrono::milliseconds(5));
  State state(watched);
  ASSERT_TRUE(state.Load().ok());
  constexpr int kThreads = 16;
  constexpr int kRounds = 9;
  // Round i: i % 3 == 0, a user of the thread's own; 1, a user every thread races for, each
  // spelling the name its own way; 2, a role whose precondition holds on odd threads and was
  // made stale on even ones.
  std::vector<std::vector<WriteBatch>> batches(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kRounds; ++i) {
      const std::string suffix = std::to_string(t) + "-" + std::to_string(i);
      if (i % 3 == 0) {
        batches[t].push_back(CreateUser("own-" + suffix, "AIDAOWN" + suffix));
      } else if (i % 3 == 1) {
        std::string name = "shared-" + std::to_string(i);
        if (t % 2 == 1) name = "SHARED-" + std::to_string(i);
        if (t % 4 == 2) name = "Shared-" + std::to_string(i);
        batches[t].push_back(CreateUser(name, "AIDASHARED" + suffix));
      } else {
        const model::Role role = Role("role-" + suffix);
        batches[t].push_back(WriteBatch{
            .writes = {Put<model::Role>{role, true}},
            .preconditions = {Absent<model::Role>(t % 2 == 0 ? Role("taken").Key() : role.Key())}});
      }
    }
  }
  std::vector<std::vector<Status>> answers(kThreads, std::vector<Status>(kRounds));
  std::atomic<int> unread{0};  // a successful caller that did not read its own write
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        answers[t][i] = state.Commit(batches[t][i]);
        if (!answers[t][i].ok()) continue;
        const auto* user = std::get_if<InsertUser>(&batches[t][i].writes[0].get());
        if (user != nullptr) {
          auto found = state.directory().FindUser(kAccount, user->user.name);
          if (found == nullptr || found->id != user->user.id) ++unread;
        } else if (state.directory().Get<model::Role>(
                       std::get<Put<model::Role>>(batches[t][i].writes[0].get()).value.Key()) ==
                   nullptr) {
          ++unread;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::multiset<std::string> committed;  // the encoded writes of every successful batch
  int successes = 0;
  for (int i = 0; i < kRounds; ++i) {
    int won = 0;
    for (int t = 0; t < kThreads; ++t) {
      const Status& s = answers[t][i];
      if (s.ok()) {
        ++successes;
        ++won;
        committed.insert(EncodeWrites(batches[t][i].writes));
      }
      if (i % 3 == 0 || (i % 3 == 2 && t % 2 == 1)) {
        EXPECT_TRUE(s.ok()) << t << "/" << i << ": " << s.ToString();
      } else if (i % 3 == 1) {
        EXPECT_TRUE(s.ok() || s.code() == ErrorCode::kEntityAlreadyExists)
            << t << "/" << i << ": " << s.ToString();
      } else {
        EXPECT_EQ(s.code(), ErrorCode::kStoreConflict) << t << "/" << i;
      }
    }
    if (i % 3 == 1) {
      EXPECT_EQ(won, 1) << "round " << i;
    }
  }
  EXPECT_EQ(successes, kThreads * 3 + 3 + kThreads / 2 * 3);
  EXPECT_EQ(unread.load(), 0);

  // Callers shared groups, and every successful batch took one number, in a row.
  std::vector<size_t> groups = watched.groups();
  EXPECT_GT(*std::max_element(groups.begin(), groups.end()), 1u);
  EXPECT_EQ(state.sequence(), 1 + successes);
  Result<std::vector<Change>> feed = store_->ChangesAfter(1, 10000);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), static_cast<size_t>(successes));
  std::multiset<std::string> fed;
  for (size_t i = 0; i < feed->size(); ++i) {
    EXPECT_EQ((*feed)[i].sequence, static_cast<int64_t>(i) + 2);
    ASSERT_TRUE((*feed)[i].writes.has_value());
    fed.insert(EncodeWrites(*(*feed)[i].writes));
  }
  EXPECT_EQ(fed, committed);
  ExpectDirectoryIsTheStore(state.directory(), *store_);
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryCallerOfItsGroupAndNoOther) {
  ArmCommitTrap();
  WatchedStore watched(*store_);
  State state(watched);
  ASSERT_TRUE(state.Load().ok());
  // A first caller leads a commit that is held; three more queue behind it meanwhile, one of
  // them trapped, and make the next group together.
  watched.Gate();
  Status first;
  std::thread leader([&] { first = state.Commit(CreateUser("bob", "AIDABOB")); });
  watched.WaitUntilEntered();
  const WriteBatch queued[] = {CreateUser("carol", "AIDACAROL"), CreateUser(kTrap, "AIDATRAP"),
                               WriteBatch{{Put<model::Role>{Role("r1"), true}}}};
  Status answers[3];
  std::vector<std::thread> followers;
  for (int i = 0; i < 3; ++i) {
    followers.emplace_back([&, i] { answers[i] = state.Commit(queued[i]); });
  }
  while (state.waiting() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  watched.Release();
  leader.join();
  for (std::thread& t : followers) t.join();

  EXPECT_EQ(watched.groups(), (std::vector<size_t>{1, 3}));
  EXPECT_TRUE(first.ok()) << first.ToString();
  for (const Status& s : answers) {
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s, answers[1]);
  }
  EXPECT_EQ(state.directory().FindUser(kAccount, "carol"), nullptr);
  EXPECT_EQ(state.directory().Get<model::Role>(Role("r1").Key()), nullptr);
  EXPECT_NE(state.directory().FindUser(kAccount, "bob"), nullptr);
  EXPECT_EQ(state.sequence(), 2);
  ExpectDirectoryIsTheStore(state.directory(), *store_);

  // The next caller commits.
  EXPECT_TRUE(state.Commit(queued[0]).ok());
  EXPECT_NE(state.directory().FindUser(kAccount, "carol"), nullptr);
  ExpectDirectoryIsTheStore(state.directory(), *store_);
}

// The stores whose commits are transactions that a group shares (memory has no flush to share
// and commits a group one batch at a time, the default).
std::vector<Backend> TransactionalBackends() {
  std::vector<Backend> out;
  for (Backend& b : StoreBackends()) {
    if (b.name != "memory") out.push_back(std::move(b));
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, testing::ValuesIn(TransactionalBackends()),
                         BackendName);

}  // namespace
}  // namespace gatehouse::store
