// The contract every Store implementation must meet, run against each of them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "store/change_codec.h"
#include "store/directory.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

class StoreContract : public BackendTest {
 protected:
  // Two writers on one database (two instances), each a store and its loaded State.
  struct Writers {
    std::unique_ptr<Store> store_a, store_b;
    std::unique_ptr<State> a, b;
  };
  Writers OpenTwo() {
    Writers w{Open(), Open(), nullptr, nullptr};
    w.a = std::make_unique<State>(*w.store_a);
    w.b = std::make_unique<State>(*w.store_b);
    EXPECT_TRUE(w.a->Load().ok());
    EXPECT_TRUE(w.b->Load().ok());
    return w;
  }
};

model::Account Account(const std::string& id, const std::string& email) {
  return {id, "acct-" + id, email, 1000};
}
model::User User(const std::string& account, const std::string& name, const std::string& id) {
  return {account, name, "/", id, 2000, {}};
}

TEST_P(StoreContract, StartsEmpty) {
  auto store = Open();
  auto data = store->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_TRUE(data->accounts.empty());
  EXPECT_EQ(data->sequence, 0);
}

TEST_P(StoreContract, CommittedBatchesSurviveReopening) {
  {
    auto store = Open();
    WriteBatch b;
    b.writes.push_back(InsertAccount{Account("111111111111", "a@example.com")});
    b.writes.push_back(InsertRootUser{{"111111111111", "a@example.com", "$argon2id$hash"}});
    b.writes.push_back(InsertUser{User("111111111111", "alice", "AIDAAAAAAAAAAAAAAAAAA")});
    b.writes.push_back(
        InsertAccessKey{{"AKIAAAAAAAAAAAAAAAAA", "111111111111", "alice",
                         std::string("sealed\0bytes", 12), model::AccessKeyStatus::kActive, 3000}});
    ASSERT_TRUE(store->Commit(b).ok());
  }
  auto store = Open();
  auto data = store->LoadAll();
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->accounts.size(), 1u);
  EXPECT_EQ(data->accounts[0].email, "a@example.com");
  ASSERT_EQ(data->roots.size(), 1u);
  EXPECT_EQ(data->roots[0].password_hash, "$argon2id$hash");
  ASSERT_EQ(data->users.size(), 1u);
  EXPECT_EQ(data->users[0].Arn(), "arn:aws:iam::111111111111:user/alice");
  ASSERT_EQ(data->access_keys.size(), 1u);
  EXPECT_EQ(data->access_keys[0].sealed_secret, std::string("sealed\0bytes", 12));
  EXPECT_EQ(data->sequence, 1);
}

TEST_P(StoreContract, UniquenessAndAtomicity) {
  auto store = Open();
  WriteBatch first;
  first.writes.push_back(InsertAccount{Account("111111111111", "a@example.com")});
  first.writes.push_back(InsertUser{User("111111111111", "alice", "AIDA1")});
  ASSERT_TRUE(store->Commit(first).ok());

  WriteBatch same_name_other_case;
  same_name_other_case.writes.push_back(InsertUser{User("111111111111", "bob", "AIDA2")});
  same_name_other_case.writes.push_back(InsertUser{User("111111111111", "ALICE", "AIDA3")});
  EXPECT_EQ(store->Commit(same_name_other_case).code(), ErrorCode::kEntityAlreadyExists);

  WriteBatch same_email;
  same_email.writes.push_back(InsertAccount{Account("222222222222", "A@EXAMPLE.COM")});
  EXPECT_EQ(store->Commit(same_email).code(), ErrorCode::kEntityAlreadyExists);

  auto data = store->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->users.size(), 1u);  // bob was rolled back with ALICE
  EXPECT_EQ(data->accounts.size(), 1u);
  EXPECT_EQ(data->sequence, 1);
}

TEST_P(StoreContract, Deletes) {
  auto store = Open();
  WriteBatch b;
  b.writes.push_back(InsertAccount{Account("111111111111", "a@example.com")});
  b.writes.push_back(InsertUser{User("111111111111", "alice", "AIDA1")});
  ASSERT_TRUE(store->Commit(b).ok());
  ASSERT_TRUE(store->Commit({{DeleteUser{"111111111111", "alice"}}}).ok());
  EXPECT_TRUE(store->LoadAll()->users.empty());
}

