#include "app/store_copy.h"

#include <gtest/gtest.h>

#include "app/master_key_check.h"
#include "app/standalone_account.h"
#include "services/directory_credentials.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

const std::string kMasterKey(32, 'k');

// A store with a row in every dedicated table and a few records.
StandaloneAccount Populate(store::State& state) {
  SystemRandom random;
  StandaloneAccountRequest request;
  request.name = "dev";
  request.email = "dev@example.com";
  Result<StandaloneAccount> created =
      CreateStandaloneAccount(state, request, kMasterKey, random, 1000);
  EXPECT_TRUE(created.ok()) << created.status().message();
  EXPECT_TRUE(CheckMasterKey(state, kMasterKey, random, 1000).ok());
  const std::string& id = created->account_id;
  model::User carol{id, "carol", "/team/", "AIDACAROL", 2000, {}};
  model::Group ops{id, "ops", "/", "AGPAOPS", 2000};
  model::MfaDevice mfa;
  mfa.account_id = id;
  mfa.name = "carol-phone";
  mfa.sealed_seed = "ab12";
  mfa.user_name = "carol";
  mfa.enabled_ms = 2500;
  store::WriteBatch batch{
      {store::InsertUser{carol}, store::SetUserTags{id, "carol", {{"team", "blue"}, {"a", "b"}}},
       store::PutUserPolicy{{id, "carol", "inline", R"({"Version":"2012-10-17"})"}},
       store::SetAccessKeyLastUsed{{created->access_key_id, 3000, "iam", "us-east-1"}},
       store::Put<model::Group>{ops}, store::Put<model::GroupMember>{{id, "carol", "ops"}},
       store::Put<model::MfaDevice>{mfa}}};
  EXPECT_TRUE(state.Commit(batch).ok());
  return *created;
}

TEST(StoreCopyTest, CopiesEverythingAndTheDigestsAgree) {
  TempDataDir source, target;
  StandaloneAccount created = Populate(source.state());
  Result<StoreCopyReport> report =
      CopyStore(*store::SqliteStore::Open(source.path() + "/gatehouse.db").value(),
                *store::SqliteStore::Open(target.path() + "/gatehouse.db").value());
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->matches());
  EXPECT_EQ(report->source.total, 14);  // 1 account, root, 2 users, key, usage, attachment,
                                        // policy, token, origin, key check, group, member, MFA

  // The copy serves as the source did: the admin's secret opens with the same master key,
  // carol keeps her tags in order, her group and her MFA device.
  target.Reopen();
  const store::Directory& dir = target.state().directory();
  services::DirectoryCredentials credentials(dir, kMasterKey);
  auto key = credentials.FindAccessKey(created.access_key_id);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->secret, created.secret_access_key);
  auto carol = dir.FindUser(created.account_id, "carol");
  ASSERT_NE(carol, nullptr);
  EXPECT_EQ(carol->tags, (std::vector<model::Tag>{{"team", "blue"}, {"a", "b"}}));
  EXPECT_NE(dir.Get<model::MfaDevice>(model::RecordKey({created.account_id, "carol-phone"})),
            nullptr);
  SystemRandom random;
  EXPECT_TRUE(CheckMasterKey(target.state(), kMasterKey, random, 5000).ok());
  EXPECT_FALSE(CheckMasterKey(target.state(), std::string(32, 'x'), random, 5000).ok());
}

TEST(StoreCopyTest, ATargetThatHoldsDataIsRefusedAndLeftAlone) {
  TempDataDir source, target;
  Populate(source.state());
  SystemRandom random;
  ASSERT_TRUE(CheckMasterKey(target.state(), std::string(32, 'x'), random, 1).ok());
  auto target_store = store::SqliteStore::Open(target.path() + "/gatehouse.db").value();
  Result<StoreCopyReport> report =
      CopyStore(*store::SqliteStore::Open(source.path() + "/gatehouse.db").value(), *target_store);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kEntityAlreadyExists);
  EXPECT_NE(report.status().message().find("already holds data (1 master_key_check"),
            std::string::npos)
      << report.status().message();
  EXPECT_EQ(target_store->LoadAll()->records.size(), 1u);
  EXPECT_TRUE(target_store->LoadAll()->accounts.empty());
}

TEST(StoreCopyTest, AnEmptySourceCopiesToAnEmptyTarget) {
  TempDataDir source, target;
  Result<StoreCopyReport> report =
      CopyStore(*store::SqliteStore::Open(source.path() + "/gatehouse.db").value(),
                *store::SqliteStore::Open(target.path() + "/gatehouse.db").value());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->matches());
  EXPECT_EQ(report->target.total, 0);
}

TEST(StoreCopyTest, TheBatchWritesParentsBeforeTheRowsThatReferToThem) {
  TempDataDir source;
  Populate(source.state());
  auto data = store::SqliteStore::Open(source.path() + "/gatehouse.db").value()->LoadAll();
  Result<store::WriteBatch> batch = CopyBatchOf(*data);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->preconditions.empty());
  ASSERT_FALSE(batch->writes.empty());
  EXPECT_TRUE(std::holds_alternative<store::InsertAccount>(batch->writes.front().get()));
  size_t first_key = batch->writes.size(), last_user = 0;
  for (size_t i = 0; i < batch->writes.size(); ++i) {
    if (std::holds_alternative<store::InsertUser>(batch->writes[i].get())) last_user = i;
    if (std::holds_alternative<store::InsertAccessKey>(batch->writes[i].get())) {
      first_key = std::min(first_key, i);
    }
  }
  EXPECT_LT(last_user, first_key);
  EXPECT_TRUE(HoldsData(*data));
  EXPECT_FALSE(HoldsData(store::StoreData{}));
}

}  // namespace
}  // namespace gatehouse::app
