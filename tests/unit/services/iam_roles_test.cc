// The role rules that the integration tests cannot reach through the API on their own: the
// attached-policy quota (it needs eleven attachable policies), the shared inline-policy checks,
// the trust-policy quota, the views of a role, CreateServiceLinkedRoleFor, and ScanPage over a
// filtered table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "services/iam/attachments.h"
#include "services/iam/pagination.h"
#include "services/iam/role_common.h"
#include "services/iam/service_linked_roles.h"
#include "temp_iam_state.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr char kAccount[] = "123456789012";
constexpr char kAllowS3[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

class IamRolesTest : public testing::Test {
 protected:
  // Customer managed policy `name` of kAccount, committed; returns its ARN.
  std::string CreatePolicy(const std::string& name) {
    model::ManagedPolicy p;
    p.account_id = kAccount;
    p.name = name;
    p.id = "ANPA" + name;
    p.versions = {{"v1", kAllowS3, 1}};
    EXPECT_TRUE(state_->Commit({{store::Put<model::ManagedPolicy>{p, true}}}).ok());
    return p.Arn();
  }

  testing_support::TempIamState temp_{"", [] { return int64_t{1700000000000}; }};
  store::State* state_ = &temp_.state();
  IamContext* iam_ = &temp_.iam();
};

TEST_F(IamRolesTest, TenManagedPoliciesAtMost) {
  std::vector<std::string> attached;
  for (int i = 0; i < 10; ++i) {
    std::string arn = CreatePolicy("p" + std::to_string(i));
    Result<bool> attach = CheckAttach(*iam_, kAccount, attached, arn, kRoleTarget);
    ASSERT_TRUE(attach.ok()) << attach.status().message();
    EXPECT_TRUE(*attach);
    attached.push_back(arn);
  }
  std::string eleventh = CreatePolicy("p10");
  Result<bool> over = CheckAttach(*iam_, kAccount, attached, eleventh, kRoleTarget);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(over.status().message(), "Cannot exceed quota for PoliciesPerRole: 10");
  // Attaching one already attached is no change, even when full.
  Result<bool> again = CheckAttach(*iam_, kAccount, attached, attached[3], kRoleTarget);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  // An unknown policy is NoSuchEntity before any quota.
  std::string missing = "arn:aws:iam::123456789012:policy/missing";
  Result<bool> unknown = CheckAttach(*iam_, kAccount, attached, missing, kRoleTarget);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(unknown.status().message(),
            "Policy " + missing + " does not exist or is not attachable.");
  // Another account's customer policy is not attachable here.
  Result<bool> foreign = CheckAttach(*iam_, "210987654321", {}, attached[0], kRoleTarget);
  EXPECT_EQ(foreign.status().code(), ErrorCode::kNoSuchEntity);
}

TEST_F(IamRolesTest, AServiceRolePolicyIsNotAttachable) {
  const std::string arn =
      "arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy";
  Result<bool> role = CheckAttach(*iam_, kAccount, {}, arn, kRoleTarget);
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), ErrorCode::kPolicyNotAttachable);
  EXPECT_EQ(role.status().message(), "Cannot attach a Service Role Policy to a Customer Role.");
  Result<bool> user = CheckAttach(*iam_, kAccount, {}, arn, kUserTarget);
  EXPECT_EQ(user.status().message(), "Cannot attach a Service Role Policy to a User.");
  Result<bool> group = CheckAttach(*iam_, kAccount, {}, arn, kGroupTarget);
  EXPECT_EQ(group.status().code(), ErrorCode::kPolicyNotAttachable);
  // Another AWS managed policy is attachable.
  EXPECT_TRUE(
      CheckAttach(*iam_, kAccount, {}, "arn:aws:iam::aws:policy/ReadOnlyAccess", kRoleTarget).ok());
}

TEST_F(IamRolesTest, DetachNeedsAnAttachedPolicy) {
  std::string arn = "arn:aws:iam::aws:policy/AdministratorAccess";
  EXPECT_TRUE(CheckDetach({arn}, arn).ok());
  Status s = CheckDetach({}, arn);
  EXPECT_EQ(s.code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(s.message(), "Policy " + arn + " was not found.");
}

TEST_F(IamRolesTest, PutInlinePolicyKeepsTheFirstSpellingAndTheQuota) {
  auto policy = [](const std::string& name, const std::string& doc) {
    return std::make_shared<const model::RolePolicy>(model::RolePolicy{kAccount, "r", name, doc});
  };
  std::vector<std::shared_ptr<const model::RolePolicy>> existing = {policy("Read", kAllowS3)};
  Result<std::string> name = CheckInlinePolicyPut(existing, "READ", kAllowS3, "role", "r");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "Read");
  EXPECT_EQ(FindInlinePolicy(existing, "read"), existing[0]);
  EXPECT_EQ(FindInlinePolicy(existing, "write"), nullptr);

  std::string big = std::string(kAllowS3);
  big.replace(big.find("\"*\"}"), 3,
              "\"arn:aws:s3:::" + std::string(10240 - big.size() - 12, 'b') + "\"");
  ASSERT_EQ(big.size(), 10240u);
  EXPECT_TRUE(CheckInlinePolicyPut<model::RolePolicy>({}, "big", big, "role", "r").ok());
  // The replaced policy does not count; another one does.
  EXPECT_TRUE(CheckInlinePolicyPut(existing, "read", big, "role", "r").ok());
  Result<std::string> over = CheckInlinePolicyPut(existing, "other", big, "role", "r");
  EXPECT_EQ(over.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(over.status().message(), "Maximum policy size of 10240 bytes exceeded for role r");
}

std::string TrustOfSize(size_t size) {
  std::string base =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")"
      R"(arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":)"
      R"({"StringEquals":{"sts:ExternalId":""}}}]})";
  base.insert(base.find("\"\"}}}]}") + 1, std::string(size - base.size(), 'x'));
  return base;
}

