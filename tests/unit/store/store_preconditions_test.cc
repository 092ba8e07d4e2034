// The store contract's conditional writes (store/store.h): every precondition kind, checked in
// the transaction, failing the whole batch with kStoreConflict; run against each Store.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "store/directory.h"
#include "store/sqlite_store.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";

class StorePreconditions : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_ = Open();
    WriteBatch b;
    b.writes.push_back(InsertAccount{{kAccount, "acct", "a@example.com", 1000}});
    b.writes.push_back(InsertUser{{kAccount, "alice", "/", "AIDAALICE", 2000, {}}});
    b.writes.push_back(SetUserTags{kAccount, "alice", {{"team", "blue"}}});
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }

  int64_t Sequence() { return store_->LoadAll()->sequence; }

  static model::Role Role(const std::string& name) {
    model::Role role;
    role.account_id = kAccount;
    role.name = name;
    role.id = "AROA" + name;
    role.assume_role_policy = R"({"Version":"2012-10-17","Statement":[]})";
    return role;
  }
  static model::User Alice() {
    return {kAccount, "alice", "/", "AIDAALICE", 2000, {{"team", "blue"}}};
  }

  std::unique_ptr<Store> store_;
};

TEST_P(StorePreconditions, UnchangedHoldsOnlyForTheRecordAsRead) {
  model::Role read = Role("Admin");
  ASSERT_TRUE(store_->Commit({{Put<model::Role>{read, true}}}).ok());

  // Two writers read the same role; the first commits, the second's precondition fails.
  model::Role trust = read;
  trust.assume_role_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]})";
  model::Role tagged = read;
  tagged.tags = {{"env", "prod"}};
  ASSERT_TRUE(store_->Commit({{Put<model::Role>{trust}}, {Unchanged(read)}}).ok());
  const int64_t before = Sequence();
  Status lost = store_->Commit(
      {{Put<model::Role>{tagged}, Put<model::Group>{{kAccount, "g", "/", "AGPA1", 1}}},
       {Unchanged(read)}});
  EXPECT_EQ(lost.code(), ErrorCode::kStoreConflict);
  // Nothing of the refused batch was written, not even its unrelated writes.
  auto data = store_->LoadAll();
  EXPECT_EQ(data->sequence, before);
  Directory dir;
  ASSERT_TRUE(dir.Load(*data).ok());
  EXPECT_EQ(dir.Get<model::Group>(model::RecordKey({kAccount, "g"})), nullptr);
  auto stored = dir.Get<model::Role>(read.Key());
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->assume_role_policy, trust.assume_role_policy);
  EXPECT_TRUE(stored->tags.empty());

  // Re-read and decided again, the second change goes through on top of the first.
  model::Role again = *stored;
  again.tags = {{"env", "prod"}};
  ASSERT_TRUE(store_->Commit({{Put<model::Role>{again}}, {Unchanged(*stored)}}).ok());
}

TEST_P(StorePreconditions, AbsentAndGone) {
  model::Role role = Role("Ops");
  EXPECT_TRUE(store_->Commit({{Put<model::Role>{role}}, {Absent<model::Role>(role.Key())}}).ok());
  EXPECT_EQ(store_->Commit({{}, {Absent<model::Role>(role.Key())}}).code(),
            ErrorCode::kStoreConflict);
  ASSERT_TRUE(store_->Commit({{Erase<model::Role>::Of(role)}}).ok());
  // A deleted record fails Unchanged: a write over it would resurrect it.
  EXPECT_EQ(store_->Commit({{Put<model::Role>{role}}, {Unchanged(role)}}).code(),
            ErrorCode::kStoreConflict);
  EXPECT_TRUE(store_->LoadAll()->records.empty());
}

TEST_P(StorePreconditions, FewerCountsUnderAPrefix) {
  // Memberships are keyed user first: a user's groups are one prefix.
  const std::string prefix = model::RecordKey({kAccount, "alice"}) + "/";
  for (int i = 0; i < 3; ++i) {
    model::GroupMember m{kAccount, "alice", "g" + std::to_string(i)};
    ASSERT_TRUE(store_
                    ->Commit({{Put<model::GroupMember>{m}},
                              {ExpectFewer<model::GroupMember>{prefix, 3, {}, {}}}})
                    .ok());
  }
  // Three are there now: a fourth under a quota of three is refused.
  model::GroupMember fourth{kAccount, "alice", "g3"};
  EXPECT_EQ(store_
                ->Commit({{Put<model::GroupMember>{fourth}},
                          {ExpectFewer<model::GroupMember>{prefix, 3, {}, {}}}})
                .code(),
            ErrorCode::kStoreConflict);
  // Another user's memberships, and a prefix that merely starts alike, do not count.
  ASSERT_TRUE(store_
                  ->Commit({{Put<model::GroupMember>{{kAccount, "alicex", "g0"}},
                             Put<model::GroupMember>{{kAccount, "bob", "g0"}}}})
                  .ok());
  EXPECT_TRUE(store_->Commit({{}, {ExpectFewer<model::GroupMember>{prefix, 4, {}, {}}}}).ok());
  EXPECT_TRUE(
      store_
          ->Commit(
              {{}, {NoneUnder<model::GroupMember>(model::RecordKey({kAccount, "carol"}) + "/")}})
          .ok());
  EXPECT_EQ(store_->Commit({{}, {NoneUnder<model::GroupMember>(prefix)}}).code(),
            ErrorCode::kStoreConflict);
}

