// Account operations where one server's state matters beyond what the integration tests can
// build: alias uniqueness across accounts, GetAccountAuthorizationDetails and GetAccountSummary
// over groups, roles, instance profiles and managed policies written directly to the store,
// and the credential report's four-hour lifetime.
#include <gtest/gtest.h>

#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

using testing_support::IamTestServer;
using testing_support::XmlText;

constexpr char kA[] = "111111111111";
constexpr char kB[] = "222222222222";
constexpr char kDoc[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})";
constexpr char kTrust[] = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":)"
                          R"({"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}})";

TEST(AccountAliases, UniqueAcrossEveryAccountOfTheServer) {
  IamTestServer server;
  const std::string a = server.AddAccount(kA);
  const std::string b = server.AddAccount(kB);
  EXPECT_EQ(server.Call(a, "CreateAccountAlias", "AccountAlias=shared").status, 200);

  HttpResponse taken = server.Call(b, "CreateAccountAlias", "AccountAlias=shared");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(XmlText(taken.body, "Code"), "EntityAlreadyExists");
  EXPECT_EQ(XmlText(taken.body, "Message"), "The account alias shared already exists.");
  // B's own alias, and B cannot delete A's.
  EXPECT_EQ(server.Call(b, "CreateAccountAlias", "AccountAlias=bee").status, 200);
  HttpResponse foreign = server.Call(b, "DeleteAccountAlias", "AccountAlias=shared");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(XmlText(foreign.body, "Message"), "The account alias shared cannot be found.");
  EXPECT_EQ(XmlText(server.Call(b, "ListAccountAliases").body, "AccountAliases"),
            "<member>bee</member>");

  // Once A gives it up, B may take it, replacing its own.
  EXPECT_EQ(server.Call(a, "DeleteAccountAlias", "AccountAlias=shared").status, 200);
  EXPECT_EQ(server.Call(b, "CreateAccountAlias", "AccountAlias=shared").status, 200);
  EXPECT_EQ(XmlText(server.Call(b, "ListAccountAliases").body, "AccountAliases"),
            "<member>shared</member>");
  EXPECT_EQ(XmlText(server.Call(a, "ListAccountAliases").body, "AccountAliases"), "");
  EXPECT_EQ(server.Call(a, "CreateAccountAlias", "AccountAlias=bee").status, 200);
}

class AccountDetailsTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = server_.AddAccount(kA);
    server_.AddUser(kA, "alice");
    model::ManagedPolicy custom;
    custom.account_id = kA;
    custom.name = "Custom";
    custom.path = "/team/";
    custom.id = "ANPAEXAMPLEEXAMPLE01";
    custom.default_version = "v2";
    custom.versions = {{"v1", kDoc, 1000}, {"v2", kDoc, 2000}};
    model::Role role;
    role.account_id = kA;
    role.name = "App";
    role.id = "AROAEXAMPLEEXAMPLE01";
    role.assume_role_policy = kTrust;
    role.permissions_boundary = custom.Arn();
    model::InstanceProfile profile;
    profile.account_id = kA;
    profile.name = "AppProfile";
    profile.id = "AIPAEXAMPLEEXAMPLE01";
    profile.role_names = {"App"};
    store::WriteBatch batch{{
        store::Put<model::Group>{{kA, "Devs", "/", "AGPAEXAMPLEEXAMPLE01", 0}},
        store::Put<model::GroupMember>{{kA, "alice", "Devs"}},
        store::Put<model::GroupPolicy>{{kA, "Devs", "GroupInline", kDoc}},
        store::Put<model::GroupAttachment>{
            {kA, "Devs", "arn:aws:iam::aws:policy/AdministratorAccess"}},
        store::Put<model::ManagedPolicy>{custom},
        store::Put<model::Role>{role},
        store::Put<model::PrincipalActivity>{
            {kA,
             role.id,
             role.Arn(),
             {{"sts", {1795935600000, "eu-west-1"}}},
             {{"sts:GetCallerIdentity", {1795935600000, "eu-west-1"}}}}},
        store::Put<model::RolePolicy>{{kA, "App", "RoleInline", kDoc}},
        store::Put<model::RoleAttachment>{{kA, "App", custom.Arn()}},
        store::Put<model::InstanceProfile>{profile},
        store::Put<model::MfaDevice>{{kA, "root-device", "/", "", 0, "", true, 1, 0, {}}},
    }};
    ASSERT_TRUE(server_.Commit(batch).ok());
  }

  IamTestServer server_;
  std::string root_;
};