TEST(TrustPolicyTest, QuotaOf2048CharactersWithoutWhitespace) {
  ASSERT_EQ(TrustOfSize(2048).size(), 2048u);
  EXPECT_TRUE(CheckTrustPolicy(TrustOfSize(2048)).ok());
  std::string spaced = TrustOfSize(2048);
  spaced.insert(1, "\n    ");
  EXPECT_TRUE(CheckTrustPolicy(spaced).ok());
  Status over = CheckTrustPolicy(TrustOfSize(2049));
  EXPECT_EQ(over.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(over.message(), "Cannot exceed quota for ACLSizePerRole: 2048");
  EXPECT_EQ(CheckTrustPolicy(kAllowS3).code(), ErrorCode::kMalformedPolicyDocument);
}

TEST(RoleJsonTest, ViewsLeaveOutWhatAwsLeavesOut) {
  model::Role role;
  role.account_id = kAccount;
  role.name = "r";
  role.path = "/p/";
  role.id = "AROAEXAMPLE";
  role.assume_role_policy = R"({"a": 1})";
  role.permissions_boundary = "arn:aws:iam::aws:policy/AdministratorAccess";
  role.tags = {{"k", "v"}};
  json list = RoleJson(role, RoleView::kList);
  EXPECT_EQ(list["Arn"], "arn:aws:iam::123456789012:role/p/r");
  EXPECT_EQ(list["AssumeRolePolicyDocument"], "%7B%22a%22%3A%201%7D");
  EXPECT_EQ(list["MaxSessionDuration"], 3600);
  EXPECT_FALSE(list.contains("Tags") || list.contains("PermissionsBoundary") ||
               list.contains("RoleLastUsed") || list.contains("Description"));
  json created = RoleJson(role, RoleView::kCreate);
  EXPECT_TRUE(created.contains("Tags") && created.contains("PermissionsBoundary"));
  EXPECT_FALSE(created.contains("RoleLastUsed"));
  json full = RoleJson(role, RoleView::kFull);
  EXPECT_EQ(full["RoleLastUsed"], json::object());
  EXPECT_EQ(RoleJson(role, RoleView::kFull,
                     model::AccessMark{1700000000000, "eu-west-1"})["RoleLastUsed"],
            json({{"LastUsedDate", "2023-11-14T22:13:20Z"}, {"Region", "eu-west-1"}}));
}

TEST_F(IamRolesTest, CreateServiceLinkedRoleFor) {
  Result<model::Role> role =
      CreateServiceLinkedRoleFor(*iam_, kAccount, "organizations.amazonaws.com");
  ASSERT_TRUE(role.ok()) << role.status().message();
  EXPECT_EQ(role->name, "AWSServiceRoleForOrganizations");
  EXPECT_EQ(role->Arn(),
            "arn:aws:iam::123456789012:role/aws-service-role/organizations.amazonaws.com/"
            "AWSServiceRoleForOrganizations");
  EXPECT_TRUE(IsServiceLinkedRole(*role));
  EXPECT_EQ(CheckModifiable(*role).code(), ErrorCode::kUnmodifiableEntity);
  EXPECT_EQ(json::parse(role->assume_role_policy),
            json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                        R"("Principal":{"Service":"organizations.amazonaws.com"},)"
                        R"("Action":"sts:AssumeRole"}]})"));
  auto found = FindRole(*iam_, kAccount, "awsservicerolefororganizations");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->id, role->id);
  auto attachments = state_->directory().Scan<model::RoleAttachment>(role->Key() + "/");
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(attachments[0]->policy_arn,
            "arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy");

  Result<model::Role> again =
      CreateServiceLinkedRoleFor(*iam_, kAccount, "organizations.amazonaws.com");
  EXPECT_EQ(again.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(again.status().message(),
            "Service role name AWSServiceRoleForOrganizations has been taken in this account, "
            "please try a different suffix.");
  Result<model::Role> unknown = CreateServiceLinkedRoleFor(*iam_, kAccount, "x.amazonaws.com");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kAccessDenied);
  // Each account has its own.
  EXPECT_TRUE(
      CreateServiceLinkedRoleFor(*iam_, "210987654321", "organizations.amazonaws.com").ok());
}

TEST_F(IamRolesTest, ScanPageSkipsFilteredItemsAcrossFullBatches) {
  // Kept and skipped roles interleave so that scans come back full with a kept item last.
  store::WriteBatch batch;
  for (int i = 0; i < 20; ++i) {
    model::Role r;
    r.account_id = kAccount;
    r.name = "role" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    r.path = i % 3 == 0 ? "/kept/" : "/other/";
    batch.writes.push_back(store::Put<model::Role>{r});
  }
  ASSERT_TRUE(state_->Commit(batch).ok());
  std::vector<std::string> seen;
  PageRequest page{"", 2};
  for (int pages = 0; pages < 10; ++pages) {
    json out;
    for (const auto& r : ScanPage<model::Role>(
             state_->directory(), std::string(kAccount) + "/", page,
             [](const model::Role& r) { return r.path == "/kept/"; }, out)) {
      seen.push_back(r->name);
    }
    if (!out["IsTruncated"].get<bool>()) break;
    page.marker = out["Marker"];
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"role00", "role03", "role06", "role09", "role12",
                                            "role15", "role18"}));
}

}  // namespace
}  // namespace gatehouse::services::iam
