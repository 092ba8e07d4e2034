// The constraints of the store's schema (migrations.h) that every Store enforces as the SQL
// engines do — keys, names unique regardless of case, references to accounts and users — and a
// batch refused by one of them leaving every table as it was; run against each Store.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/change_codec.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

constexpr char kAccount[] = "111111111111";
constexpr char kArn[] = "arn:aws:iam::aws:policy/ReadOnlyAccess";

using StoreConstraints = BackendTest;

// Everything LoadAll returns, one line a row, in an order of its own (engines list rows in
// theirs): two snapshots are equal when the stores hold the same data.
std::vector<std::string> Snapshot(Store& store) {
  Result<StoreData> data = store.LoadAll();
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  std::vector<Write> rows;
  for (const auto& a : data->accounts) rows.push_back(InsertAccount{a});
  for (const auto& r : data->roots) rows.push_back(InsertRootUser{r});
  for (const auto& u : data->users) rows.push_back(InsertUser{u});
  for (const auto& k : data->access_keys) rows.push_back(InsertAccessKey{k});
  for (const auto& p : data->user_policies) rows.push_back(PutUserPolicy{p});
  for (const auto& a : data->user_attachments) rows.push_back(AttachUserPolicy{a});
  for (const auto& t : data->root_reset_tokens) rows.push_back(InsertRootResetToken{t});
  for (const auto& u : data->key_usage) rows.push_back(SetAccessKeyLastUsed{u});
  std::vector<std::string> lines;
  for (const Write& w : rows) lines.push_back(EncodeWrites({w}));
  for (const RawRecord& r : data->records) lines.push_back(r.kind + " " + r.key + " " + r.body);
  lines.push_back("sequence " + std::to_string(data->sequence));
  std::sort(lines.begin(), lines.end());
  return lines;
}

WriteBatch AccountWithAlice() {
  return {{InsertAccount{{kAccount, "acct", "a@example.com", 1000}},
           InsertRootUser{{kAccount, "a@example.com", "$argon2id$old"}},
           InsertUser{{kAccount, "alice", "/", "AIDAALICE", 2000, {}}}}};
}

TEST_P(StoreConstraints, RowsReferToAnAccountAndAUserThatExist) {
  auto store = Open();
  ASSERT_TRUE(store->Commit(AccountWithAlice()).ok());
  auto refused = [&store](Write w) {
    return store->Commit({{std::move(w)}}).code() == ErrorCode::kEntityAlreadyExists;
  };
  EXPECT_TRUE(refused(InsertUser{{"222222222222", "bob", "/", "AIDABOB", 1, {}}}));
  EXPECT_TRUE(refused(InsertRootResetToken{{"hash", "222222222222", 1}}));
  // A user is referred to by its exact name.
  EXPECT_TRUE(refused(SetUserTags{kAccount, "ALICE", {{"k", "v"}}}));
  EXPECT_TRUE(refused(PutUserPolicy{{kAccount, "bob", "P", "{}"}}));
  EXPECT_TRUE(refused(AttachUserPolicy{{kAccount, "Alice", kArn}}));
  // Clearing the tags of nobody writes no row, so it refers to nobody.
  EXPECT_TRUE(store->Commit({{SetUserTags{kAccount, "bob", {}}}}).ok());

  ASSERT_TRUE(store->Commit({{AttachUserPolicy{{kAccount, "alice", kArn}}}}).ok());
  EXPECT_TRUE(refused(AttachUserPolicy{{kAccount, "alice", kArn}}));  // attached already
  // A user others' rows refer to is not deleted until they are.
  EXPECT_TRUE(refused(DeleteUser{kAccount, "alice"}));
  ASSERT_TRUE(
      store->Commit({{DetachUserPolicy{{kAccount, "alice", kArn}}, DeleteUser{kAccount, "alice"}}})
          .ok());
  EXPECT_TRUE(store->LoadAll()->users.empty());
  EXPECT_EQ(store->LoadAll()->sequence, 4);
}