TEST_F(AccountDetailsTest, EveryKindOfEntityWithWhatHangsOffIt) {
  HttpResponse r = server_.Call(root_, "GetAccountAuthorizationDetails");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string& body = r.body;
  std::string groups = XmlText(body, "GroupDetailList");
  EXPECT_NE(groups.find("<GroupName>Devs</GroupName>"), std::string::npos) << groups;
  EXPECT_NE(groups.find("<PolicyName>GroupInline</PolicyName><PolicyDocument>%7B%22Version"),
            std::string::npos);
  EXPECT_NE(groups.find("<PolicyArn>arn:aws:iam::aws:policy/AdministratorAccess</PolicyArn>"),
            std::string::npos);
  EXPECT_EQ(XmlText(XmlText(body, "UserDetailList"), "GroupList"), "<member>Devs</member>");

  std::string roles = XmlText(body, "RoleDetailList");
  EXPECT_NE(roles.find("<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22"),
            std::string::npos)
      << roles;
  EXPECT_NE(roles.find("<InstanceProfileName>AppProfile</InstanceProfileName>"), std::string::npos);
  EXPECT_EQ(XmlText(XmlText(roles, "InstanceProfileList"), "RoleName"), "App");
  EXPECT_NE(roles.find("<PolicyName>RoleInline</PolicyName>"), std::string::npos);
  EXPECT_NE(roles.find("<PermissionsBoundaryArn>arn:aws:iam::111111111111:policy/team/Custom"),
            std::string::npos);
  EXPECT_NE(roles.find("<RoleLastUsed><LastUsedDate>2026-11-29T07:00:00Z</LastUsedDate>"
                       "<Region>eu-west-1</Region></RoleLastUsed>"),
            std::string::npos);

  // The customer managed policy with both versions, and the AWS managed policy in use.
  std::string policies = XmlText(body, "Policies");
  EXPECT_NE(policies.find("<PolicyName>Custom</PolicyName>"), std::string::npos) << policies;
  EXPECT_NE(policies.find("<DefaultVersionId>v2</DefaultVersionId><AttachmentCount>1"
                          "</AttachmentCount><PermissionsBoundaryUsageCount>1"
                          "</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>"),
            std::string::npos)
      << policies;
  EXPECT_NE(policies.find("<VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion>"),
            std::string::npos);
  EXPECT_NE(policies.find("<PolicyName>AdministratorAccess</PolicyName>"), std::string::npos);

  HttpResponse aws_only =
      server_.Call(root_, "GetAccountAuthorizationDetails", "Filter.member.1=AWSManagedPolicy");
  EXPECT_EQ(XmlText(aws_only.body, "UserDetailList"), "");
  EXPECT_EQ(XmlText(XmlText(aws_only.body, "Policies"), "PolicyName"), "AdministratorAccess");
  // An AWS managed policy attached to nothing is not listed.
  ASSERT_TRUE(server_
                  .Commit({{store::Erase<model::GroupAttachment>::Of(
                      {kA, "Devs", "arn:aws:iam::aws:policy/AdministratorAccess"})}})
                  .ok());
  aws_only =
      server_.Call(root_, "GetAccountAuthorizationDetails", "Filter.member.1=AWSManagedPolicy");
  EXPECT_EQ(XmlText(aws_only.body, "Policies"), "");
}

TEST_F(AccountDetailsTest, PagesAcrossTheWholeAnswer) {
  std::vector<std::string> names;
  std::string marker;
  do {
    HttpResponse r =
        server_.Call(root_, "GetAccountAuthorizationDetails",
                     "MaxItems=1" + (marker.empty() ? "" : "&Marker=" + UriEncode(marker)));
    ASSERT_EQ(r.status, 200) << r.body;
    // One entry a page, in whichever list it belongs to.
    names.push_back(XmlText(XmlText(r.body, "UserDetailList"), "UserName") +
                    XmlText(XmlText(r.body, "GroupDetailList"), "GroupName") +
                    XmlText(XmlText(r.body, "RoleDetailList"), "RoleName") +
                    XmlText(XmlText(r.body, "Policies"), "PolicyName"));
    marker = XmlText(r.body, "IsTruncated") == "true" ? XmlText(r.body, "Marker") : "";
  } while (!marker.empty());
  EXPECT_EQ(names,
            (std::vector<std::string>{"alice", "Devs", "App", "Custom", "AdministratorAccess"}));
}

TEST_F(AccountDetailsTest, SummaryCountsEveryKind) {
  std::string map = XmlText(server_.Call(root_, "GetAccountSummary").body, "SummaryMap");
  for (const char* entry :
       {"<key>Users</key><value>1</value>", "<key>Groups</key><value>1</value>",
        "<key>Roles</key><value>1</value>", "<key>InstanceProfiles</key><value>1</value>",
        "<key>Policies</key><value>1</value>", "<key>PolicyVersionsInUse</key><value>2</value>",
        "<key>MFADevices</key><value>1</value>", "<key>MFADevicesInUse</key><value>1</value>",
        "<key>AccountMFAEnabled</key><value>1</value>",
        "<key>AccountAccessKeysPresent</key><value>1</value>"}) {
    EXPECT_NE(map.find(entry), std::string::npos) << entry << " in " << map;
  }
}

TEST(CredentialReport, ExpiresAfterFourHours) {
  IamTestServer server;
  const std::string root = server.AddAccount(kA);
  HttpResponse missing = server.Call(root, "GetCredentialReport");
  EXPECT_EQ(missing.status, 410);
  EXPECT_EQ(XmlText(missing.body, "Code"), "ReportNotPresent");
  EXPECT_EQ(missing.body.find("<Message>"), std::string::npos) << missing.body;

  EXPECT_EQ(XmlText(server.Call(root, "GenerateCredentialReport").body, "State"), "STARTED");
  server.Advance(4 * 3600 - 1);
  EXPECT_EQ(XmlText(server.Call(root, "GenerateCredentialReport").body, "State"), "COMPLETE");
  EXPECT_EQ(server.Call(root, "GetCredentialReport").status, 200);
  server.Advance(1);
  HttpResponse expired = server.Call(root, "GetCredentialReport");
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(XmlText(expired.body, "Code"), "ReportExpired");
  EXPECT_EQ(XmlText(server.Call(root, "GenerateCredentialReport").body, "State"), "STARTED");
  HttpResponse fresh = server.Call(root, "GetCredentialReport");
  EXPECT_EQ(XmlText(fresh.body, "GeneratedTime"), "2026-11-29T11:00:00Z");
}

}  // namespace
}  // namespace gatehouse::services
