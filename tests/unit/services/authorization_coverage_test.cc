// Every operation of the authorization table (authz/operations.def) needs exactly its action:
// a user without policies calling it is refused with AccessDenied in AWS's words, naming that
// action; a user whose only policy allows that action (on every resource) gets past
// authorization (whatever the handler then answers). The table is read with its own X macro,
// so a new operation is covered, or named as lacking a sample, as soon as it enters the table.
// The sample requests live in authorization_samples.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "authorization_samples.h"
#include "authz/operation_table.h"
#include "core/uri.h"
#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

using authz::ResourceForm;
using testing_support::IamTestServer;
using testing_support::OperationSample;
using testing_support::OperationSamples;
using testing_support::XmlText;

struct TableEntry {
  std::string_view service;
  std::string_view operation;
  std::string_view action;
  ResourceForm resource;
};

constexpr std::array kTable = {
#define X(service, operation, action, resource) \
  TableEntry{#service, #operation, action, ResourceForm::resource},
#include "authz/operations.def"
#undef X
};

// The operations AWS answers whatever the caller's policies say (form kNone): the coverage test
// skips them, and checks instead that a caller without policies gets an answer.
const std::set<std::string> kUnauthorized = {"sts:GetCallerIdentity", "sts:GetSessionToken"};

// The operations accepted unsigned (form kUnsigned): the caller's policies play no part, the
// role's trust policy decides alone (tests/integration/test_web_identity.py and
// tests/security/test_web_identity_forgery.py cover them).
const std::set<std::string> kTrustOnly = {"sts:AssumeRoleWithWebIdentity",
                                          "sts:AssumeRoleWithSAML"};

// What a user may call without a policy of its own once the account's password policy sets
// AllowUsersToChangePassword: AWS then grants every user iam:ChangePassword on itself and
// iam:GetAccountPasswordPolicy (services/directory_policies.cc). Without that setting they are
// authorized like any other operation, so the coverage test runs them in accounts without a
// password policy (denied, then allowed by their action), and PasswordPolicyGrants tests the
// grant and its limits.
const std::set<std::string> kGrantedByPasswordPolicy = {"iam:ChangePassword",
                                                        "iam:GetAccountPasswordPolicy"};

std::string Name(const TableEntry& e) {
  return std::string(e.service) + ":" + std::string(e.operation);
}

const OperationSample* FindSample(const TableEntry& e) {
  for (const OperationSample& s : OperationSamples()) {
    if (s.service == e.service && s.operation == e.operation) return &s;
  }
  return nullptr;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

bool IsJson(const HttpResponse& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Content-Type") return value.find("json") != std::string::npos;
  }
  return false;
}

// The error's wire code (Code, or __type of a JSON error), "" for a success.
std::string ErrorCodeOf(const HttpResponse& r) {
  if (!IsJson(r)) return XmlText(r.body, "Code");
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  return body.is_object() ? body.value("__type", "") : "";
}

std::string ErrorMessageOf(const HttpResponse& r) {
  if (!IsJson(r)) return XmlText(r.body, "Message");
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object()) return "";
  return body.contains("Message") ? body.value("Message", "") : body.value("message", "");
}

// Refused by authorization: IAM's and STS's AccessDenied (403), Organizations'
// AccessDeniedException (400).
bool IsAccessDenied(const HttpResponse& r) {
  std::string code = ErrorCodeOf(r);
  return (code == "AccessDenied" && r.status == 403) ||
         (code == "AccessDeniedException" && r.status == 400);
}

std::string Allow(std::string_view action) {
  return R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":")" +
         std::string(action) + R"(","Resource":"*"}})";
}

