// The IAM quotas on groups that the integration tests cannot reach through the API of this
// build: 10 managed policies per group (and per user) need 11 distinct attachable policies,
// which are written here straight into the store as customer managed policies; 300 groups per
// account. Requests go through the Dispatcher, signed, as an SDK sends them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/uri.h"
#include "services/iam/iam_context.h"
#include "signed_request.h"
#include "store/sqlite_store.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1795935600;  // 2026-11-29T07:00:00Z
constexpr char kAccount[] = "111111111111";
constexpr char kKeyId[] = "AKIAEXAMPLEKEY000001";
constexpr char kSecret[] = "secret-1";

// Everything is allowed: the quotas, not authorization, are under test.
class AllowAll : public PolicySource {
 public:
  authz::PrincipalPolicies Policies(const auth::AccessKeyRecord&) const override {
    return {{{R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*",)"
              R"("Resource":"*"}})",
              "AllowAll"}},
            std::nullopt,
            std::nullopt};
  }
  std::map<std::string, std::string> PrincipalTags(const auth::AccessKeyRecord&) const override {
    return {};
  }
  ResourceInfo Resource(authz::ResourceForm, const auth::AccessKeyRecord&,
                        const json&) const override {
    return {"arn:aws:iam::111111111111:group/any", {}, "", ""};
  }
};

class GroupQuotasTest : public ::testing::Test {
 protected:
  GroupQuotasTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("gatehouse-group-quotas-" + std::to_string(getpid()))),
        models_(*protocol::ModelRegistry::LoadEmbedded()),
        catalog_(*iam::ManagedPolicyCatalog::LoadEmbedded()),
        dispatcher_(models_, credentials_, policies_, random_, [] { return kNow; }) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::move(store::SqliteStore::Open(dir_ + "/gatehouse.db")).value();
    state_ = std::make_unique<store::State>(*db_);
    EXPECT_TRUE(state_->Load().ok());
    EXPECT_TRUE(
        state_->Commit({{store::InsertAccount{{kAccount, "test", "ops@example.com", 0}}}}).ok());
    iam_ = std::make_unique<iam::IamContext>(
        iam::IamContext{*state_, catalog_, random_, std::string(32, 'k'),
                        [] { return kNow * 1000; }, usage_, activity_});
    iam::RegisterUserOperations(dispatcher_, *iam_);
    iam::RegisterUserPolicyOperations(dispatcher_, *iam_);
    iam::RegisterGroupOperations(dispatcher_, *iam_);
    iam::RegisterGroupPolicyOperations(dispatcher_, *iam_);
    credentials_.Add({kKeyId, kSecret, std::string("arn:aws:iam::") + kAccount + ":root", kAccount,
                      kAccount, true, nullptr});
  }
  ~GroupQuotasTest() override { std::filesystem::remove_all(dir_); }

  HttpResponse Call(const std::string& action, const std::string& params) {
    HttpRequest r = testing_support::Form("Action=" + action + "&Version=2010-05-08&" + params);
    testing_support::Sign(r, kKeyId, kSecret, "iam", kNow);
    return dispatcher_.Handle(r);
  }

  // Customer managed policies p0…p(n-1) of the account, written straight into the store.
  std::vector<std::string> CustomerPolicies(int n) {
    store::WriteBatch batch;
    std::vector<std::string> arns;
    for (int i = 0; i < n; ++i) {
      model::ManagedPolicy p;
      p.account_id = kAccount;
      p.name = "p" + std::to_string(i);
      p.id = "ANPAEXAMPLE" + std::to_string(i);
      p.versions = {{"v1",
                     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                     R"("Action":"iam:GetUser","Resource":"*"}})",
                     kNow * 1000}};
      arns.push_back(p.Arn());
      batch.writes.push_back(store::Put<model::ManagedPolicy>{p, true});
    }
    EXPECT_TRUE(state_->Commit(batch).ok());
    return arns;
  }

  static void ExpectError(const HttpResponse& r, int status, const std::string& code,
                          const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find("<Code>" + code + "</Code><Message>" + message + "</Message>"),
              std::string::npos)
        << r.body;
  }

  std::string dir_;
  protocol::ModelRegistry models_;
  iam::ManagedPolicyCatalog catalog_;
  auth::InMemoryCredentials credentials_;
  AllowAll policies_;
  SystemRandom random_;
  KeyUsage usage_;
  AccessActivity activity_;
  Dispatcher dispatcher_;
  std::unique_ptr<store::SqliteStore> db_;
  std::unique_ptr<store::State> state_;
  std::unique_ptr<iam::IamContext> iam_;
};

