// iam:SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy for the principals no
// operation of this branch creates (groups, roles), from records written directly; and the
// simulator's answers that the integration tests do not reach.
#include <gtest/gtest.h>

#include "core/uri.h"
#include "iam_test_server.h"
#include "services/page_markers.h"

namespace gatehouse::services {
namespace {

using testing_support::IamTestServer;
using testing_support::XmlText;

constexpr char kA[] = "111111111111";

class SimulationTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = server_.AddAccount(kA);
    model::ManagedPolicy boundary;
    boundary.account_id = kA;
    boundary.name = "OnlyS3";
    boundary.id = "ANPAEXAMPLEEXAMPLE01";
    boundary.versions = {{"v1",
                          R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                          R"("Action":"s3:*","Resource":"*"}})",
                          0}};
    model::Role role;
    role.account_id = kA;
    role.name = "App";
    role.id = "AROAEXAMPLEEXAMPLE01";
    role.assume_role_policy = "{}";
    role.permissions_boundary = boundary.Arn();
    role.tags = {{"team", "blue"}};
    store::WriteBatch batch{{
        store::Put<model::ManagedPolicy>{boundary},
        store::Put<model::Role>{role},
        store::Put<model::RolePolicy>{
            {kA, "App", "Work",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sqs:*"],)"
             R"("Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]})"}},
        store::Put<model::Group>{{kA, "Devs", "/", "AGPAEXAMPLEEXAMPLE01", 0}},
        store::Put<model::GroupPolicy>{
            {kA, "Devs", "Read",
             R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*",)"
             R"("Resource":"arn:aws:s3:::b/${aws:username}/*"}})"}},
        store::Put<model::GroupAttachment>{
            {kA, "Devs", "arn:aws:iam::aws:policy/AdministratorAccess"}},
    }};
    ASSERT_TRUE(server_.Commit(batch).ok());
  }

  HttpResponse Simulate(const std::string& source, const std::string& params) {
    return server_.Call(root_, "SimulatePrincipalPolicy",
                        "PolicySourceArn=" + UriEncode(source) + "&" + params);
  }

  IamTestServer server_;
  std::string root_;
};

TEST_F(SimulationTest, RoleWithItsBoundaryAndTags) {
  HttpResponse r =
      Simulate("arn:aws:iam::111111111111:role/App",
               "ActionNames.member.1=s3%3AGetObject&ActionNames.member.2=sqs%3ASendMessage");
  ASSERT_EQ(r.status, 200) << r.body;
  size_t second = r.body.find("<EvalActionName>", r.body.find("<EvalActionName>") + 1);
  std::string s3 = r.body.substr(0, second);
  EXPECT_EQ(XmlText(s3, "EvalDecision"), "allowed");
  EXPECT_EQ(XmlText(s3, "SourcePolicyId"), "role_App_Work");
  EXPECT_EQ(XmlText(s3, "SourcePolicyType"), "IAM Policy");
  EXPECT_EQ(XmlText(s3, "StartPosition"), "<Line>1</Line><Column>38</Column>");
  EXPECT_EQ(XmlText(s3, "AllowedByPermissionsBoundary"), "true");
  // Allowed by the role's policy, not by its boundary.
  std::string sqs = r.body.substr(second);
  EXPECT_EQ(XmlText(sqs, "EvalActionName"), "sqs:SendMessage");
  EXPECT_EQ(XmlText(sqs, "EvalDecision"), "implicitDeny");
  EXPECT_EQ(XmlText(sqs, "MatchedStatements"), "");
  EXPECT_EQ(XmlText(sqs, "AllowedByPermissionsBoundary"), "false");
}

TEST_F(SimulationTest, GroupPoliciesForAnUnnamedMember) {
  HttpResponse r = Simulate("arn:aws:iam::111111111111:group/Devs",
                            "ActionNames.member.1=s3%3AGetObject&"
                            "ResourceArns.member.1=arn%3Aaws%3As3%3A%3A%3Ab%2Fbob%2Fkey");
  ASSERT_EQ(r.status, 200) << r.body;
  // AdministratorAccess allows; the group's own policy needs aws:username, which nobody gave.
  EXPECT_EQ(XmlText(r.body, "EvalDecision"), "allowed");
  EXPECT_EQ(XmlText(r.body, "SourcePolicyId"), "AdministratorAccess");
  std::string specific = XmlText(r.body, "ResourceSpecificResults");
  EXPECT_EQ(XmlText(specific, "EvalResourceDecision"), "allowed");
  EXPECT_EQ(XmlText(specific, "MissingContextValues"), "<member>aws:username</member>");
  EXPECT_EQ(r.body.find("PermissionsBoundaryDecisionDetail"), std::string::npos);

  // As bob (CallerArn), the group's own statement applies too.
  HttpResponse as_bob = Simulate("arn:aws:iam::111111111111:group/Devs",
                                 "ActionNames.member.1=s3%3AGetObject&"
                                 "ResourceArns.member.1=arn%3Aaws%3As3%3A%3A%3Ab%2Fbob%2Fkey&"
                                 "CallerArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Auser%2Fbob");
  ASSERT_EQ(as_bob.status, 200) << as_bob.body;
  EXPECT_NE(as_bob.body.find("<SourcePolicyId>group_Devs_Read</SourcePolicyId>"), std::string::npos)
      << as_bob.body;
  EXPECT_EQ(XmlText(XmlText(as_bob.body, "ResourceSpecificResults"), "MissingContextValues"), "");

  HttpResponse keys =
      server_.Call(root_, "GetContextKeysForPrincipalPolicy",
                   "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Agroup%2FDevs");
  EXPECT_EQ(XmlText(keys.body, "ContextKeyNames"), "<member>aws:username</member>");
}

TEST_F(SimulationTest, UnknownOrInvalidSources) {
  for (const char* kind : {"user", "group", "role"}) {
    HttpResponse r = Simulate(std::string("arn:aws:iam::111111111111:") + kind + "/nobody",
                              "ActionNames.member.1=s3%3AGetObject");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(XmlText(r.body, "Code"), "NoSuchEntity");
    EXPECT_EQ(XmlText(r.body, "Message"),
              std::string("The ") + kind + " with name nobody cannot be found.");
  }
  HttpResponse policy =
      Simulate("arn:aws:iam::111111111111:policy/OnlyS3", "ActionNames.member.1=s3%3AGetObject");
  EXPECT_EQ(policy.status, 400);
  EXPECT_EQ(XmlText(policy.body, "Code"), "InvalidInput");

  HttpResponse two_boundaries = Simulate("arn:aws:iam::111111111111:role/App",
                                         "ActionNames.member.1=s3%3AGetObject&"
                                         "PermissionsBoundaryPolicyInputList.member.1=%7B%7D&"
                                         "PermissionsBoundaryPolicyInputList.member.2=%7B%7D");
  EXPECT_EQ(two_boundaries.status, 400);
  EXPECT_EQ(XmlText(two_boundaries.body, "Code"), "InvalidInput");

  HttpResponse bad_caller = Simulate("arn:aws:iam::111111111111:role/App",
                                     "ActionNames.member.1=s3%3AGetObject&"
                                     "CallerArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FApp");
  EXPECT_EQ(bad_caller.status, 400);
  EXPECT_EQ(XmlText(bad_caller.body, "Code"), "InvalidInput");
}

TEST_F(SimulationTest, ResourcePolicyWithCallerArn) {
  const std::string bucket_policy =
      UriEncode(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":)"
                R"({"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"s3:GetObject",)"
                R"("Resource":"arn:aws:s3:::b/*"}})");
  HttpResponse r = server_.Call(
      root_, "SimulateCustomPolicy",
      "PolicyInputList.member.1=" +
          UriEncode(R"({"Version":"2012-10-17","Statement":{"Effect":"Deny",)"
                    R"("Action":"sqs:*","Resource":"*"}})") +
          "&ActionNames.member.1=s3%3AGetObject&ResourceArns.member.1=arn%3Aaws%3As3%3A%3A%3Ab%2Fk"
          "&ResourcePolicy=" +
          bucket_policy + "&CallerArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Auser%2Fbob");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(XmlText(r.body, "EvalDecision"), "allowed");
  EXPECT_EQ(XmlText(r.body, "SourcePolicyId"), "ResourcePolicy");
  EXPECT_EQ(XmlText(r.body, "SourcePolicyType"), "Resource Policy");
}

// The limits are checked before anything is allocated: 1001 actions × 1000 resources would be a
// million results.
TEST_F(SimulationTest, LimitsComeFirst) {
  std::string actions, resources;
  for (int i = 1; i <= 1001; ++i)
    actions += "&ActionNames.member." + std::to_string(i) + "=s3%3AGetObject";
  for (int i = 1; i <= 1000; ++i) {
    resources += "&ResourceArns.member." + std::to_string(i) + "=arn%3Aaws%3As3%3A%3A%3Ab%2F" +
                 std::to_string(i);
  }
  const std::string policy =
      "PolicyInputList.member.1=" +
      UriEncode(
          R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  HttpResponse r = server_.Call(root_, "SimulateCustomPolicy", policy + actions + resources);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(XmlText(r.body, "Code"), "InvalidInput");
  EXPECT_EQ(XmlText(r.body, "Message"), "The list of ActionNames cannot exceed 1000 items.");
  HttpResponse principal = Simulate("arn:aws:iam::111111111111:role/App",
                                    "ActionNames.member.1=s3%3AGetObject" + resources +
                                        "&ResourceArns.member.1001=arn%3Aaws%3As3%3A%3A%3Ab%2Fx");
  EXPECT_EQ(XmlText(principal.body, "Message"),
            "The list of ResourceArns cannot exceed 1000 items.");

  // At the limits, a page holds only what was asked; its marker leads to the next.
  std::string at_limit = actions.substr(0, actions.rfind("&ActionNames"));
  HttpResponse page =
      server_.Call(root_, "SimulateCustomPolicy", policy + at_limit + resources + "&MaxItems=2");
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
  EXPECT_EQ(XmlText(page.body, "IsTruncated"), "true");
  EXPECT_EQ(OpenPageMarker(XmlText(page.body, "Marker")), "0000000001");
  HttpResponse last = server_.Call(
      root_, "SimulateCustomPolicy",
      policy + at_limit + resources + "&Marker=" + UriEncode(SealPageMarker("0000999998")));
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(XmlText(last.body, "IsTruncated"), "false");
  EXPECT_EQ(XmlText(last.body, "EvalResourceName"), "arn:aws:s3:::b/1000");
}

// The service's own rules decide in the simulator as in enforcement: GetCallerIdentity is allowed
// whatever the policies say; a service-linked role and an AWS managed policy are not changed,
// however broad the caller's Allow.
TEST_F(SimulationTest, TheServicesOwnRules) {
  const std::string slr =
      "arn:aws:iam::111111111111:role/aws-service-role/organizations.amazonaws.com/"
      "AWSServiceRoleForOrganizations";
  HttpResponse r =
      Simulate("arn:aws:iam::111111111111:group/Devs",
               "ActionNames.member.1=iam%3ADeleteRole&ActionNames.member.2=iam%3AGetRole&"
               "ResourceArns.member.1=" +
                   UriEncode(slr));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(XmlText(r.body, "EvalDecision"), "implicitDeny") << r.body;
  EXPECT_NE(r.body.find("<EvalActionName>iam:GetRole</EvalActionName>"), std::string::npos);
  EXPECT_NE(r.body.find("<EvalDecision>allowed</EvalDecision>"), std::string::npos) << r.body;

  HttpResponse managed =
      Simulate("arn:aws:iam::111111111111:group/Devs",
               "ActionNames.member.1=iam%3ACreatePolicyVersion&ResourceArns.member.1=" +
                   UriEncode("arn:aws:iam::aws:policy/ReadOnlyAccess"));
  EXPECT_EQ(XmlText(managed.body, "EvalDecision"), "implicitDeny") << managed.body;

  // The App role allows only s3 and sqs (and only when tagged): GetCallerIdentity all the same.
  HttpResponse identity = Simulate("arn:aws:iam::111111111111:role/App",
                                   "ActionNames.member.1=sts%3AGetCallerIdentity");
  EXPECT_EQ(XmlText(identity.body, "EvalDecision"), "allowed") << identity.body;
}

}  // namespace
}  // namespace gatehouse::services
