// The AWS-managed policy catalog (the embedded data file and its loader's refusals) and the
// helpers of the managed-policy operations: who uses a policy (groups, roles, users; attached or
// as boundary), boundary usage counts, version numbers.
#include "services/iam/managed_policies.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "services/iam/policy_common.h"
#include "services/iam/policy_entities.h"
#include "services/iam/root_access.h"
#include "services/iam/service_linked_roles.h"

namespace gatehouse::services::iam {
namespace {

constexpr const char* kAccount = "111122223333";

// The catalog's service-role policies are those of the service-linked roles gatehouse makes, and
// neither their ids nor their paths pass for another kind of policy.
TEST(ManagedPolicyCatalogTest, ServiceRolePoliciesBelongToServiceLinkedRoles) {
  Result<ManagedPolicyCatalog> catalog = ManagedPolicyCatalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  std::set<std::string> named;
  for (const ServiceLinkedRoleSpec& role : ServiceLinkedRoles()) {
    named.insert(role.policy_arns.begin(), role.policy_arns.end());
  }
  size_t held = 0;
  for (const auto& [arn, p] : catalog->all()) {
    if (!p.ForServiceLinkedRoles()) continue;
    ++held;
    EXPECT_TRUE(named.count(arn)) << arn;
    EXPECT_EQ(arn, "arn:aws:iam::aws:policy/aws-service-role/" + p.name);
    EXPECT_TRUE(p.Attachable()) << arn;  // listed as attachable; CheckAttach refuses them
    EXPECT_EQ(p.id.size(), 21u) << arn;
    EXPECT_EQ(p.id.substr(0, 4), "ANPA") << arn;
  }
  EXPECT_EQ(held, 17u);
}

TEST(ManagedPolicyCatalogTest, EmbeddedCatalogHoldsTheAwsPolicies) {
  Result<ManagedPolicyCatalog> catalog = ManagedPolicyCatalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const char* name :
       {"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess",
        "IAMReadOnlyAccess", "IAMUserChangePassword", "AWSOrganizationsFullAccess",
        "AWSOrganizationsReadOnlyAccess", "SecurityAudit"}) {
    const AwsManagedPolicy* p = catalog->Find(std::string("arn:aws:iam::aws:policy/") + name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->name, name);
    EXPECT_EQ(p->path, "/");
    EXPECT_EQ(p->id.substr(0, 4), "ANPA");
    EXPECT_EQ(p->id.size(), 21u);
    ASSERT_NE(p->FindVersion(p->default_version), nullptr) << name;
    EXPECT_EQ(p->document, p->FindVersion(p->default_version)->document);
    EXPECT_FALSE(p->description.empty());
  }
  const AwsManagedPolicy* trust =
      catalog->Find("arn:aws:iam::aws:policy/aws-service-role/AWSOrganizationsServiceTrustPolicy");
  ASSERT_NE(trust, nullptr);
  EXPECT_EQ(trust->path, "/aws-service-role/");
  EXPECT_EQ(catalog->all().size(), 31u);

  const AwsManagedPolicy* admin = catalog->Find("arn:aws:iam::aws:policy/AdministratorAccess");
  EXPECT_EQ(admin->id, "ANPAIWMBCKSKIEE64ZLYK");
  EXPECT_EQ(admin->default_version, "v1");
  EXPECT_EQ(admin->created, "2015-02-06T18:39:46Z");
  // Documents keep the keys in the order AWS publishes them.
  EXPECT_LT(admin->document.find("\"Effect\""), admin->document.find("\"Action\""));
}

TEST(ManagedPolicyCatalogTest, EveryRootTaskHasItsDenyOnlyPolicyThatNothingMayAttach) {
  Result<ManagedPolicyCatalog> catalog = ManagedPolicyCatalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok());
  size_t tasks = 0;
  for (const auto& [arn, policy] : catalog->all()) {
    const RootTask* task = FindRootTask(arn);
    EXPECT_EQ(task != nullptr, policy.path == AwsManagedPolicy::kRootTaskPath) << arn;
    EXPECT_EQ(policy.Attachable(), task == nullptr) << arn;
    if (task == nullptr) continue;
    ++tasks;
    // Each only denies: the root user's own rights are what it bounds.
    EXPECT_EQ(policy.document.find("\"Allow\""), std::string::npos) << arn;
  }
  EXPECT_EQ(tasks, 5u);
  EXPECT_EQ(FindRootTask("arn:aws:iam::aws:policy/root-task/iamauditrootusercredentials"), nullptr);
  EXPECT_EQ(FindRootTask("arn:aws:iam::aws:policy/AdministratorAccess"), nullptr);
}

