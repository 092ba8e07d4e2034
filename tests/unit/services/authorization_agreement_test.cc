// Simulation and enforcement never disagree: for a table of principals (inline, attached and
// group policies, customer managed policy versions, boundaries, conditions on the principal) the
// same (principal, action, resource) goes through the dispatcher's authorization, as the
// principal calling the operation, and through iam:SimulatePrincipalPolicy, and both give the
// expected decision.
#include <gtest/gtest.h>

#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

using testing_support::IamTestServer;
using testing_support::XmlText;

constexpr char kAccount[] = "111111111111";

std::string Doc(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

struct Case {
  std::string description;
  std::vector<std::string> inline_policies;
  std::vector<std::string> attached;        // managed policy ARNs
  std::vector<std::string> group_policies;  // inline policies of a group the user is in
  std::vector<std::string> group_attached;
  std::string boundary;  // a customer managed policy's document, set as the boundary
  std::vector<model::Tag> tags;
  // The call: operation and its parameters ({self} is the user's name), the action and
  // resource it is authorized as.
  std::string operation;
  std::string params;
  std::string action;
  std::string resource;
  std::string context_entries;  // the simulator's ContextEntries, as form parameters
  std::string expected;         // allowed, implicitDeny or explicitDeny
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

const std::string kUserArn = std::string("arn:aws:iam::") + kAccount + ":user/";
const std::string kAllowGetUser = R"({"Effect":"Allow","Action":"iam:GetUser","Resource":"*"})";

std::vector<Case> Cases() {
  return {
      {"no policy",
       {},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "implicitDeny"},
      {"inline allow",
       {Doc(kAllowGetUser)},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "allowed"},
      {"resource outside the allowed path",
       {Doc(R"({"Effect":"Allow","Action":"iam:Get*","Resource":"arn:aws:iam::*:user/team/*"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "implicitDeny"},
      {"explicit deny beats allow",
       {Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
            R"({"Effect":"Deny","Action":"iam:GetUser","Resource":"*"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "explicitDeny"},
      {"AWS managed policy attached",
       {},
       {"arn:aws:iam::aws:policy/AdministratorAccess"},
       {},
       {},
       "",
       {},
       "ListUsers",
       "",
       "iam:ListUsers",
       kUserArn,
       "",
       "allowed"},
      {"group inline policy",
       {},
       {},
       {Doc(kAllowGetUser)},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "allowed"},
      {"group managed policy, user inline deny",
       {Doc(R"({"Effect":"Deny","Action":"iam:List*","Resource":"*"})")},
       {},
       {},
       {"arn:aws:iam::aws:policy/AdministratorAccess"},
       "",
       {},
       "ListUsers",
       "",
       "iam:ListUsers",
       kUserArn,
       "",
       "explicitDeny"},
      {"boundary limits an administrator",
       {},
       {"arn:aws:iam::aws:policy/AdministratorAccess"},
       {},
       {},
       Doc(R"({"Effect":"Allow","Action":"iam:List*","Resource":"*"})"),
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "implicitDeny"},
      {"boundary allows what it lists",
       {},
       {"arn:aws:iam::aws:policy/AdministratorAccess"},
       {},
       {},
       Doc(R"({"Effect":"Allow","Action":"iam:List*","Resource":"*"})"),
       {},
       "ListUsers",
       "",
       "iam:ListUsers",
       kUserArn,
       "",
       "allowed"},
      {"boundary deny",
       {Doc(kAllowGetUser)},
       {},
       {},
       {},
       Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
           R"({"Effect":"Deny","Action":"iam:GetUser","Resource":"*"})"),
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "explicitDeny"},
      {"policy variable names the caller",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetUser",)"
            R"("Resource":"arn:aws:iam::*:user/${aws:username}"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "allowed"},
      {"policy variable excludes another user",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetUser",)"
            R"("Resource":"arn:aws:iam::*:user/${aws:username}"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName=admin",
       "iam:GetUser",
       kUserArn + "admin",
       "",
       "implicitDeny"},
      {"principal tag condition met",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetUser","Resource":"*",)"
            R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}})")},
       {},
       {},
       {},
       "",
       {{"team", "blue"}},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "allowed"},
      {"principal tag condition not met",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetUser","Resource":"*",)"
            R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}})")},
       {},
       {},
       {},
       "",
       {{"team", "red"}},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "implicitDeny"},
      {"deny with NotAction",
       {Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
            R"({"Effect":"Deny","NotAction":"iam:Get*","Resource":"*"})")},
       {},
       {},
       {},
       "",
       {},
       "ListUsers",
       "",
       "iam:ListUsers",
       kUserArn,
       "",
       "explicitDeny"},
      {"NotAction deny spares what it names",
       {Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
            R"({"Effect":"Deny","NotAction":"iam:Get*","Resource":"*"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName={self}",
       "iam:GetUser",
       kUserArn + "{self}",
       "",
       "allowed"},
      {"region condition with the region as a context entry",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetAccountSummary","Resource":"*",)"
            R"("Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}})")},
       {},
       {},
       {},
       "",
       {},
       "GetAccountSummary",
       "",
       "iam:GetAccountSummary",
       "*",
       "ContextEntries.member.1.ContextKeyName=aws%3ARequestedRegion&"
       "ContextEntries.member.1.ContextKeyValues.member.1=us-east-1&"
       "ContextEntries.member.1.ContextKeyType=string",
       "allowed"},
      {"NotResource",
       {Doc(R"({"Effect":"Allow","Action":"iam:GetUser","NotResource":)"
            R"("arn:aws:iam::*:user/admin"})")},
       {},
       {},
       {},
       "",
       {},
       "GetUser",
       "UserName=admin",
       "iam:GetUser",
       kUserArn + "admin",
       "",
       "implicitDeny"},
  };
}

// The decision enforcement made, from the dispatcher's answer.
std::string Enforced(const HttpResponse& r) {
  if (r.status == 200) return "allowed";
  EXPECT_EQ(XmlText(r.body, "Code"), "AccessDenied") << r.body;
  return r.body.find("with an explicit deny") != std::string::npos ? "explicitDeny"
                                                                   : "implicitDeny";
}

TEST(AuthorizationAgreement, SimulationAndEnforcementDecideAlike) {
  IamTestServer server;
  const std::string root = server.AddAccount(kAccount);
  server.AddUser(kAccount, "admin");
  std::vector<Case> cases = Cases();
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.description);
    const std::string name = "case" + std::to_string(i);
    const std::string key = server.AddUser(kAccount, name, c.tags);
    store::WriteBatch batch;
    for (size_t p = 0; p < c.inline_policies.size(); ++p) {
      batch.writes.push_back(store::PutUserPolicy{
          {kAccount, name, "inline" + std::to_string(p), c.inline_policies[p]}});
    }
    for (const std::string& arn : c.attached) {
      batch.writes.push_back(store::AttachUserPolicy{{kAccount, name, arn}});
    }
    if (!c.group_policies.empty() || !c.group_attached.empty()) {
      const std::string group = "group" + std::to_string(i);
      batch.writes.push_back(store::Put<model::Group>{
          {kAccount, group, "/", "AGPA" + std::string(17, 'A' + i % 26), 0}});
      batch.writes.push_back(store::Put<model::GroupMember>{{kAccount, name, group}});
      for (size_t p = 0; p < c.group_policies.size(); ++p) {
        batch.writes.push_back(store::Put<model::GroupPolicy>{
            {kAccount, group, "policy" + std::to_string(p), c.group_policies[p]}});
      }
      for (const std::string& arn : c.group_attached) {
        batch.writes.push_back(store::Put<model::GroupAttachment>{{kAccount, group, arn}});
      }
    }
    if (!c.boundary.empty()) {
      model::ManagedPolicy boundary;
      boundary.account_id = kAccount;
      boundary.name = "boundary" + std::to_string(i);
      boundary.id = "ANPA" + std::string(17, 'B');
      boundary.versions = {{"v1", c.boundary, 0}};
      batch.writes.push_back(store::Put<model::ManagedPolicy>{boundary});
      batch.writes.push_back(store::Put<model::UserBoundary>{{kAccount, name, boundary.Arn()}});
    }
    ASSERT_TRUE(server.Commit(batch).ok());

    const std::string enforced =
        Enforced(server.Call(key, c.operation, Replace(c.params, "{self}", name)));
    HttpResponse simulated =
        server.Call(root, "SimulatePrincipalPolicy",
                    "PolicySourceArn=" + UriEncode(kUserArn + name) +
                        "&ActionNames.member.1=" + UriEncode(c.action) +
                        "&ResourceArns.member.1=" + UriEncode(Replace(c.resource, "{self}", name)) +
                        (c.context_entries.empty() ? "" : "&" + c.context_entries));
    ASSERT_EQ(simulated.status, 200) << simulated.body;
    EXPECT_EQ(XmlText(simulated.body, "EvalDecision"), c.expected) << simulated.body;
    EXPECT_EQ(enforced, c.expected);
  }
}

}  // namespace
}  // namespace gatehouse::services
