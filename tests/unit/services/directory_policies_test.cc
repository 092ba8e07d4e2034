// DirectoryPolicies::PoliciesOf gathers a principal's policies for enforcement and for the
// simulator: users (with their groups), groups, roles and role sessions, from records written
// directly to the store.
#include "services/directory_policies.h"

#include <gtest/gtest.h>

#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

constexpr char kAccount[] = "111111111111";
constexpr char kAllow[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})";
constexpr char kAdmin[] = "arn:aws:iam::aws:policy/AdministratorAccess";

std::vector<std::string> Ids(const authz::PrincipalPolicies& p) {
  std::vector<std::string> ids;
  for (const auto& policy : p.identity) ids.push_back(policy.id);
  return ids;
}

class DirectoryPoliciesTest : public testing::Test {
 protected:
  void SetUp() override {
    server_.AddAccount(kAccount);
    server_.AddUser(kAccount, "Alice", {{"team", "blue"}});
    model::ManagedPolicy boundary;
    boundary.account_id = kAccount;
    boundary.name = "Limit";
    boundary.id = "ANPAEXAMPLEEXAMPLE01";
    boundary.versions = {{"v1", kAllow, 0}};
    model::Role role;
    role.account_id = kAccount;
    role.name = "Deployer";
    role.path = "/ci/";
    role.id = "AROAEXAMPLEEXAMPLE01";
    role.assume_role_policy = "{}";
    role.permissions_boundary = boundary.Arn();
    role.tags = {{"env", "prod"}};
    store::WriteBatch batch{{
        store::PutUserPolicy{{kAccount, "Alice", "Own", kAllow}},
        store::AttachUserPolicy{{kAccount, "Alice", kAdmin}},
        store::Put<model::Group>{{kAccount, "Devs", "/", "AGPAEXAMPLEEXAMPLE01", 0}},
        store::Put<model::GroupMember>{{kAccount, "Alice", "devs"}},
        store::Put<model::GroupPolicy>{{kAccount, "Devs", "Shared", kAllow}},
        store::Put<model::GroupAttachment>{{kAccount, "Devs", boundary.Arn()}},
        store::Put<model::ManagedPolicy>{boundary},
        store::Put<model::UserBoundary>{{kAccount, "Alice", boundary.Arn()}},
        store::Put<model::Role>{role},
        store::Put<model::RolePolicy>{{kAccount, "Deployer", "Deploy", kAllow}},
        store::Put<model::RoleAttachment>{{kAccount, "Deployer", kAdmin}},
    }};
    ASSERT_TRUE(server_.Commit(batch).ok());
  }

  testing_support::IamTestServer server_;
  iam::ManagedPolicyCatalog catalog_ = *iam::ManagedPolicyCatalog::LoadEmbedded();
  DirectoryPolicies policies_{server_.directory(), catalog_};
};

TEST_F(DirectoryPoliciesTest, UserWithItsGroupsAndBoundary) {
  auto alice = policies_.PoliciesOf(kAccount, "arn:aws:iam::111111111111:user/alice");
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(Ids(*alice), (std::vector<std::string>{"user_Alice_Own", "AdministratorAccess",
                                                   "group_Devs_Shared", "Limit"}));
  EXPECT_EQ(alice->identity[1].document, catalog_.Find(kAdmin)->document);
  ASSERT_TRUE(alice->boundary.has_value());
  EXPECT_EQ(alice->boundary->id, "Limit");
  EXPECT_EQ(alice->boundary->document, kAllow);
  EXPECT_EQ(policies_.TagsOf(kAccount, "arn:aws:iam::111111111111:user/Alice"),
            (std::map<std::string, std::string>{{"team", "blue"}}));
}

TEST_F(DirectoryPoliciesTest, GroupsRolesAndSessions) {
  auto devs = policies_.PoliciesOf(kAccount, "arn:aws:iam::111111111111:group/Devs");
  ASSERT_TRUE(devs.has_value());
  EXPECT_EQ(Ids(*devs), (std::vector<std::string>{"group_Devs_Shared", "Limit"}));
  EXPECT_FALSE(devs->boundary.has_value());

  for (const char* arn : {"arn:aws:iam::111111111111:role/ci/Deployer",
                          "arn:aws:sts::111111111111:assumed-role/Deployer/session-1"}) {
    auto role = policies_.PoliciesOf(kAccount, arn);
    ASSERT_TRUE(role.has_value()) << arn;
    EXPECT_EQ(Ids(*role),
              (std::vector<std::string>{"role_Deployer_Deploy", "AdministratorAccess"}));
    ASSERT_TRUE(role->boundary.has_value());
    EXPECT_EQ(role->boundary->id, "Limit");
    EXPECT_EQ(policies_.TagsOf(kAccount, arn),
              (std::map<std::string, std::string>{{"env", "prod"}}));
  }

  auto root = policies_.PoliciesOf(kAccount, "arn:aws:iam::111111111111:root");
  ASSERT_TRUE(root.has_value());
  EXPECT_TRUE(root->identity.empty());
}