TEST(ManagedPolicyCatalogTest, AbridgedPoliciesKeepTheirIamStsAndOrganizationsActions) {
  Result<ManagedPolicyCatalog> catalog = ManagedPolicyCatalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok());
  const std::string& read_only = catalog->Find("arn:aws:iam::aws:policy/ReadOnlyAccess")->document;
  for (const char* action :
       {"iam:Get*", "iam:List*", "iam:Generate*", "iam:Simulate*", "organizations:Describe*",
        "organizations:List*", "sts:GetCallerIdentity", "sts:GetAccessKeyInfo"}) {
    EXPECT_NE(read_only.find(std::string("\"") + action + "\""), std::string::npos) << action;
  }
  EXPECT_EQ(read_only.find("ec2:"), std::string::npos);
  const std::string& audit = catalog->Find("arn:aws:iam::aws:policy/SecurityAudit")->document;
  EXPECT_NE(audit.find("\"iam:SimulatePrincipalPolicy\""), std::string::npos);
  EXPECT_EQ(audit.find("apigateway"), std::string::npos);
}

std::string Entry(const std::string& name, const std::string& document,
                  const std::string& default_version = "v1") {
  return R"({"name": ")" + name +
         R"(", "path": "/", "id": "ANPAEXAMPLEEXAMPLE123", "defaultVersion": ")" + default_version +
         R"(", "created": "2015-02-06T18:39:46Z", "updated": "2015-02-06T18:39:46Z",
            "description": "d", "versions": [{"versionId": "v1",
            "created": "2015-02-06T18:39:46Z", "document": )" +
         document + "}]}";
}

constexpr const char* kValidDocument =
    R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
        "Resource": "*"}]})";

TEST(ManagedPolicyCatalogTest, LoadingFailsLoudly) {
  EXPECT_TRUE(
      ManagedPolicyCatalog::Load(R"({"policies": [)" + Entry("Good", kValidDocument) + "]}").ok());
  Result<ManagedPolicyCatalog> malformed = ManagedPolicyCatalog::Load(
      R"({"policies": [)" +
      Entry("Broken", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe",
            "Action": "*", "Resource": "*"}]})") +
      "]}");
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.status().message().find("Broken"), std::string::npos);
  EXPECT_FALSE(ManagedPolicyCatalog::Load(R"({"policies": [)" +
                                          Entry("NoDefault", kValidDocument, "v2") + "]}")
                   .ok());
  EXPECT_FALSE(ManagedPolicyCatalog::Load(R"({"policies": [)" + Entry("Twice", kValidDocument) +
                                          "," + Entry("Twice", kValidDocument) + "]}")
                   .ok());
  EXPECT_FALSE(ManagedPolicyCatalog::Load(R"({"policies": [{"name": "NoFields"}]})").ok());
  EXPECT_FALSE(ManagedPolicyCatalog::Load("not json").ok());
}

TEST(ManagedPolicyCatalogTest, RecognizesAwsManagedArns) {
  EXPECT_TRUE(IsAwsManagedArn("arn:aws:iam::aws:policy/Anything"));
  EXPECT_FALSE(IsAwsManagedArn("arn:aws:iam::111122223333:policy/Mine"));
}

TEST(PolicyVersionTest, VersionNumbers) {
  EXPECT_EQ(VersionNumber("v1"), 1);
  EXPECT_EQ(VersionNumber("v178"), 178);
  EXPECT_EQ(VersionNumber("v2.beta"), 2);
  EXPECT_EQ(VersionNumber("x1"), 0);
}