TEST_P(StoreContract, RenamesCarryKeysPoliciesAndTags) {
  auto store = Open();
  WriteBatch b;
  b.writes.push_back(InsertAccount{Account("111111111111", "a@example.com")});
  b.writes.push_back(InsertUser{User("111111111111", "alice", "AIDA1")});
  b.writes.push_back(
      InsertAccessKey{{"AKIA1", "111111111111", "alice", "s", model::AccessKeyStatus::kActive, 1}});
  b.writes.push_back(PutUserPolicy{{"111111111111", "alice", "P", "{}"}});
  b.writes.push_back(AttachUserPolicy{{"111111111111", "alice", "arn:aws:iam::aws:policy/X"}});
  b.writes.push_back(SetUserTags{"111111111111", "alice", {{"team", "blue"}, {"Cost", "7"}}});
  ASSERT_TRUE(store->Commit(b).ok());
  ASSERT_TRUE(store->Commit({{UpdateUser{"111111111111", "alice", "alicia", "/eng/"}}}).ok());
  auto data = store->LoadAll();
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->users.size(), 1u);
  EXPECT_EQ(data->users[0].Arn(), "arn:aws:iam::111111111111:user/eng/alicia");
  EXPECT_EQ(data->users[0].tags, (std::vector<model::Tag>{{"team", "blue"}, {"Cost", "7"}}));
  EXPECT_EQ(data->access_keys[0].user_name, "alicia");
  EXPECT_EQ(data->user_policies[0].user_name, "alicia");
  EXPECT_EQ(data->user_attachments[0].user_name, "alicia");
  ASSERT_TRUE(
      store->Commit({{SetAccessKeyStatus{"AKIA1", model::AccessKeyStatus::kInactive}}}).ok());
  EXPECT_EQ(store->LoadAll()->access_keys[0].status, model::AccessKeyStatus::kInactive);
}

TEST_P(StoreContract, RecordsPutCreateEraseAndReload) {
  model::Role role;
  role.account_id = "111111111111";
  role.name = "Admin";
  role.id = "AROAAAAAAAAAAAAAAAAAA";
  role.assume_role_policy = R"({"Version":"2012-10-17","Statement":[]})";
  role.tags = {{"team", "ops"}};
  model::MfaDevice mfa;
  mfa.account_id = "111111111111";
  mfa.name = "alice";
  mfa.sealed_seed = "00ff10";
  {
    auto store = Open();
    ASSERT_TRUE(store->Commit({{Put<model::Role>{role, true}, Put<model::MfaDevice>{mfa}}}).ok());
    // Creating a key that exists fails, whatever the case of the name, and writes nothing.
    model::Role twin = role;
    twin.name = "ADMIN";
    Status again = store->Commit({{Put<model::MfaDevice>{mfa}, Put<model::Role>{twin, true}}});
    EXPECT_EQ(again.code(), ErrorCode::kEntityAlreadyExists);
    // Put without create replaces.
    role.description = "changed";
    ASSERT_TRUE(store->Commit({{Put<model::Role>{role}}}).ok());
    ASSERT_TRUE(store->Commit({{Erase<model::MfaDevice>::Of(mfa)}}).ok());
  }
  auto store = Open();
  auto data = store->LoadAll();
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->records.size(), 1u);
  Directory dir;
  ASSERT_TRUE(dir.Load(*data).ok());
  auto loaded = dir.Get<model::Role>(model::RecordKey({"111111111111", "admin"}));
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->name, "Admin");
  EXPECT_EQ(loaded->description, "changed");
  EXPECT_EQ(loaded->assume_role_policy, role.assume_role_policy);
  EXPECT_EQ(loaded->tags, role.tags);
  EXPECT_EQ(dir.Get<model::MfaDevice>(mfa.Key()), nullptr);
}