// An account of its own for each operation, so that what one sample changes (a password
// policy, an alias, a deleted key) never decides another's outcome.
class Account {
 public:
  Account(IamTestServer& server, std::string id) : server_(server), id_(std::move(id)) {
    root_ = server_.AddAccount(id_);
    target_key_ = server_.AddUser(id_, "alice");
    model::Role trusting;
    trusting.account_id = id_;
    trusting.name = "Trusting";
    trusting.id = "AROATRUSTING" + id_.substr(3);
    trusting.assume_role_policy =
        R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":")" + id_ +
        R"("},"Action":"sts:AssumeRole"}})";
    EXPECT_TRUE(server_.Commit({{store::Put<model::Role>{trusting, true}}}).ok());
    // The management account of its own organization, with an OU and an SCP.
    model::Organization org;
    org.id = "o-" + id_;
    org.management_account_id = id_;
    org.root_id = "r-" + id_;
    model::OrganizationAccount member{
        org.id, id_, org.root_id, model::kJoinedCreated, 0, model::kAccountActive, {}};
    model::OrganizationalUnit ou{org.id, "ou-" + id_ + "-sampleou", org.root_id, "Unit", {}, 0};
    model::OrganizationPolicy scp{
        org.id, "p-" + id_, model::kServiceControlPolicy, "Sample", "", Allow("iam:*"), {}};
    EXPECT_TRUE(server_
                    .Commit({{store::Put<model::Organization>{org, true},
                              store::Put<model::AccountOrganization>{{id_, org.id}, true},
                              store::Put<model::OrganizationAccount>{member, true},
                              store::Put<model::OrganizationalUnit>{ou, true},
                              store::Put<model::OrganizationPolicy>{scp, true}}})
                    .ok());
  }

  const std::string& id() const { return id_; }
  const std::string& root() const { return root_; }

  // A new user, its inline policies `documents`; returns its access key id.
  std::string AddUser(const std::string& name, const std::vector<std::string>& documents = {}) {
    std::string key = server_.AddUser(id_, name);
    store::WriteBatch batch;
    for (size_t i = 0; i < documents.size(); ++i) {
      batch.writes.push_back(
          store::PutUserPolicy{{id_, name, "policy" + std::to_string(i), documents[i]}});
    }
    if (!batch.writes.empty()) {
      EXPECT_TRUE(server_.Commit(batch).ok());
    }
    return key;
  }

  std::string UserArn(const std::string& name) const {
    return "arn:aws:iam::" + id_ + ":user/" + name;
  }

  // `sample`, its placeholders filled in for this account, signed with `key`.
  HttpResponse Call(const std::string& key, const OperationSample& sample) {
    std::string params;
    nlohmann::json body = nlohmann::json::object();
    for (const auto& [name, value] : sample.params) {
      std::string v = Fill(value);
      params += (params.empty() ? "" : "&") + UriEncode(name) + "=" + UriEncode(v);
      if (v.starts_with("#")) {  // a number (a timestamp in epoch seconds)
        body[name] = nlohmann::json::parse(v.substr(1));
        continue;
      }
      body[name] = v.starts_with("[") || v.starts_with("{") || v.starts_with("\"")
                       ? nlohmann::json::parse(v)
                       : nlohmann::json(v);
    }
    if (sample.service == "organizations" || sample.service == "cloudtrail") {  // JSON 1.1
      return server_.CallJson(key, sample.service, sample.operation, body.dump());
    }
    return server_.CallService(key, sample.service, sample.operation, params);
  }

 private:
  std::string Fill(const std::string& value) const {
    std::string v = Replace(Replace(value, "{account}", id_), "{target_key}", target_key_);
    v = Replace(Replace(v, "{org}", "o-" + id_), "{root}", "r-" + id_);
    return Replace(Replace(v, "{ou}", "ou-" + id_ + "-sampleou"), "{policy}", "p-" + id_);
  }

  IamTestServer& server_;
  std::string id_;
  std::string root_;
  std::string target_key_;
};

std::string AccountId(int64_t base, size_t i) {
  return std::to_string(base + static_cast<int64_t>(i));
}

TEST(AuthorizationCoverage, EverySampleIsOfAnOperationOfTheTableOnce) {
  std::set<std::string> seen;
  for (const OperationSample& s : OperationSamples()) {
    const std::string name = s.service + ":" + s.operation;
    EXPECT_TRUE(seen.insert(name).second) << "two samples of " << name;
    EXPECT_NE(authz::FindOperationSpec(s.service, s.operation), nullptr)
        << "sample of " << name << ", which operations.def does not hold";
  }
}

