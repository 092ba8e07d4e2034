// ScpsOnPath gathers the SCPs bounding an account, level by level from the root down to the
// account, from organization records written directly to the store; and authorization enforces
// them: users, role sessions and the root user of a member account are refused what an SCP on
// their OU denies (through DirectoryPolicies and the authorizer, and through the dispatcher),
// allowed again once it is detached, while the management account is never restricted.
// RcpsOnPath does the same for the RCPs bounding an account's resources, which the dispatcher
// applies to role assumption into a member account, whoever asks; OrganizationPathOf gives
// aws:PrincipalOrgID and aws:PrincipalOrgPaths.
#include "services/organizations/policy_path.h"

#include <gtest/gtest.h>

#include "../iam_test_server.h"
#include "authz/authorizer.h"
#include "services/directory_policies.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {
namespace {

constexpr char kManagement[] = "111111111111";
constexpr char kMember[] = "222222222222";
constexpr char kOrg[] = "o-exampleorg";
constexpr char kRoot[] = "r-ab12";
constexpr char kWorkloads[] = "ou-ab12-11111111";
constexpr char kProd[] = "ou-ab12-22222222";
constexpr char kDenyPolicy[] = "p-denyuser";
constexpr char kDenyCreateUser[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser",)"
    R"("Resource":"*"}]})";
constexpr char kAdmin[] = "arn:aws:iam::aws:policy/AdministratorAccess";

std::vector<std::string> Ids(const std::vector<authz::SourcedPolicy>& level) {
  std::vector<std::string> ids;
  for (const auto& p : level) ids.push_back(p.id);
  return ids;
}

class PolicyPathTest : public testing::Test {
 protected:
  void SetUp() override {
    management_root_key_ = server_.AddAccount(kManagement);
    member_root_key_ = server_.AddAccount(kMember);
    member_user_key_ = server_.AddUser(kMember, "alice");
    management_user_key_ = server_.AddUser(kManagement, "bob");
    model::Role role;
    role.account_id = kMember;
    role.name = "Deployer";
    role.path = "/";
    role.id = "AROAEXAMPLEEXAMPLE01";
    role.assume_role_policy = "{}";
    model::OrganizationPolicy deny{
        kOrg, kDenyPolicy, model::kServiceControlPolicy, "DenyCreateUser", "", kDenyCreateUser, {}};
    store::WriteBatch batch{{
        store::AttachUserPolicy{{kMember, "alice", kAdmin}},
        store::AttachUserPolicy{{kManagement, "bob", kAdmin}},
        store::Put<model::Role>{role},
        store::Put<model::RoleAttachment>{{kMember, "Deployer", kAdmin}},
        store::Put<model::Organization>{Organization(model::kFeatureSetAll, true)},
        store::Put<model::AccountOrganization>{{kManagement, kOrg}},
        store::Put<model::AccountOrganization>{{kMember, kOrg}},
        store::Put<model::OrganizationAccount>{
            {kOrg, kManagement, kRoot, model::kJoinedCreated, 0, model::kAccountActive, {}}},
        store::Put<model::OrganizationAccount>{
            {kOrg, kMember, kProd, model::kJoinedCreated, 0, model::kAccountActive, {}}},
        store::Put<model::OrganizationalUnit>{{kOrg, kWorkloads, kRoot, "Workloads", {}, 0}},
        store::Put<model::OrganizationalUnit>{{kOrg, kProd, kWorkloads, "Prod", {}, 0}},
        store::Put<model::OrganizationPolicy>{deny},
        store::Put<model::PolicyAttachment>{
            {kOrg, kProd, kDenyPolicy, model::kServiceControlPolicy}},
    }};
    for (const char* node : {kRoot, kWorkloads, kProd, kMember, kManagement}) {
      batch.writes.push_back(store::Put<model::PolicyAttachment>{
          {kOrg, node, model::kFullAwsAccessPolicyId, model::kServiceControlPolicy}});
    }
    ASSERT_TRUE(server_.Commit(batch).ok());
  }

  static model::Organization Organization(const char* feature_set, bool scps_enabled) {
    model::Organization org;
    org.id = kOrg;
    org.management_account_id = kManagement;
    org.feature_set = feature_set;
    org.root_id = kRoot;
    if (scps_enabled) org.enabled_policy_types = {model::kServiceControlPolicy};
    return org;
  }

  void Detach(const char* node, const char* policy) {
    ASSERT_TRUE(server_
                    .Commit({{store::Erase<model::PolicyAttachment>{std::string(kOrg) + "/" + node +
                                                                    "/" + policy}}})
                    .ok());
  }

  // How the authorizer decides `action` for `principal_arn` of `account`, with the policies and
  // SCPs DirectoryPolicies finds for it (a role session acts with its role's policies).
  Status Decide(const std::string& account, const std::string& principal_arn,
                const std::string& policies_of, const std::string& action) {
    authz::AuthzRequest r;
    r.principal_arn = principal_arn;
    r.policies = policies_.PoliciesOf(account, policies_of).value_or(authz::PrincipalPolicies{});
    if (auto scps = policies_.Scps(account)) {
      r.scps = std::move(scps->first);
      r.management_account = std::move(scps->second);
    }
    r.action = action;
    r.resource = "arn:aws:iam::" + account + ":user/carol";
    r.resource_account = account;
    r.now_ms = testing_support::IamTestServer::kStart * 1000;
    return authorizer_.Authorize(r);
  }

  testing_support::IamTestServer server_;
  iam::ManagedPolicyCatalog catalog_ = *iam::ManagedPolicyCatalog::LoadEmbedded();
  DirectoryPolicies policies_{server_.directory(), catalog_};
  authz::Authorizer authorizer_;
  std::string management_root_key_, member_root_key_, member_user_key_, management_user_key_;
};

TEST_F(PolicyPathTest, LevelsFromTheRootDownToTheAccount) {
  std::optional<ScpPath> path = ScpsOnPath(server_.directory(), kMember);
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->management_account, kManagement);
  ASSERT_EQ(path->levels.size(), 4u);  // root, Workloads, Prod, the account
  EXPECT_EQ(Ids(path->levels[0]), std::vector<std::string>{"p-FullAWSAccess"});
  EXPECT_EQ(Ids(path->levels[1]), std::vector<std::string>{"p-FullAWSAccess"});
  EXPECT_EQ(Ids(path->levels[2]), (std::vector<std::string>{"p-FullAWSAccess", kDenyPolicy}));
  EXPECT_EQ(Ids(path->levels[3]), std::vector<std::string>{"p-FullAWSAccess"});
  EXPECT_EQ(path->levels[0][0].document, kFullAwsAccessContent);
  EXPECT_EQ(path->levels[2][1].document, kDenyCreateUser);

  std::optional<ScpPath> management = ScpsOnPath(server_.directory(), kManagement);
  ASSERT_TRUE(management.has_value());
  EXPECT_EQ(management->levels.size(), 2u);  // the root and the account
  EXPECT_EQ(management->management_account, kManagement);
}

TEST_F(PolicyPathTest, ALevelWithoutAnScpIsEmpty) {
  Detach(kWorkloads, model::kFullAwsAccessPolicyId);
  std::optional<ScpPath> path = ScpsOnPath(server_.directory(), kMember);
  ASSERT_TRUE(path.has_value());
  ASSERT_EQ(path->levels.size(), 4u);
  EXPECT_TRUE(path->levels[1].empty());
  // And an empty level allows nothing: every level must allow.
  EXPECT_EQ(Decide(kMember, "arn:aws:iam::222222222222:user/alice",
                   "arn:aws:iam::222222222222:user/alice", "iam:ListUsers")
                .code(),
            ErrorCode::kAccessDenied);
}

TEST_F(PolicyPathTest, NoneWithoutSomethingToEnforce) {
  EXPECT_FALSE(ScpsOnPath(server_.directory(), "333333333333").has_value());  // no organization
  ASSERT_TRUE(
      server_
          .Commit({{store::Put<model::Organization>{Organization(model::kFeatureSetAll, false)}}})
          .ok());
  EXPECT_FALSE(ScpsOnPath(server_.directory(), kMember).has_value());  // SCPs disabled
  EXPECT_FALSE(policies_.Scps(kMember).has_value());
  ASSERT_TRUE(server_
                  .Commit({{store::Put<model::Organization>{
                      Organization(model::kFeatureSetConsolidatedBilling, true)}}})
                  .ok());
  EXPECT_FALSE(ScpsOnPath(server_.directory(), kMember).has_value());  // consolidated billing
}

TEST_F(PolicyPathTest, MemberPrincipalsAreBoundByTheirOusScps) {
  const std::string user = "arn:aws:iam::222222222222:user/alice";
  const std::string role = "arn:aws:iam::222222222222:role/Deployer";
  const std::string session = "arn:aws:sts::222222222222:assumed-role/Deployer/ci";
  const std::string root = "arn:aws:iam::222222222222:root";
  for (const auto& [arn, policies_of] : std::vector<std::pair<std::string, std::string>>{
           {user, user}, {session, role}, {root, root}}) {
    Status denied = Decide(kMember, arn, policies_of, "iam:CreateUser");
    EXPECT_EQ(denied.code(), ErrorCode::kAccessDenied) << arn;
    EXPECT_NE(denied.message().find("with an explicit deny in a service control policy"),
              std::string::npos)
        << denied.message();
    // What the SCPs leave alone stays allowed.
    EXPECT_TRUE(Decide(kMember, arn, policies_of, "iam:ListUsers").ok()) << arn;
  }
  Detach(kProd, kDenyPolicy);
  for (const auto& [arn, policies_of] : std::vector<std::pair<std::string, std::string>>{
           {user, user}, {session, role}, {root, root}}) {
    EXPECT_TRUE(Decide(kMember, arn, policies_of, "iam:CreateUser").ok()) << arn;
  }
}

TEST_F(PolicyPathTest, TheManagementAccountIsNeverRestricted) {
  // Its only SCP level allowing nothing would refuse any member account.
  Detach(kManagement, model::kFullAwsAccessPolicyId);
  ASSERT_TRUE(server_
                  .Commit({{store::Put<model::PolicyAttachment>{
                      {kOrg, kManagement, kDenyPolicy, model::kServiceControlPolicy}}}})
                  .ok());
  EXPECT_TRUE(Decide(kManagement, "arn:aws:iam::111111111111:user/bob",
                     "arn:aws:iam::111111111111:user/bob", "iam:CreateUser")
                  .ok());
  EXPECT_TRUE(Decide(kManagement, "arn:aws:iam::111111111111:root",
                     "arn:aws:iam::111111111111:root", "iam:CreateUser")
                  .ok());
}

TEST_F(PolicyPathTest, EveryRequestOfAMemberGoesThroughItsScps) {
  using testing_support::XmlText;
  HttpResponse user = server_.Call(member_user_key_, "CreateUser", "UserName=carol");
  EXPECT_EQ(user.status, 403) << user.body;
  EXPECT_EQ(XmlText(user.body, "Code"), "AccessDenied");
  EXPECT_NE(user.body.find("explicit deny in a service control policy"), std::string::npos)
      << user.body;
  HttpResponse root = server_.Call(member_root_key_, "CreateUser", "UserName=carol");
  EXPECT_EQ(root.status, 403) << root.body;
  EXPECT_EQ(server_.Call(member_user_key_, "ListUsers").status, 200);
  // The management account's callers are not bound, whatever is attached above them.
  EXPECT_EQ(server_.Call(management_user_key_, "CreateUser", "UserName=carol").status, 200);
  EXPECT_EQ(server_.Call(management_root_key_, "CreateUser", "UserName=dave").status, 200);

  Detach(kProd, kDenyPolicy);
  EXPECT_EQ(server_.Call(member_user_key_, "CreateUser", "UserName=carol").status, 200);
  EXPECT_EQ(server_.Call(member_root_key_, "CreateUser", "UserName=dave").status, 200);
}

// A damaged store cannot lift the SCPs: a path broken by a missing OU, an attached SCP that is
// gone, and a stored SCP that no longer compiles each deny everything instead of dropping out.
TEST_F(PolicyPathTest, AnOuMissingFromThePathDeniesEverything) {
  ASSERT_TRUE(
      server_
          .Commit({{store::Erase<model::OrganizationalUnit>{std::string(kOrg) + "/" + kWorkloads}}})
          .ok());
  std::optional<ScpPath> path = ScpsOnPath(server_.directory(), kMember);
  ASSERT_TRUE(path.has_value());
  Status s = Decide(kMember, "arn:aws:iam::222222222222:user/alice",
                    "arn:aws:iam::222222222222:user/alice", "iam:ListUsers");
  EXPECT_EQ(s.code(), ErrorCode::kAccessDenied);
  EXPECT_NE(s.message().find("explicit deny in a service control policy"), std::string::npos)
      << s.message();
}

TEST_F(PolicyPathTest, AnAttachedScpThatIsGoneDeniesEverything) {
  ASSERT_TRUE(server_
                  .Commit({{store::Erase<model::OrganizationPolicy>{std::string(kOrg) + "/" +
                                                                    kDenyPolicy}}})
                  .ok());
  EXPECT_EQ(Decide(kMember, "arn:aws:iam::222222222222:user/alice",
                   "arn:aws:iam::222222222222:user/alice", "iam:ListUsers")
                .code(),
            ErrorCode::kAccessDenied);
}

TEST_F(PolicyPathTest, AStoredScpThatNoLongerCompilesDeniesEverything) {
  model::OrganizationPolicy broken{
      kOrg, kDenyPolicy, model::kServiceControlPolicy, "DenyCreateUser", "", "{not a policy", {}};
  ASSERT_TRUE(server_.Commit({{store::Put<model::OrganizationPolicy>{broken}}}).ok());
  EXPECT_EQ(Decide(kMember, "arn:aws:iam::222222222222:user/alice",
                   "arn:aws:iam::222222222222:user/alice", "iam:ListUsers")
                .code(),
            ErrorCode::kAccessDenied);
}

// An identity policy that no longer compiles cannot take its Deny with it.
TEST_F(PolicyPathTest, AStoredIdentityPolicyThatNoLongerCompilesDenies) {
  ASSERT_TRUE(
      server_.Commit({{store::PutUserPolicy{{kManagement, "bob", "broken", "{oops"}}}}).ok());
  EXPECT_EQ(Decide(kManagement, "arn:aws:iam::111111111111:user/bob",
                   "arn:aws:iam::111111111111:user/bob", "iam:ListUsers")
                .code(),
            ErrorCode::kAccessDenied);
}

// RCPs: the member's role Deployer trusts an outside account; an RCP on the Workloads OU denies
// sts:AssumeRole to principals of any other organization.
class RcpTest : public PolicyPathTest {
 protected:
  static constexpr char kOutside[] = "333333333333";
  static constexpr char kRcp[] = "p-orgonly1";
  static constexpr char kRole[] = "arn:aws:iam::222222222222:role/Deployer";