// Two writers on one database (two instances): each one's sequence numbers count every
// commit, and a State catches up with what the other committed.
TEST_P(StoreContract, StatesFollowAnotherWritersCommits) {
  Writers writers = OpenTwo();
  Store* store_a = writers.store_a.get();
  Store* store_b = writers.store_b.get();
  State& a = *writers.a;
  State& b = *writers.b;
  ASSERT_TRUE(a.Commit({{InsertAccount{Account("111111111111", "a@example.com")}}}).ok());
  EXPECT_EQ(store_a->last_commit_sequence(), 1);
  EXPECT_EQ(a.sequence(), 1);
  EXPECT_EQ(*store_b->LatestSequence(), 1);
  EXPECT_EQ(b.directory().FindAccount("111111111111"), nullptr);
  EXPECT_TRUE(*b.CatchUp());
  EXPECT_NE(b.directory().FindAccount("111111111111"), nullptr);
  EXPECT_FALSE(*b.CatchUp());  // nothing new

  // b commits after a's next commit, which it has not seen: the commit applies a's batch and
  // its own from the feed, in order.
  ASSERT_TRUE(a.Commit({{InsertUser{User("111111111111", "alice", "AIDA1")}}}).ok());
  ASSERT_TRUE(b.Commit({{InsertUser{User("111111111111", "bob", "AIDA2")}}}).ok());
  EXPECT_EQ(store_b->last_commit_sequence(), 3);
  EXPECT_EQ(b.sequence(), 3);
  EXPECT_NE(b.directory().FindUser("111111111111", "alice"), nullptr);
  EXPECT_NE(b.directory().FindUser("111111111111", "bob"), nullptr);
  EXPECT_FALSE(*b.CatchUp());
  EXPECT_TRUE(*a.CatchUp());
  EXPECT_NE(a.directory().FindUser("111111111111", "bob"), nullptr);

  // A decision on a stale directory is refused by its precondition, and the refusal brings the
  // directory up to date for the next run.
  ASSERT_TRUE(a.Commit({{SetUserTags{"111111111111", "bob", {{"k", "v"}}}}}).ok());
  auto stale_bob = b.directory().FindUser("111111111111", "bob");
  ASSERT_NE(stale_bob, nullptr);
  Status refused = b.Commit({{DeleteUser{"111111111111", "bob"}}, {UserUnchanged(*stale_bob)}});
  EXPECT_EQ(refused.code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(b.directory().FindUser("111111111111", "bob")->tags.size(), 1u);
  EXPECT_EQ(b.sequence(), 4);
}

// The change feed keeps each batch's writes: another writer reads exactly what was committed,
// in order, and a directory following it ends where the writer's own did.
TEST_P(StoreContract, TheFeedKeepsEveryBatchsWrites) {
  Writers writers = OpenTwo();
  Store* store_b = writers.store_b.get();
  State& a = *writers.a;
  State& b = *writers.b;
  model::Role role;
  role.account_id = "111111111111";
  role.name = "Admin";
  role.id = "AROAAAAAAAAAAAAAAAAAA";
  std::vector<WriteBatch> batches = {
      {{InsertAccount{Account("111111111111", "a@example.com")},
        InsertRootUser{{"111111111111", "a@example.com", "$argon2id$hash"}},
        InsertUser{User("111111111111", "alice", "AIDAAAAAAAAAAAAAAAAAA")}}},
      {{InsertAccessKey{{"AKIAAAAAAAAAAAAAAAAA", "111111111111", "alice",
                         std::string("sealed\0\xff", 8), model::AccessKeyStatus::kActive, 3}},
        SetUserTags{"111111111111", "alice", {{"team", "blue"}}},
        Put<model::Role>{role, /*create=*/true}}},
      {{UpdateUser{"111111111111", "alice", "Alicia", "/ops/"},
        SetAccessKeyStatus{"AKIAAAAAAAAAAAAAAAAA", model::AccessKeyStatus::kInactive},
        Erase<model::Role>::Of(role)}},
  };
  for (const WriteBatch& batch : batches) ASSERT_TRUE(a.Commit(batch).ok());

  auto changes = store_b->ChangesAfter(0, 10);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    ASSERT_TRUE((*changes)[i].writes.has_value());
    EXPECT_EQ(EncodeWrites(*(*changes)[i].writes), EncodeWrites(batches[i].writes));
  }
  auto after_first = store_b->ChangesAfter((*changes)[0].sequence, 1);
  ASSERT_TRUE(after_first.ok());
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ((*after_first)[0].sequence, (*changes)[1].sequence);

  EXPECT_TRUE(*b.CatchUp());
  EXPECT_EQ(b.sequence(), a.sequence());
  auto alicia = b.directory().FindUser("111111111111", "alicia");
  ASSERT_NE(alicia, nullptr);
  EXPECT_EQ(alicia->path, "/ops/");
  EXPECT_EQ(alicia->tags.size(), 1u);
  auto key = b.directory().FindAccessKey("AKIAAAAAAAAAAAAAAAAA");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->user_name, "Alicia");
  EXPECT_EQ(key->status, model::AccessKeyStatus::kInactive);
  EXPECT_EQ(key->sealed_secret, std::string("sealed\0\xff", 8));
  EXPECT_EQ(b.directory().Get<model::Role>(role.Key()), nullptr);
}