// The coverage test allows a user the table's action: a typo there would go unnoticed. Where
// AWS names an action differently from its operation, the exception belongs in this test.
TEST(AuthorizationCoverage, ActionsAreNamedAfterTheirOperations) {
  for (const TableEntry& e : kTable) EXPECT_EQ(e.action, Name(e));
}

TEST(AuthorizationCoverage, OnlyOperationsWithoutAuthorizationAreSkipped) {
  std::set<std::string> none;
  std::set<std::string> unsigned_ops;
  for (const TableEntry& e : kTable) {
    if (e.resource == ResourceForm::kNone) none.insert(Name(e));
    if (e.resource == ResourceForm::kUnsigned) unsigned_ops.insert(Name(e));
  }
  EXPECT_EQ(none, kUnauthorized);
  EXPECT_EQ(unsigned_ops, kTrustOnly);

  // A caller without any policy gets them answered.
  IamTestServer server;
  Account account(server, "100000000000");
  const std::string key = account.AddUser("nopolicy");
  for (const TableEntry& e : kTable) {
    if (e.resource != ResourceForm::kNone) continue;
    const OperationSample* sample = FindSample(e);
    if (sample == nullptr) {
      ADD_FAILURE() << Name(e) << " has no sample request in authorization_samples.h";
      continue;
    }
    HttpResponse r = account.Call(key, *sample);
    EXPECT_EQ(r.status, 200) << Name(e) << ": " << r.body;
  }
}

TEST(AuthorizationCoverage, EveryOperationNeedsExactlyItsAction) {
  IamTestServer server;
  size_t covered = 0;
  for (size_t i = 0; i < kTable.size(); ++i) {
    const TableEntry& e = kTable[i];
    if (e.resource == ResourceForm::kNone || e.resource == ResourceForm::kUnsigned) continue;
    const std::string name = Name(e);
    const std::string action(e.action);
    const OperationSample* sample = FindSample(e);
    if (sample == nullptr) {
      ADD_FAILURE() << name << " has no sample request in authorization_samples.h";
      continue;
    }
    SCOPED_TRACE(name);
    Account account(server, AccountId(200000000000, i));

    // Denied: no policy at all. A sample failing input validation fails here too.
    const std::string denied_user = "denied-" + std::string(e.operation);
    HttpResponse denied = account.Call(account.AddUser(denied_user), *sample);
    const std::string message = ErrorMessageOf(denied);
    EXPECT_TRUE(IsAccessDenied(denied)) << name << " without permission: " << denied.body;
    const std::string head = "User: " + account.UserArn(denied_user) +
                             " is not authorized to perform: " + action + " on resource: ";
    const std::string tail = " because no identity-based policy allows the " + action + " action";
    EXPECT_EQ(message.substr(0, head.size()), head) << name;
    EXPECT_TRUE(message.size() > head.size() + tail.size() &&
                message.compare(message.size() - tail.size(), tail.size(), tail) == 0)
        << name << ": " << message;

    // Allowed: one inline policy allowing exactly the table's action.
    const std::string allowed_user = "allowed-" + std::string(e.operation);
    HttpResponse allowed = account.Call(account.AddUser(allowed_user, {Allow(action)}), *sample);
    const std::string code = ErrorCodeOf(allowed);
    // Past authorization, a handler may still refuse with AccessDenied for its own reasons
    // (AssumeRoot outside an organization), but never as an authorization refusal.
    EXPECT_FALSE(IsAccessDenied(allowed) &&
                 ErrorMessageOf(allowed).find(" is not authorized to perform") != std::string::npos)
        << name << " with " << action << " allowed: " << allowed.body;
    EXPECT_NE(code, "ValidationError") << name << ": " << allowed.body;
    EXPECT_NE(code, "InvalidInputException") << name << ": " << allowed.body;
    EXPECT_NE(code, "NotImplemented") << name << ": " << allowed.body;
    ++covered;
  }
  EXPECT_EQ(covered + kUnauthorized.size() + kTrustOnly.size(), kTable.size());
}

