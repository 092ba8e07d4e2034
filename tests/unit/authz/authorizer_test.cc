// The authorizer's layers beyond identity policies, as the dispatcher hands them over: session
// policies, SCPs on the organization path, and the wording of each refusal.
#include "authz/authorizer.h"

#include <gtest/gtest.h>

namespace gatehouse::authz {
namespace {

constexpr char kAllowAll[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})";
constexpr char kAllowListRoles[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}})";
constexpr char kDenyUsers[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*User*","Resource":"*"}})";

AuthzRequest Request(std::string action) {
  AuthzRequest r;
  r.principal_arn = "arn:aws:sts::111122223333:assumed-role/Admin/me";
  r.role_arn = "arn:aws:iam::111122223333:role/ops/Admin";
  r.user_id = "AROAEXAMPLE";
  r.policies.identity = {{kAllowAll, "AdministratorAccess"}};
  r.action = std::move(action);
  r.resource = "arn:aws:iam::111122223333:user/bob";
  r.resource_account = "111122223333";
  r.now_ms = 1000;
  return r;
}

TEST(AuthorizerTest, SessionPoliciesNarrow) {
  Authorizer authorizer;
  AuthzRequest r = Request("iam:ListUsers");
  r.policies.session = std::vector<SourcedPolicy>{{kAllowListRoles, "SessionPolicy"}};
  Status s = authorizer.Authorize(r);
  EXPECT_EQ(s.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(s.message(),
            "User: arn:aws:sts::111122223333:assumed-role/Admin/me is not authorized to perform: "
            "iam:ListUsers on resource: arn:aws:iam::111122223333:user/bob because no session "
            "policy allows the iam:ListUsers action");
  r.action = "iam:ListRoles";
  EXPECT_TRUE(authorizer.Authorize(r).ok());
  // A session whose policies cannot be had (a federated user given none) may do nothing.
  r.policies.session = std::vector<SourcedPolicy>{};
  EXPECT_EQ(authorizer.Authorize(r).code(), ErrorCode::kAccessDenied);
}

TEST(AuthorizerTest, ScpsOnThePathDecideExceptForTheManagementAccount) {
  Authorizer authorizer;
  AuthzRequest r = Request("iam:CreateUser");
  r.scps = std::vector<std::vector<SourcedPolicy>>{
      {{kAllowAll, "FullAWSAccess"}}, {{kAllowAll, "FullAWSAccess"}, {kDenyUsers, "NoUsers"}}};
  r.management_account = "999999999999";
  Status s = authorizer.Authorize(r);
  EXPECT_EQ(s.code(), ErrorCode::kAccessDenied);
  EXPECT_NE(s.message().find("with an explicit deny in a service control policy"),
            std::string::npos)
      << s.message();
  r.action = "iam:ListRoles";
  EXPECT_TRUE(authorizer.Authorize(r).ok());
  // A level without an Allow stops everything below it.
  r.scps = std::vector<std::vector<SourcedPolicy>>{{{kAllowAll, "FullAWSAccess"}}, {}};
  s = authorizer.Authorize(r);
  EXPECT_NE(s.message().find("because no service control policy allows"), std::string::npos)
      << s.message();
  // The management account is never bound by SCPs.
  r.management_account = "111122223333";
  EXPECT_TRUE(authorizer.Authorize(r).ok());
}

// aws:AssumedRoot is "true" for an AssumeRoot session's requests only, so that an SCP denying
// the member's root user can spare them (Control Tower's restrict-root-user guardrail).
TEST(AuthorizerTest, OnlyAnAssumeRootSessionCarriesAssumedRoot) {
  Authorizer authorizer;
  AuthzRequest r = Request("iam:GetLoginProfile");
  r.principal_arn = "arn:aws:iam::111122223333:root";
  r.role_arn.clear();
  r.user_id = "111122223333";
  r.resource = "arn:aws:iam::111122223333:root";
  r.scps = std::vector<std::vector<SourcedPolicy>>{
      {{kAllowAll, "FullAWSAccess"},
       {R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*",)"
        R"("Condition":{"ArnLike":{"aws:PrincipalArn":"arn:*:iam::*:root"},)"
        R"("Null":{"aws:AssumedRoot":"true"}}}})",
        "RestrictRootUser"}}};
  r.management_account = "999999999999";
  EXPECT_EQ(authorizer.Authorize(r).code(), ErrorCode::kAccessDenied);
  r.assumed_root = true;
  EXPECT_TRUE(authorizer.Authorize(r).ok());
}

TEST(AuthorizerTest, TrustPolicyRefusalsAreNotExplained) {
  Authorizer authorizer;
  AuthzRequest r;
  r.principal_arn = "arn:aws:iam::444455556666:user/eve";
  r.user_id = "AIDAEXAMPLE";
  r.policies.identity = {{kAllowAll, "AdministratorAccess"}};
  r.action = "sts:AssumeRole";
  r.resource = "arn:aws:iam::111122223333:role/Admin";
  r.resource_account = "111122223333";
  r.resource_policy =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}})";
  Status s = authorizer.Authorize(r);
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::444455556666:user/eve is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin");
  r.resource_policy.clear();  // a role that does not exist reads the same
  EXPECT_EQ(authorizer.Authorize(r).message(), s.message());
}

}  // namespace
}  // namespace gatehouse::authz