  void SetUp() override {
    PolicyPathTest::SetUp();
    server_.AddAccount(kOutside);
    outsider_key_ = server_.AddUser(kOutside, "carol");
    model::Role role =
        *server_.directory().Get<model::Role>(model::RecordKey({kMember, "Deployer"}));
    role.assume_role_policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",)"
        R"("Principal":{"AWS":["arn:aws:iam::333333333333:root","arn:aws:iam::111111111111:root"]}}]})";
    model::Organization org = Organization(model::kFeatureSetAll, true);
    org.enabled_policy_types.push_back(kResourceControlPolicy);
    model::OrganizationPolicy rcp{
        kOrg,
        kRcp,
        kResourceControlPolicy,
        "OrgOnly",
        "",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
        R"("Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotEqualsIfExists":)"
        R"({"aws:PrincipalOrgID":"o-exampleorg"}}}]})",
        {}};
    store::WriteBatch batch{{
        store::Put<model::Role>{role},
        store::Put<model::Organization>{org},
        store::Put<model::OrganizationPolicy>{rcp},
        store::AttachUserPolicy{{kOutside, "carol", kAdmin}},
        store::Put<model::PolicyAttachment>{{kOrg, kWorkloads, kRcp, kResourceControlPolicy}},
    }};
    for (const char* node : {kRoot, kWorkloads, kProd, kMember, kManagement}) {
      batch.writes.push_back(store::Put<model::PolicyAttachment>{
          {kOrg, node, kRcpFullAwsAccessId, kResourceControlPolicy}});
    }
    ASSERT_TRUE(server_.Commit(batch).ok());
  }