TEST_P(StoreConstraints, UserIdsAndAccountIdsAreUnique) {
  auto store = Open();
  ASSERT_TRUE(store->Commit(AccountWithAlice()).ok());
  EXPECT_EQ(store->Commit({{InsertUser{{kAccount, "bob", "/", "AIDAALICE", 1, {}}}}}).code(),
            ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(store->Commit({{InsertAccount{{kAccount, "other", "b@example.com", 1}}}}).code(),
            ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(
      store
          ->Commit(
              {{InsertAccessKey{{"AKIA1", kAccount, "", "s", model::AccessKeyStatus::kActive, 1}},
                InsertAccessKey{
                    {"AKIA1", kAccount, "alice", "t", model::AccessKeyStatus::kActive, 2}}}})
          .code(),
      ErrorCode::kEntityAlreadyExists);
  // A rename onto another user's name, in any case, is refused too.
  ASSERT_TRUE(store->Commit({{InsertUser{{kAccount, "bob", "/", "AIDABOB", 1, {}}}}}).ok());
  EXPECT_EQ(store->Commit({{UpdateUser{kAccount, "bob", "Alice", "/"}}}).code(),
            ErrorCode::kEntityAlreadyExists);
  // Renaming a user to another case of its own name is no clash.
  EXPECT_TRUE(store->Commit({{UpdateUser{kAccount, "alice", "Alice", "/"}}}).ok());
  EXPECT_EQ(store->LoadAll()->users.size(), 2u);
}

TEST_P(StoreConstraints, ARenameMustLeaveEveryReferenceWhole) {
  auto store = Open();
  WriteBatch setup = AccountWithAlice();
  setup.writes.push_back(SetUserTags{kAccount, "alice", {{"team", "blue"}}});
  ASSERT_TRUE(store->Commit(setup).ok());
  const std::vector<std::string> before = Snapshot(*store);
  // After a rename the references are checked at the end of the batch: a deletion that leaves
  // the tags without their user fails the whole batch, rename included.
  EXPECT_FALSE(
      store
          ->Commit({{UpdateUser{kAccount, "alice", "alicia", "/"}, DeleteUser{kAccount, "alicia"}}})
          .ok());
  EXPECT_EQ(Snapshot(*store), before);
  // One that clears them first goes through.
  EXPECT_TRUE(store
                  ->Commit({{UpdateUser{kAccount, "alice", "alicia", "/"},
                             DeleteUser{kAccount, "alicia"}, SetUserTags{kAccount, "alicia", {}}}})
                  .ok());
  EXPECT_TRUE(store->LoadAll()->users.empty());
}

TEST_P(StoreConstraints, AResetTokenWorksOnceAndTakesTheAccountsOthers) {
  auto store = Open();
  WriteBatch setup = AccountWithAlice();
  setup.writes.push_back(InsertAccount{{"222222222222", "b", "b@example.com", 1}});
  setup.writes.push_back(InsertRootResetToken{{"t1", kAccount, 9}});
  setup.writes.push_back(InsertRootResetToken{{"t2", kAccount, 9}});
  setup.writes.push_back(InsertRootResetToken{{"t3", "222222222222", 9}});
  ASSERT_TRUE(store->Commit(setup).ok());
  // Another account's token does not reset this one's password.
  EXPECT_EQ(store->Commit({{ResetRootPassword{"t3", kAccount, "$argon2id$new"}}}).code(),
            ErrorCode::kNoSuchEntity);
  ASSERT_TRUE(store->Commit({{ResetRootPassword{"t1", kAccount, "$argon2id$new"}}}).ok());
  auto data = store->LoadAll();
  ASSERT_EQ(data->roots.size(), 1u);
  EXPECT_EQ(data->roots[0].password_hash, "$argon2id$new");
  ASSERT_EQ(data->root_reset_tokens.size(), 1u);
  EXPECT_EQ(data->root_reset_tokens[0].token_hash, "t3");
  EXPECT_EQ(store->Commit({{ResetRootPassword{"t1", kAccount, "$argon2id$again"}}}).code(),
            ErrorCode::kNoSuchEntity);
  EXPECT_EQ(store->Commit({{ResetRootPassword{"t2", kAccount, "$argon2id$again"}}}).code(),
            ErrorCode::kNoSuchEntity);
  EXPECT_EQ(store->LoadAll()->roots[0].password_hash, "$argon2id$new");
}

// A batch that writes to every table and then breaks a constraint leaves each as it was.
TEST_P(StoreConstraints, ARefusedBatchLeavesEveryTableAsItWas) {
  auto store = Open();
  model::Role role;
  role.account_id = kAccount;
  role.name = "Admin";
  role.id = "AROAADMIN";
  model::Group group{kAccount, "devs", "/", "AGPADEVS", 1};
  WriteBatch setup = AccountWithAlice();
  setup.writes.push_back(SetUserTags{kAccount, "alice", {{"team", "blue"}}});
  setup.writes.push_back(InsertAccessKey{
      {"AKIA1", kAccount, "alice", std::string("s\0x", 3), model::AccessKeyStatus::kActive, 1}});
  setup.writes.push_back(
      InsertAccessKey{{"AKIA2", kAccount, "alice", "t", model::AccessKeyStatus::kActive, 2}});
  setup.writes.push_back(SetAccessKeyLastUsed{{"AKIA2", 3, "iam", "us-east-1"}});
  setup.writes.push_back(PutUserPolicy{{kAccount, "alice", "P", "{}"}});
  setup.writes.push_back(AttachUserPolicy{{kAccount, "alice", kArn}});
  setup.writes.push_back(InsertRootResetToken{{"t1", kAccount, 9}});
  setup.writes.push_back(Put<model::Role>{role, true});
  setup.writes.push_back(Put<model::Group>{group, true});
  ASSERT_TRUE(store->Commit(setup).ok());
  const std::vector<std::string> before = Snapshot(*store);

  model::Role changed = role;
  changed.description = "changed";
  Status refused = store->Commit(
      {{SetUserTags{kAccount, "alice", {{"team", "red"}, {"cc", "7"}}},
        PutUserPolicy{{kAccount, "alice", "P", "{\"changed\":true}"}},
        PutUserPolicy{{kAccount, "alice", "P2", "{}"}},
        AttachUserPolicy{{kAccount, "alice", "arn:aws:iam::aws:policy/Other"}},
        SetAccessKeyStatus{"AKIA1", model::AccessKeyStatus::kInactive},
        SetAccessKeyLastUsed{{"AKIA1", 5, "sts", "eu-west-1"}}, DeleteAccessKey{"AKIA2"},
        InsertRootResetToken{{"t2", kAccount, 9}}, ResetRootPassword{"t1", kAccount, "$new"},
        Put<model::Role>{changed}, Erase<model::Group>::Of(group),
        InsertUser{{kAccount, "bob", "/", "AIDABOB", 3, {}}},
        UpdateUser{kAccount, "alice", "alicia", "/eng/"},
        InsertAccount{{"222222222222", "other", "A@EXAMPLE.COM", 1}}}});
  EXPECT_EQ(refused.code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(Snapshot(*store), before);
  // And the store goes on from there.
  EXPECT_TRUE(store->Commit({{UpdateUser{kAccount, "alice", "alicia", "/eng/"}}}).ok());
  EXPECT_NE(Snapshot(*store), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConstraints, testing::ValuesIn(StoreBackends()),
                         BackendName);

}  // namespace
}  // namespace gatehouse::store