TEST_F(DirectoryPoliciesTest, NothingForUnknownOrForeignPrincipals) {
  for (const char* arn :
       {"arn:aws:iam::111111111111:user/nobody", "arn:aws:iam::111111111111:group/nobody",
        "arn:aws:iam::111111111111:role/nobody", "arn:aws:iam::222222222222:user/Alice",
        "arn:aws:iam::111111111111:policy/Limit", "arn:aws:s3:::bucket", "not an arn"}) {
    EXPECT_FALSE(policies_.PoliciesOf(kAccount, arn).has_value()) << arn;
  }
}

TEST_F(DirectoryPoliciesTest, ABoundaryWhosePolicyIsGoneAllowsNothing) {
  ASSERT_TRUE(
      server_.Commit({{store::Erase<model::ManagedPolicy>{model::RecordKey({kAccount, "Limit"})}}})
          .ok());
  auto alice = policies_.PoliciesOf(kAccount, "arn:aws:iam::111111111111:user/Alice");
  ASSERT_TRUE(alice.has_value() && alice->boundary.has_value());
  EXPECT_EQ(alice->boundary->document, "");
  authz::Authorizer authorizer;
  authz::AuthzRequest r;
  r.principal_arn = "arn:aws:iam::111111111111:user/Alice";
  r.policies = *alice;
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::bucket/key";
  Result<authz::Evaluation> e = authorizer.Evaluate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->decision, policy::Decision::kImplicitDeny);
  EXPECT_EQ(e->explanation.decided_by, policy::Layer::kBoundary);
}

auth::AccessKeyRecord SessionCaller(auth::SessionClaims claims) {
  auth::AccessKeyRecord caller;
  caller.account_id = claims.account_id;
  caller.principal_arn = claims.principal_arn;
  caller.session = std::make_shared<const auth::SessionClaims>(std::move(claims));
  return caller;
}

TEST_F(DirectoryPoliciesTest, RoleSessionsActWithTheirRoleAndSessionPolicies) {
  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kAssumedRole;
  claims.account_id = kAccount;
  claims.principal_arn = "arn:aws:sts::111111111111:assumed-role/Deployer/s";
  claims.source_arn = "arn:aws:iam::111111111111:role/ci/Deployer";
  claims.role_id = "AROAEXAMPLEEXAMPLE01";
  claims.has_session_policy = true;
  claims.session_policy = kAllow;
  claims.session_policy_arns = {kAdmin, "arn:aws:iam::111111111111:policy/Gone"};
  claims.tags = {{"ENV", "dev"}, {"cost", "7"}};
  auto caller = SessionCaller(claims);
  authz::PrincipalPolicies p = policies_.Policies(caller);
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"role_Deployer_Deploy", "AdministratorAccess"}));
  ASSERT_TRUE(p.boundary.has_value());
  ASSERT_TRUE(p.session.has_value());
  ASSERT_EQ(p.session->size(), 2u);  // the inline policy and AdministratorAccess; Gone is not
  EXPECT_EQ((*p.session)[1].id, "AdministratorAccess");
  // Session tags override the role's tags of the same key, whatever its case.
  EXPECT_EQ(policies_.PrincipalTags(caller),
            (std::map<std::string, std::string>{{"ENV", "dev"}, {"cost", "7"}}));

  // A role made again under the same name is another role: the old sessions hold nothing.
  claims.role_id = "AROAOTHEROTHEROTHER1";
  p = policies_.Policies(SessionCaller(claims));
  EXPECT_TRUE(p.identity.empty());
  EXPECT_FALSE(p.boundary.has_value());
}

TEST_F(DirectoryPoliciesTest, FederatedUsersAreBoundedByTheirSessionPolicy) {
  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kFederatedUser;
  claims.account_id = kAccount;
  claims.principal_arn = "arn:aws:sts::111111111111:federated-user/bob";
  claims.source_arn = "arn:aws:iam::111111111111:user/Alice";
  claims.role_id = server_.directory().FindUser(kAccount, "Alice")->id;  // the user who made it
  claims.has_session_policy = true;  // given no policy: an empty, allow-nothing session layer
  authz::PrincipalPolicies p = policies_.Policies(SessionCaller(claims));
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"user_Alice_Own", "AdministratorAccess",
                                              "group_Devs_Shared", "Limit"}));
  ASSERT_TRUE(p.session.has_value());
  EXPECT_TRUE(p.session->empty());
  // The root user's federated users hold what root holds, bounded the same way.
  claims.source_arn = "arn:aws:iam::111111111111:root";
  p = policies_.Policies(SessionCaller(claims));
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"root"}));
  // A federated user has its session tags only.
  claims.tags = {{"project", "x"}};
  EXPECT_EQ(policies_.PrincipalTags(SessionCaller(claims)),
            (std::map<std::string, std::string>{{"project", "x"}}));
}

}  // namespace
}  // namespace gatehouse::services