TEST_F(GroupQuotasTest, TenManagedPoliciesPerGroup) {
  std::vector<std::string> arns = CustomerPolicies(11);
  ASSERT_EQ(Call("CreateGroup", "GroupName=Full").status, 200);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Call("AttachGroupPolicy", "GroupName=Full&PolicyArn=" + UriEncode(arns[i])).status,
              200);
  }
  ExpectError(Call("AttachGroupPolicy", "GroupName=Full&PolicyArn=" + UriEncode(arns[10])), 409,
              "LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10");
  // Attaching one already attached is no new attachment.
  EXPECT_EQ(Call("AttachGroupPolicy", "GroupName=Full&PolicyArn=" + UriEncode(arns[3])).status,
            200);
  HttpResponse page = Call("ListAttachedGroupPolicies", "GroupName=Full&MaxItems=4");
  EXPECT_NE(page.body.find("<IsTruncated>true</IsTruncated><Marker>"), std::string::npos)
      << page.body;
  ASSERT_EQ(Call("DetachGroupPolicy", "GroupName=Full&PolicyArn=" + UriEncode(arns[0])).status,
            200);
  EXPECT_EQ(Call("AttachGroupPolicy", "GroupName=Full&PolicyArn=" + UriEncode(arns[10])).status,
            200);
  // Each attachment counts once for the policy (what DeletePolicy and ListEntities read).
  EXPECT_EQ(state_->directory().AttachmentCount(kAccount, arns[10]), 1);
  EXPECT_EQ(state_->directory().AttachmentCount(kAccount, arns[0]), 0);
}

TEST_F(GroupQuotasTest, RenameKeepsAttachmentCounts) {
  std::vector<std::string> arns = CustomerPolicies(2);
  ASSERT_EQ(Call("CreateGroup", "GroupName=Old").status, 200);
  ASSERT_EQ(Call("AttachGroupPolicy", "GroupName=Old&PolicyArn=" + UriEncode(arns[0])).status, 200);
  ASSERT_EQ(Call("UpdateGroup", "GroupName=Old&NewGroupName=New").status, 200);
  EXPECT_EQ(state_->directory().AttachmentCount(kAccount, arns[0]), 1);
  ExpectError(Call("DetachGroupPolicy", "GroupName=Old&PolicyArn=" + UriEncode(arns[0])), 404,
              "NoSuchEntity", "The group with name Old cannot be found.");
  EXPECT_EQ(Call("DetachGroupPolicy", "GroupName=New&PolicyArn=" + UriEncode(arns[0])).status, 200);
  EXPECT_EQ(state_->directory().AttachmentCount(kAccount, arns[0]), 0);
}

TEST_F(GroupQuotasTest, TenManagedPoliciesPerUser) {
  std::vector<std::string> arns = CustomerPolicies(11);
  ASSERT_EQ(Call("CreateUser", "UserName=full").status, 200);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Call("AttachUserPolicy", "UserName=full&PolicyArn=" + UriEncode(arns[i])).status,
              200);
  }
  ExpectError(Call("AttachUserPolicy", "UserName=full&PolicyArn=" + UriEncode(arns[10])), 409,
              "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10");
}

TEST_F(GroupQuotasTest, ThreeHundredGroupsPerAccount) {
  store::WriteBatch batch;
  for (int i = 0; i < 300; ++i) {
    batch.writes.push_back(store::Put<model::Group>{
        {kAccount, "g" + std::to_string(i), "/", "AGPAEXAMPLE" + std::to_string(i), 0}, true});
  }
  ASSERT_TRUE(state_->Commit(batch).ok());
  ExpectError(Call("CreateGroup", "GroupName=OneTooMany"), 409, "LimitExceeded",
              "Cannot exceed quota for GroupsPerAccount: 300");
  ASSERT_EQ(Call("DeleteGroup", "GroupName=g0").status, 200);
  EXPECT_EQ(Call("CreateGroup", "GroupName=OneTooMany").status, 200);
}

}  // namespace
}  // namespace gatehouse::services