TEST(AuthorizationCoverage, ExplicitDenyIsWordedAsSuch) {
  IamTestServer server;
  const std::set<std::string> representative = {"iam:GetUser",
                                                "iam:ListRoles",
                                                "iam:CreatePolicy",
                                                "iam:TagMFADevice",
                                                "iam:GetAccountSummary",
                                                "organizations:DescribeOrganization",
                                                "organizations:CreateOrganizationalUnit"};
  size_t i = 0;
  for (const TableEntry& e : kTable) {
    if (representative.count(Name(e)) == 0) continue;
    SCOPED_TRACE(Name(e));
    const OperationSample* sample = FindSample(e);
    ASSERT_NE(sample, nullptr);
    Account account(server, AccountId(300000000000, i++));
    const std::string action(e.action);
    const std::string policy = R"({"Version":"2012-10-17","Statement":[)"
                               R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
                               R"({"Effect":"Deny","Action":")" +
                               action + R"(","Resource":"*"}]})";
    HttpResponse r = account.Call(account.AddUser("denier", {policy}), *sample);
    EXPECT_TRUE(IsAccessDenied(r)) << r.body;
    const std::string message = ErrorMessageOf(r);
    EXPECT_NE(message.find("User: " + account.UserArn("denier") +
                           " is not authorized to perform: " + action + " on resource: "),
              std::string::npos)
        << message;
    const std::string tail = " with an explicit deny in an identity-based policy";
    EXPECT_TRUE(message.size() > tail.size() &&
                message.compare(message.size() - tail.size(), tail.size(), tail) == 0)
        << message;
  }
  EXPECT_EQ(i, representative.size());
}

// The input member naming the entity of each named form, and the entity's ARN type.
std::pair<const char*, const char*> NamedEntity(ResourceForm form) {
  switch (form) {
    case ResourceForm::kUser:
      return {"UserName", "user"};
    case ResourceForm::kGroup:
      return {"GroupName", "group"};
    case ResourceForm::kRole:
      return {"RoleName", "role"};
    case ResourceForm::kInstanceProfile:
      return {"InstanceProfileName", "instance-profile"};
    default:
      return {nullptr, nullptr};
  }
}

std::string SwapCase(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 32);
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
  }
  return s;
}

// Makes entity `name` of `type` exist in `account` under that spelling (the canonical one).
void MakeEntity(IamTestServer& server, const std::string& account, const std::string& type,
                const std::string& name) {
  if (type == "user") {
    if (name != "alice") server.AddUser(account, name);
    return;
  }
  store::WriteBatch batch;
  if (type == "group") {
    batch.writes.push_back(store::Put<model::Group>{{account, name, "/", "AGPA" + name, 0}});
  } else if (type == "role") {
    model::Role role;
    role.account_id = account;
    role.name = name;
    role.id = "AROA" + name;
    role.assume_role_policy = R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                              R"("Principal":{"AWS":")" +
                              account + R"("},"Action":"sts:AssumeRole"}})";
    batch.writes.push_back(store::Put<model::Role>{role});
  } else {
    model::InstanceProfile profile;
    profile.account_id = account;
    profile.name = name;
    profile.id = "AIPA" + name;
    batch.writes.push_back(store::Put<model::InstanceProfile>{profile});
  }
  EXPECT_TRUE(server.Commit(batch).ok());
}