  HttpResponse AssumeDeployer(const std::string& key) {
    return server_.CallService(key, "sts", "AssumeRole",
                               "RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FDeployer&"
                               "RoleSessionName=rcp");
  }

  std::string outsider_key_;
};

TEST_F(RcpTest, LevelsOfTheResourcesAccount) {
  auto levels = RcpsOnPath(server_.directory(), kMember);
  ASSERT_TRUE(levels.has_value());
  ASSERT_EQ(levels->size(), 4u);  // root, Workloads, Prod, the account
  EXPECT_EQ(Ids((*levels)[0]), std::vector<std::string>{kRcpFullAwsAccessId});
  EXPECT_EQ(Ids((*levels)[1]), (std::vector<std::string>{kRcpFullAwsAccessId, kRcp}));
  EXPECT_EQ((*levels)[0][0].document, kRcpFullAwsAccessContent);
  // SCPs are not among them, nor RCPs among the SCPs.
  std::optional<ScpPath> scps = ScpsOnPath(server_.directory(), kMember);
  ASSERT_TRUE(scps.has_value());
  for (const auto& level : scps->levels) {
    for (const auto& p : level) EXPECT_NE(p.id, kRcp);
  }
  // The management account's resources are never bound; an account in no organization has none.
  EXPECT_FALSE(RcpsOnPath(server_.directory(), kManagement).has_value());
  EXPECT_FALSE(RcpsOnPath(server_.directory(), kOutside).has_value());
  // Nor does an organization without the type enabled.
  ASSERT_TRUE(
      server_.Commit({{store::Put<model::Organization>{Organization(model::kFeatureSetAll, true)}}})
          .ok());
  EXPECT_FALSE(RcpsOnPath(server_.directory(), kMember).has_value());
}

TEST_F(RcpTest, OrganizationPathOfAnAccount) {
  EXPECT_EQ(OrganizationPathOf(server_.directory(), kMember),
            std::make_pair(std::string(kOrg), std::string("o-exampleorg/r-ab12/ou-ab12-11111111/"
                                                          "ou-ab12-22222222/")));
  EXPECT_EQ(OrganizationPathOf(server_.directory(), kManagement),
            std::make_pair(std::string(kOrg), std::string("o-exampleorg/r-ab12/")));
  EXPECT_FALSE(OrganizationPathOf(server_.directory(), kOutside).has_value());
}

TEST_F(RcpTest, RoleAssumptionFromOutsideIsRefusedAndFromInsideAllowed) {
  using testing_support::XmlText;
  HttpResponse outside = AssumeDeployer(outsider_key_);
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_EQ(XmlText(outside.body, "Message"),
            "User: arn:aws:iam::333333333333:user/carol is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Deployer with an explicit "
            "deny in a resource control policy");
  HttpResponse inside = AssumeDeployer(management_user_key_);
  EXPECT_EQ(inside.status, 200) << inside.body;
  // Requests RCPs do not govern are untouched: the outsider's own IAM calls.
  EXPECT_EQ(server_.Call(outsider_key_, "ListUsers").status, 200);

  Detach(kWorkloads, kRcp);
  EXPECT_EQ(AssumeDeployer(outsider_key_).status, 200);
}

TEST_F(RcpTest, ALevelWithoutAnAllowRefusesImplicitly) {
  Detach(kProd, kRcpFullAwsAccessId);
  HttpResponse inside = AssumeDeployer(management_user_key_);
  EXPECT_EQ(inside.status, 403) << inside.body;
  EXPECT_NE(inside.body.find("because no resource control policy allows the sts:AssumeRole"),
            std::string::npos)
      << inside.body;
}

// Nothing fails open: an attached RCP that is gone, or no longer compiles, denies everything.
TEST_F(RcpTest, AnAttachedRcpThatIsGoneOrBrokenDeniesEverything) {
  ASSERT_TRUE(
      server_.Commit({{store::Erase<model::OrganizationPolicy>{std::string(kOrg) + "/" + kRcp}}})
          .ok());
  EXPECT_EQ(AssumeDeployer(management_user_key_).status, 403);
  model::OrganizationPolicy broken{kOrg, kRcp, kResourceControlPolicy, "OrgOnly", "", "{oops", {}};
  ASSERT_TRUE(server_.Commit({{store::Put<model::OrganizationPolicy>{broken}}}).ok());
  EXPECT_EQ(AssumeDeployer(management_user_key_).status, 403);
  ASSERT_TRUE(
      server_
          .Commit({{store::Erase<model::OrganizationalUnit>{std::string(kOrg) + "/" + kWorkloads}}})
          .ok());
  EXPECT_EQ(AssumeDeployer(management_user_key_).status, 403);
}

}  // namespace
}  // namespace gatehouse::services::organizations