TEST_P(StorePreconditions, FewerFiltersByAFieldOrAnElementOfAList) {
  model::InstanceProfile profile;
  profile.account_id = kAccount;
  profile.name = "web";
  profile.role_names = {"Admin"};
  model::GroupMember member{kAccount, "alice", "Devs"};
  ASSERT_TRUE(
      store_->Commit({{Put<model::InstanceProfile>{profile}, Put<model::GroupMember>{member}}})
          .ok());
  const std::string in_account = std::string(kAccount) + "/";
  // A scalar field, compared regardless of case.
  EXPECT_EQ(store_->Commit({{}, {NoneUnder<model::GroupMember>(in_account, "group_name", "devs")}})
                .code(),
            ErrorCode::kStoreConflict);
  EXPECT_TRUE(
      store_->Commit({{}, {NoneUnder<model::GroupMember>(in_account, "group_name", "ops")}}).ok());
  // An element of a list field: which instance profiles hold a role.
  EXPECT_EQ(
      store_->Commit({{}, {NoneUnder<model::InstanceProfile>(in_account, "role_names", "ADMIN")}})
          .code(),
      ErrorCode::kStoreConflict);
  EXPECT_TRUE(
      store_->Commit({{}, {NoneUnder<model::InstanceProfile>(in_account, "role_names", "Reader")}})
          .ok());
}

TEST_P(StorePreconditions, SameRangeSeesAChangedOrAddedRecord) {
  model::RolePolicy p1{kAccount, "admin", "P1", "{}"};
  ASSERT_TRUE(store_->Commit({{Put<model::RolePolicy>{p1}}}).ok());
  const std::string prefix = model::RecordKey({kAccount, "admin"}) + "/";
  auto read = std::vector<std::shared_ptr<const model::RolePolicy>>{
      std::make_shared<const model::RolePolicy>(p1)};
  std::vector<Precondition> same;
  AppendSameRange(read, prefix, same);
  EXPECT_TRUE(store_->Commit({{}, same}).ok());
  ASSERT_TRUE(store_->Commit({{Put<model::RolePolicy>{{kAccount, "admin", "P2", "{}"}}}}).ok());
  EXPECT_EQ(store_->Commit({{}, same}).code(), ErrorCode::kStoreConflict);
  ASSERT_TRUE(
      store_->Commit({{Erase<model::RolePolicy>{model::RecordKey({kAccount, "admin", "P2"})}}})
          .ok());
  ASSERT_TRUE(
      store_->Commit({{Put<model::RolePolicy>{{kAccount, "admin", "P1", "{\"x\":1}"}}}}).ok());
  EXPECT_EQ(store_->Commit({{}, same}).code(), ErrorCode::kStoreConflict);
}

TEST_P(StorePreconditions, UserRowWithItsTags) {
  EXPECT_TRUE(store_->Commit({{}, {UserUnchanged(Alice())}}).ok());
  // Looked up regardless of case, like every IAM name.
  EXPECT_TRUE(store_->Commit({{}, {ExpectUser{kAccount, "ALICE", Alice()}}}).ok());
  EXPECT_EQ(store_->Commit({{}, {UserAbsent(kAccount, "Alice")}}).code(),
            ErrorCode::kStoreConflict);
  EXPECT_TRUE(store_->Commit({{}, {UserAbsent(kAccount, "bob")}}).ok());

  // TagUser and UntagUser race: the second writer's tag set rests on a stale read.
  ASSERT_TRUE(store_
                  ->Commit({{SetUserTags{kAccount, "alice", {{"team", "blue"}, {"cc", "7"}}}},
                            {UserUnchanged(Alice())}})
                  .ok());
  EXPECT_EQ(store_->Commit({{SetUserTags{kAccount, "alice", {}}}, {UserUnchanged(Alice())}}).code(),
            ErrorCode::kStoreConflict);
  EXPECT_EQ(store_->LoadAll()->users[0].tags.size(), 2u);

  // A rename changes the row: an update that read the old one is refused.
  model::User tagged = Alice();
  tagged.tags = {{"team", "blue"}, {"cc", "7"}};
  ASSERT_TRUE(
      store_->Commit({{UpdateUser{kAccount, "alice", "alicia", "/"}}, {UserUnchanged(tagged)}})
          .ok());
  EXPECT_EQ(store_->Commit({{}, {UserUnchanged(tagged)}}).code(), ErrorCode::kStoreConflict);
  // And a user deleted and made again under the same name is another user.
  model::User renamed = tagged;
  renamed.name = "alicia";
  ASSERT_TRUE(store_
                  ->Commit({{SetUserTags{kAccount, "alicia", {}}, DeleteUser{kAccount, "alicia"},
                             InsertUser{{kAccount, "alicia", "/", "AIDAOTHER", 3000, {}}},
                             SetUserTags{kAccount, "alicia", tagged.tags}},
                            {UserUnchanged(renamed)}})
                  .ok());
  EXPECT_EQ(store_->Commit({{}, {UserUnchanged(renamed)}}).code(), ErrorCode::kStoreConflict);
}