// Generated from the table: every operation naming an existing user, group, role or instance
// profile is authorized against the entity's ARN as stored, whatever the case of the name in
// the request, so that a Deny naming the entity cannot be passed by another spelling.
TEST(AuthorizationCoverage, CaseVariantsAreAuthorizedAgainstTheCanonicalArn) {
  IamTestServer server;
  size_t covered = 0;
  for (size_t i = 0; i < kTable.size(); ++i) {
    const TableEntry& e = kTable[i];
    auto [member, type] = NamedEntity(e.resource);
    const OperationSample* sample = FindSample(e);
    if (member == nullptr || sample == nullptr) continue;
    OperationSample variant = *sample;
    auto named = std::find_if(variant.params.begin(), variant.params.end(),
                              [&](const auto& p) { return p.first == member; });
    if (named == variant.params.end()) continue;  // the caller itself
    SCOPED_TRACE(Name(e));
    Account account(server, AccountId(500000000000, i));
    const std::string name = named->second;
    MakeEntity(server, account.id(), type, name);
    named->second = SwapCase(name);
    const std::string canonical = "arn:aws:iam::" + account.id() + ":" + type + "/" + name;
    const std::string policy = R"({"Version":"2012-10-17","Statement":[)"
                               R"({"Effect":"Allow","Action":"*","Resource":"*"},)"
                               R"({"Effect":"Deny","Action":")" +
                               std::string(e.action) + R"(","Resource":")" + canonical + R"("}]})";
    HttpResponse r = account.Call(account.AddUser("spelled", {policy}), variant);
    EXPECT_TRUE(IsAccessDenied(r)) << Name(e) << " as " << named->second << ": " << r.body;
    EXPECT_NE(ErrorMessageOf(r).find("on resource: " + canonical + " with an explicit deny"),
              std::string::npos)
        << r.body;
    ++covered;
  }
  EXPECT_GE(covered, 50u);
}

// With AllowUsersToChangePassword, a user without policies may call exactly the operations of
// kGrantedByPasswordPolicy (and those needing no authorization); ChangePassword only on itself
// (the API offers no other user to name, so the simulator, which reads the same policies, shows
// the limit); and an explicit deny still wins.
TEST(AuthorizationCoverage, PasswordPolicyGrants) {
  IamTestServer server;
  Account account(server, "400000000000");
  HttpResponse set =
      server.Call(account.root(), "UpdateAccountPasswordPolicy", "AllowUsersToChangePassword=true");
  ASSERT_EQ(set.status, 200) << set.body;

  const std::string key = account.AddUser("nopolicy");
  std::set<std::string> answered;
  for (const TableEntry& e : kTable) {
    const OperationSample* sample = FindSample(e);
    if (sample == nullptr || e.resource == ResourceForm::kNone ||
        e.resource == ResourceForm::kUnsigned) {
      continue;
    }
    HttpResponse r = account.Call(key, *sample);
    if (!IsAccessDenied(r)) answered.insert(std::string(e.action));
  }
  EXPECT_EQ(answered, kGrantedByPasswordPolicy);

  auto simulate = [&](const std::string& action, const std::string& resource) {
    HttpResponse r = server.Call(account.root(), "SimulatePrincipalPolicy",
                                 "PolicySourceArn=" + UriEncode(account.UserArn("nopolicy")) +
                                     "&ActionNames.member.1=" + UriEncode(action) +
                                     "&ResourceArns.member.1=" + UriEncode(resource));
    EXPECT_EQ(r.status, 200) << r.body;
    return XmlText(r.body, "EvalDecision");
  };
  EXPECT_EQ(simulate("iam:ChangePassword", account.UserArn("nopolicy")), "allowed");
  EXPECT_EQ(simulate("iam:ChangePassword", account.UserArn("alice")), "implicitDeny");
  EXPECT_EQ(simulate("iam:GetAccountPasswordPolicy", "*"), "allowed");

  const std::string deny =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":)"
      R"(["iam:ChangePassword","iam:GetAccountPasswordPolicy"],"Resource":"*"}})";
  const std::string denied_key = account.AddUser("denier", {deny});
  for (const TableEntry& e : kTable) {
    if (kGrantedByPasswordPolicy.count(std::string(e.action)) == 0) continue;
    const OperationSample* sample = FindSample(e);
    ASSERT_NE(sample, nullptr) << Name(e);
    HttpResponse r = account.Call(denied_key, *sample);
    EXPECT_TRUE(IsAccessDenied(r)) << Name(e) << ": " << r.body;
    EXPECT_NE(ErrorMessageOf(r).find("with an explicit deny"), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace gatehouse::services