// A directory with groups, roles and users using policy P in the ways IAM allows.
class PolicyEntitiesTest : public ::testing::Test {
 protected:
  const std::string policy_ = std::string("arn:aws:iam::") + kAccount + ":policy/P";
  const std::string other_ = std::string("arn:aws:iam::") + kAccount + ":policy/Other";

  void SetUp() override {
    store::WriteBatch batch;
    auto user = [&](const std::string& name, const std::string& path) {
      batch.writes.push_back(
          store::InsertUser{model::User{kAccount, name, path, "AIDA" + name, 0, {}}});
    };
    user("alice", "/");
    user("bob", "/eng/");
    user("carol", "/");
    batch.writes.push_back(store::AttachUserPolicy{{kAccount, "alice", policy_}});
    batch.writes.push_back(store::AttachUserPolicy{{kAccount, "carol", other_}});
    batch.writes.push_back(store::Put<model::UserBoundary>{{kAccount, "bob", policy_}});
    batch.writes.push_back(store::Put<model::Group>{{kAccount, "Admins", "/", "AGPAADMINS", 0}});
    batch.writes.push_back(store::Put<model::Group>{{kAccount, "Devs", "/", "AGPADEVS", 0}});
    batch.writes.push_back(store::Put<model::GroupAttachment>{{kAccount, "Admins", policy_}});
    batch.writes.push_back(store::Put<model::GroupAttachment>{{kAccount, "Devs", other_}});
    auto role = [](const std::string& name, const std::string& path) {
      model::Role r;
      r.account_id = kAccount;
      r.name = name;
      r.path = path;
      r.id = "AROA" + name;
      return r;
    };
    model::Role attached = role("Deployer", "/ci/");
    model::Role bounded = role("Bounded", "/");
    bounded.permissions_boundary = policy_;
    batch.writes.push_back(store::Put<model::Role>{attached});
    batch.writes.push_back(store::Put<model::Role>{bounded});
    batch.writes.push_back(store::Put<model::RoleAttachment>{{kAccount, "Deployer", policy_}});
    dir_.Apply(batch);
  }

  std::vector<std::string> Names(PolicyUsage usage) {
    std::vector<std::string> names;
    for (const PolicyEntity& e : PolicyEntities(dir_, kAccount, policy_, usage)) {
      names.push_back(e.name + ":" + e.id + ":" + e.path);
    }
    return names;
  }

  store::Directory dir_;
};

TEST_F(PolicyEntitiesTest, ListsGroupsThenRolesThenUsers) {
  EXPECT_EQ(Names(PolicyUsage::kAny),
            (std::vector<std::string>{"Admins:AGPAADMINS:/", "Bounded:AROABounded:/",
                                      "Deployer:AROADeployer:/ci/", "alice:AIDAalice:/",
                                      "bob:AIDAbob:/eng/"}));
}

TEST_F(PolicyEntitiesTest, FiltersByUsage) {
  EXPECT_EQ(Names(PolicyUsage::kPermissionsPolicy),
            (std::vector<std::string>{"Admins:AGPAADMINS:/", "Deployer:AROADeployer:/ci/",
                                      "alice:AIDAalice:/"}));
  EXPECT_EQ(Names(PolicyUsage::kPermissionsBoundary),
            (std::vector<std::string>{"Bounded:AROABounded:/", "bob:AIDAbob:/eng/"}));
}

TEST_F(PolicyEntitiesTest, ComparesArnsRegardlessOfCase) {
  std::string upper = policy_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(PolicyEntities(dir_, kAccount, upper, PolicyUsage::kAny).size(), 5u);
}

TEST_F(PolicyEntitiesTest, CountsBoundaryUsage) {
  auto usage = BoundaryUsage(dir_, kAccount);
  EXPECT_EQ(usage.at(std::string("arn:aws:iam::") + kAccount + ":policy/p"), 2);
  EXPECT_EQ(usage.count(std::string("arn:aws:iam::") + kAccount + ":policy/other"), 0u);
  EXPECT_EQ(dir_.AttachmentCount(kAccount, policy_), 3);
}

}  // namespace
}  // namespace gatehouse::services::iam