TEST_P(StorePreconditions, FewerRowsOfAUser) {
  auto key = [](const std::string& id) {
    return InsertAccessKey{{id, kAccount, "alice", "s", model::AccessKeyStatus::kActive, 1}};
  };
  const ExpectFewerOfUser quota{UserTable::kAccessKeys, kAccount, "ALICE", 2};
  ASSERT_TRUE(store_->Commit({{key("AKIA1")}, {quota}}).ok());
  ASSERT_TRUE(store_->Commit({{key("AKIA2")}, {quota}}).ok());
  EXPECT_EQ(store_->Commit({{key("AKIA3")}, {quota}}).code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(store_->LoadAll()->access_keys.size(), 2u);

  const ExpectFewerOfUser no_policies{UserTable::kInlinePolicies, kAccount, "alice", 1};
  const ExpectFewerOfUser no_attached{UserTable::kAttachedPolicies, kAccount, "alice", 1};
  EXPECT_TRUE(store_->Commit({{}, {no_policies, no_attached}}).ok());
  ASSERT_TRUE(store_
                  ->Commit({{PutUserPolicy{{kAccount, "alice", "P", "{}"}},
                             AttachUserPolicy{{kAccount, "alice", "arn:aws:iam::aws:policy/X"}}}})
                  .ok());
  EXPECT_EQ(store_->Commit({{}, {no_policies}}).code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(store_->Commit({{}, {no_attached}}).code(), ErrorCode::kStoreConflict);
}

// Many writers race one quota through State (what handlers do): read, decide, commit with the
// precondition, and on a conflict read and decide again. Exactly the quota gets in.
TEST_P(StorePreconditions, RacingWritersNeverExceedAQuota) {
  State state(*store_);
  ASSERT_TRUE(state.Load().ok());
  constexpr int kQuota = 10;
  const std::string prefix = model::RecordKey({kAccount, "alice"}) + "/";
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int attempt = 0; attempt < 100; ++attempt) {
        if (state.directory().Scan<model::GroupMember>(prefix).size() >= kQuota) return;
        model::GroupMember m{kAccount, "alice", "g" + std::to_string(t)};
        Status s = state.Commit({{Put<model::GroupMember>{m}},
                                 {ExpectFewer<model::GroupMember>{prefix, kQuota, {}, {}}}});
        if (s.ok()) {
          ++added;
          return;
        }
        ASSERT_EQ(s.code(), ErrorCode::kStoreConflict);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), kQuota);
  EXPECT_EQ(state.directory().Scan<model::GroupMember>(prefix).size(), static_cast<size_t>(kQuota));
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePreconditions, testing::ValuesIn(StoreBackends()),
                         BackendName);

// A record written before a field existed reads with the field's default; the comparison is
// of canonical encodings, so such a record still counts as unchanged.
TEST(SqliteStorePreconditions, OlderEncodingsCompareByTheirValue) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("gatehouse-older-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* sql =
      "INSERT INTO records (kind, key, body) VALUES ('group', '111111111111/devs', "
      "'{\"name\":\"Devs\",\"account_id\":\"111111111111\"}')";
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto data = (*store)->LoadAll();
  ASSERT_TRUE(data.ok());
  Directory dir;
  ASSERT_TRUE(dir.Load(*data).ok());
  auto group = dir.Get<model::Group>("111111111111/devs");
  ASSERT_NE(group, nullptr);
  model::Group renamed = *group;
  renamed.path = "/eng/";
  EXPECT_TRUE((*store)->Commit({{Put<model::Group>{renamed}}, {Unchanged(*group)}}).ok());
  EXPECT_EQ((*store)->Commit({{}, {Unchanged(*group)}}).code(), ErrorCode::kStoreConflict);
  store = Result<std::unique_ptr<SqliteStore>>(Status(ErrorCode::kServiceFailure, "closed"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace gatehouse::store
