// userIdentity for each kind of caller, with the fields CloudTrail gives each.
#include "audit/user_identity.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gatehouse::audit {
namespace {

using nlohmann::json;

constexpr char kAccount[] = "111122223333";

auth::AccessKeyRecord Key(std::string arn, std::string user_id) {
  auth::AccessKeyRecord r;
  r.access_key_id = "AKIAEXAMPLEKEY";
  r.secret = "never-written";
  r.principal_arn = std::move(arn);
  r.account_id = kAccount;
  r.user_id = std::move(user_id);
  return r;
}

auth::AccessKeyRecord Session(auth::SessionKind kind, std::string arn, std::string user_id,
                              std::string source_arn, std::string role_id) {
  auto claims = std::make_shared<auth::SessionClaims>();
  claims->kind = kind;
  claims->access_key_id = "ASIAEXAMPLEKEY";
  claims->secret = "never-written";
  claims->account_id = kAccount;
  claims->principal_arn = arn;
  claims->user_id = user_id;
  claims->source_arn = std::move(source_arn);
  claims->role_id = std::move(role_id);
  claims->issued_ms = 1764892800000;  // 2025-12-05T00:00:00Z
  claims->mfa = true;
  auth::AccessKeyRecord r = Key(std::move(arn), std::move(user_id));
  r.access_key_id = "ASIAEXAMPLEKEY";
  r.session = std::move(claims);
  return r;
}

// The element parsed, after checking that it is in the canonical form.
json Parsed(const std::string& text) {
  json value = json::parse(text);
  EXPECT_EQ(text, value.dump());
  return value;
}

TEST(UserIdentity, IamUserAndRoot) {
  json user = Parsed(UserIdentity(Key("arn:aws:iam::111122223333:user/team/alice", "AIDAALICE")));
  EXPECT_EQ(user, json({{"type", "IAMUser"},
                        {"principalId", "AIDAALICE"},
                        {"arn", "arn:aws:iam::111122223333:user/team/alice"},
                        {"accountId", kAccount},
                        {"accessKeyId", "AKIAEXAMPLEKEY"},
                        {"userName", "alice"}}));
  json root = Parsed(UserIdentity(Key("arn:aws:iam::111122223333:root", kAccount)));
  EXPECT_EQ(root["type"], "Root");
  EXPECT_EQ(root["principalId"], kAccount);
  EXPECT_FALSE(root.contains("userName"));
}

TEST(UserIdentity, AssumedRoleWithItsSessionContext) {
  json role = Parsed(UserIdentity(
      Session(auth::SessionKind::kAssumedRole, "arn:aws:sts::111122223333:assumed-role/Admin/alice",
              "AROAADMIN:alice", "arn:aws:iam::111122223333:role/Admin", "AROAADMIN")));
  EXPECT_EQ(role["type"], "AssumedRole");
  EXPECT_EQ(role["principalId"], "AROAADMIN:alice");
  EXPECT_EQ(role["accessKeyId"], "ASIAEXAMPLEKEY");
  EXPECT_EQ(role["sessionContext"]["sessionIssuer"],
            json({{"type", "Role"},
                  {"principalId", "AROAADMIN"},
                  {"arn", "arn:aws:iam::111122223333:role/Admin"},
                  {"accountId", kAccount},
                  {"userName", "Admin"}}));
  EXPECT_EQ(role["sessionContext"]["attributes"],
            json({{"creationDate", "2025-12-05T00:00:00Z"}, {"mfaAuthenticated", "true"}}));
  EXPECT_EQ(role.dump().find("never-written"), std::string::npos);
}

TEST(UserIdentity, FederatedUserUserSessionAndAssumedRoot) {
  json federated = Parsed(UserIdentity(
      Session(auth::SessionKind::kFederatedUser, "arn:aws:sts::111122223333:federated-user/bob",
              "111122223333:bob", "arn:aws:iam::111122223333:user/alice", "AIDAALICE")));
  EXPECT_EQ(federated["type"], "FederatedUser");
  EXPECT_EQ(federated["sessionContext"]["sessionIssuer"]["type"], "IAMUser");
  EXPECT_EQ(federated["sessionContext"]["sessionIssuer"]["userName"], "alice");
  json user_session = Parsed(
      UserIdentity(Session(auth::SessionKind::kUserSession, "arn:aws:iam::111122223333:user/alice",
                           "AIDAALICE", "arn:aws:iam::111122223333:user/alice", "AIDAALICE")));
  EXPECT_EQ(user_session["type"], "IAMUser");
  EXPECT_EQ(user_session["userName"], "alice");
  EXPECT_FALSE(user_session["sessionContext"].contains("sessionIssuer"));
  json root =
      Parsed(UserIdentity(Session(auth::SessionKind::kRootSession, "arn:aws:iam::111122223333:root",
                                  kAccount, "arn:aws:iam::111122223333:root", "")));
  EXPECT_EQ(root["type"], "Root");
  EXPECT_EQ(root["sessionContext"]["assumedRoot"], "true");
}

TEST(UserIdentity, FederatedAnonymousAndService) {
  EXPECT_EQ(Parsed(FederatedIdentity("SAMLUser", "Q:alice", "alice",
                                     "arn:aws:iam::111122223333:saml-provider/Corp")),
            json({{"type", "SAMLUser"},
                  {"principalId", "Q:alice"},
                  {"userName", "alice"},
                  {"identityProvider", "arn:aws:iam::111122223333:saml-provider/Corp"}}));
  EXPECT_EQ(Parsed(UserIdentity(auth::AccessKeyRecord{}))["type"], "Unknown");
  EXPECT_EQ(Parsed(ServiceIdentity("organizations.amazonaws.com")),
            json({{"type", "AWSService"}, {"invokedBy", "organizations.amazonaws.com"}}));
}

// Names and values that need escaping are written as nlohmann writes them, so the element
// stays canonical whatever the caller's ARN or session holds.
TEST(UserIdentity, EscapedValuesStayCanonical) {
  auth::AccessKeyRecord caller = Session(auth::SessionKind::kAssumedRole,
                                         "arn:aws:sts::111122223333:assumed-role/A/\"q\u00e9\x01",
                                         "AROAA:x", "arn:aws:iam::111122223333:role/A", "AROAA");
  auto claims = std::make_shared<auth::SessionClaims>(*caller.session);
  claims->source_identity = "line\nbreak\xff";
  caller.session = claims;
  const json role = Parsed(UserIdentity(caller));
  EXPECT_EQ(role["sessionContext"]["sourceIdentity"], "line\nbreak\ufffd");
  EXPECT_EQ(role["sessionContext"]["webIdFederationData"], json::object());
}

}  // namespace
}  // namespace gatehouse::audit
