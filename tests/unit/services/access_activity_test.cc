#include "services/access_activity.h"

#include <gtest/gtest.h>

#include "store/memory_store.h"

namespace gatehouse::services {
namespace {

constexpr char kA[] = "111122223333";

auth::AccessKeyRecord UserKey() {
  return {"AKIAUSER", "s", "arn:aws:iam::111122223333:user/team/alice", kA, "AIDAALICE", true, {}};
}

auth::AccessKeyRecord RoleSession(const std::string& role_id) {
  auto claims = std::make_shared<auth::SessionClaims>();
  claims->account_id = kA;
  claims->principal_arn = "arn:aws:sts::111122223333:assumed-role/App/s1";
  claims->user_id = role_id + ":s1";
  claims->source_arn = "arn:aws:iam::111122223333:role/App";
  claims->role_id = role_id;
  return {"ASIAROLE", "s", claims->principal_arn, kA, claims->user_id, true, claims};
}

auth::AccessKeyRecord RootKey(const std::string& account = kA) {
  return {"AKIAROOT", "s", "arn:aws:iam::" + account + ":root", account, account, true, {}};
}

class AccessActivityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(state_.Load().ok());
    model::Role role;
    role.account_id = kA;
    role.name = "App";
    role.id = "AROAAPP";
    ASSERT_TRUE(
        state_
            .Commit({{store::InsertAccount{{kA, "a", "a@example.com", 0}},
                      store::InsertUser{model::User{kA, "alice", "/team/", "AIDAALICE", 0, {}}},
                      store::Put<model::Role>{role}}})
            .ok());
  }

  store::MemoryStore store_;
  store::State state_{store_};
  AccessActivity activity_;
};

TEST_F(AccessActivityTest, ActingPrincipalIsTheUserTheRoleOrTheRootUser) {
  ActingPrincipal user = ActingPrincipalOf(UserKey());
  EXPECT_EQ(user.id, "AIDAALICE");
  EXPECT_EQ(user.arn, "arn:aws:iam::111122223333:user/team/alice");
  ActingPrincipal role = ActingPrincipalOf(RoleSession("AROAAPP"));
  EXPECT_EQ(role.id, "AROAAPP");
  EXPECT_EQ(role.arn, "arn:aws:iam::111122223333:role/App");
  EXPECT_EQ(ActingPrincipalOf(RootKey()).id, kA);
  EXPECT_EQ(ActingPrincipalOf(RootKey()).arn, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(ActingPrincipalOf(RoleSession("")).id, kA);  // the root user's session
}

TEST_F(AccessActivityTest, RecordedAttemptsAreFoundBeforeAndAfterTheFlush) {
  activity_.Record(UserKey(), "iam", "ListUsers", "us-east-1", 1000);
  activity_.Record(UserKey(), "sts", "GetCallerIdentity", "eu-west-1", 2000);
  activity_.Record(UserKey(), "iam", "ListUsers", "eu-west-1", 3000);
  auto found = activity_.Find(state_.directory(), kA, "AIDAALICE");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->services.at("iam").ms, 3000);
  EXPECT_EQ(found->services.at("iam").region, "eu-west-1");
  EXPECT_EQ(found->actions.at("sts:GetCallerIdentity").ms, 2000);
  ASSERT_TRUE(activity_.Flush(state_).ok());
  auto stored =
      state_.directory().Get<model::PrincipalActivity>(model::RecordKey({kA, "AIDAALICE"}));
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->services.at("iam").ms, 3000);
  EXPECT_EQ(stored->principal_arn, "arn:aws:iam::111122223333:user/team/alice");
  EXPECT_EQ(LatestAttempt(*stored)->ms, 3000);
}

TEST_F(AccessActivityTest, AFlushKeepsTheLaterOfStoredAndRecorded) {
  activity_.Record(UserKey(), "iam", "ListUsers", "us-east-1", 5000);
  ASSERT_TRUE(activity_.Flush(state_).ok());
  // Another instance's older attempt, flushed afterwards, does not move the time back.
  AccessActivity other;
  other.Record(UserKey(), "iam", "ListUsers", "us-east-1", 4000);
  other.Record(UserKey(), "iam", "GetUser", "us-east-1", 4000);
  ASSERT_TRUE(other.Flush(state_).ok());
  auto stored =
      state_.directory().Get<model::PrincipalActivity>(model::RecordKey({kA, "AIDAALICE"}));
  EXPECT_EQ(stored->services.at("iam").ms, 5000);
  EXPECT_EQ(stored->actions.at("iam:GetUser").ms, 4000);
}

TEST_F(AccessActivityTest, DeletedPrincipalsLeaveNothing) {
  activity_.Record(RoleSession("AROAGONE"), "sts", "GetCallerIdentity", "us-east-1", 1000);
  activity_.Record(RootKey("999999999999"), "iam", "ListUsers", "us-east-1", 1000);
  activity_.Record(RootKey(), "iam", "ListUsers", "us-east-1", 1000);
  ASSERT_TRUE(activity_.Flush(state_).ok());
  // The role App exists, but not the one of id AROAGONE: a namesake inherits nothing; nor does
  // an account that does not exist. The root user of one that does is kept.
  auto kept = state_.directory().Scan<model::PrincipalActivity>("");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]->principal_id, kA);
  EXPECT_EQ(kept[0]->principal_arn, "arn:aws:iam::111122223333:root");
}

TEST_F(AccessActivityTest, ARenamedUserKeepsWhatItDidUnderItsOldName) {
  activity_.Record(UserKey(), "iam", "ListUsers", "us-east-1", 1000);
  ASSERT_TRUE(state_.Commit({{store::UpdateUser{kA, "alice", "alicia", "/team/"}}}).ok());
  ASSERT_TRUE(activity_.Flush(state_).ok());
  EXPECT_NE(state_.directory().Get<model::PrincipalActivity>(model::RecordKey({kA, "AIDAALICE"})),
            nullptr);
}

TEST_F(AccessActivityTest, AnAccountsActivityMergesStoredAndRecorded) {
  activity_.Record(UserKey(), "iam", "ListUsers", "us-east-1", 1000);
  ASSERT_TRUE(activity_.Flush(state_).ok());
  activity_.Record(UserKey(), "sts", "GetCallerIdentity", "us-east-1", 2000);
  activity_.Record(RoleSession("AROAAPP"), "sts", "GetCallerIdentity", "us-east-1", 3000);
  std::vector<model::PrincipalActivity> all = activity_.OfAccount(state_.directory(), kA);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].principal_id, "AIDAALICE");
  EXPECT_EQ(all[0].services.size(), 2u);
  EXPECT_EQ(all[1].principal_id, "AROAAPP");
  EXPECT_TRUE(activity_.OfAccount(state_.directory(), "999999999999").empty());
}

TEST_F(AccessActivityTest, AConflictingFlushKeepsTheAttemptsForTheNext) {
  activity_.Record(UserKey(), "iam", "ListUsers", "us-east-1", 1000);
  // A record the directory has not seen yet: the flush's precondition fails.
  model::PrincipalActivity racing{kA, "AIDAALICE", "arn", {{"sts", {900, "us-east-1"}}}, {}};
  ASSERT_TRUE(store_.Commit({{store::Put<model::PrincipalActivity>{racing}}}).ok());
  EXPECT_EQ(activity_.Flush(state_).code(), ErrorCode::kStoreConflict);
  auto pending = activity_.Find(state_.directory(), kA, "AIDAALICE");
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->services.at("iam").ms, 1000);
}

}  // namespace
}  // namespace gatehouse::services