// Prune after prune, the feed forgets the writes of exactly the batches older than the latest
// kFeedKept (each prune starting where the one before it stopped), and keeps the others'.
TEST_P(StoreContract, PruneAfterPruneTheFeedKeepsTheLatestBatchesWrites) {
  std::unique_ptr<Store> store = Open();
  constexpr int64_t kGroup = 250;  // kFeedPruneEvery is a multiple
  const int64_t total = kFeedKept + 2 * kFeedPruneEvery;
  for (int64_t first = 1; first <= total; first += kGroup) {
    std::vector<WriteBatch> batches;
    for (int64_t n = first; n < first + kGroup; ++n) {
      batches.push_back({{SetAccessKeyLastUsed{{"AKIA" + std::to_string(n), n, "iam", "r"}}}});
    }
    std::vector<const WriteBatch*> group;
    for (const WriteBatch& b : batches) group.push_back(&b);
    for (const Result<int64_t>& r : store->CommitGroup(group)) ASSERT_TRUE(r.ok());
  }
  // Numbered from 1: the last prune was at `total`, forgetting up to total - kFeedKept.
  auto changes = store->ChangesAfter(0, total);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), static_cast<size_t>(total));
  for (const Change& change : *changes) {
    ASSERT_EQ(change.writes.has_value(), change.sequence > total - kFeedKept) << change.sequence;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, testing::ValuesIn(StoreBackends()), BackendName);

TEST(SqliteStoreTest, MigratesToTheLatestSchema) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("gatehouse-migrate-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->schema_version(), static_cast<int>(kMigrations.size()));
  store = SqliteStore::Open(path);  // reopening applies nothing twice
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::filesystem::remove(path);
}

TEST(DirectoryTest, StateAppliesAfterCommit) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("gatehouse-state-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  State state(**store);
  ASSERT_TRUE(state.Load().ok());
  EXPECT_TRUE(state.directory().empty());
  WriteBatch b;
  b.writes.push_back(InsertAccount{Account("111111111111", "a@example.com")});
  b.writes.push_back(InsertUser{User("111111111111", "alice", "AIDA1")});
  ASSERT_TRUE(state.Commit(b).ok());
  EXPECT_NE(state.directory().FindUser("111111111111", "alice"), nullptr);
  EXPECT_FALSE(state.Commit({{InsertUser{User("111111111111", "Alice", "AIDA2")}}}).ok());
  // The refused write left the directory alone; lookups ignore case, as IAM's do.
  auto alice = state.directory().FindUser("111111111111", "ALICE");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->id, "AIDA1");
  std::filesystem::remove(path);
}

TEST(DirectoryTest, ScansByPrefixWithMarkerAndCountsAttachments) {
  Directory dir;
  WriteBatch b;
  for (const char* name : {"b", "a", "c", "d"}) {
    model::Group g;
    g.account_id = "111111111111";
    g.name = name;
    b.writes.push_back(Put<model::Group>{g});
  }
  model::Group other;
  other.account_id = "222222222222";
  other.name = "a";
  b.writes.push_back(Put<model::Group>{other});
  const std::string arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  b.writes.push_back(Put<model::GroupAttachment>{{"111111111111", "a", arn}});
  b.writes.push_back(Put<model::GroupAttachment>{{"111111111111", "a", arn}});  // same key
  b.writes.push_back(Put<model::RoleAttachment>{{"111111111111", "r", arn}});
  b.writes.push_back(AttachUserPolicy{{"111111111111", "u", arn}});
  dir.Apply(b);
  auto page = dir.Scan<model::Group>("111111111111/", "", 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]->name, "a");
  EXPECT_EQ(page[1]->name, "b");
  auto rest = dir.Scan<model::Group>("111111111111/", page[1]->Key());
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0]->name, "c");
  EXPECT_EQ(rest[1]->name, "d");
  EXPECT_EQ(dir.AttachmentCount("111111111111", arn), 3);
  EXPECT_EQ(dir.AttachmentCount("222222222222", arn), 0);
  dir.Apply({{Erase<model::GroupAttachment>{model::RecordKey({"111111111111", "a", arn})},
              DetachUserPolicy{{"111111111111", "u", arn}}}});
  EXPECT_EQ(dir.AttachmentCount("111111111111", arn), 1);
}

}  // namespace
}  // namespace gatehouse::store
