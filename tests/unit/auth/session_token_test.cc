#include "auth/session_token.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace gatehouse::auth {
namespace {

const std::string kKey(32, 'k');
const std::string kNonce(12, 'n');

SessionClaims Sample() {
  SessionClaims c;
  c.kind = SessionKind::kAssumedRole;
  c.access_key_id = "ASIAEXAMPLE000000001";
  c.secret = "secret/with+chars";
  c.account_id = "111122223333";
  c.principal_arn = "arn:aws:sts::111122223333:assumed-role/Admin/me";
  c.user_id = "AROAEXAMPLE:me";
  c.source_arn = "arn:aws:iam::111122223333:role/ops/Admin";
  c.role_id = "AROAEXAMPLE";
  c.has_session_policy = true;
  c.session_policy = R"({"Version":"2012-10-17"})";
  c.session_policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  c.tags = {{"Project", "blue"}, {"cost", "42"}};
  c.transitive_tag_keys = {"Project"};
  c.source_identity = "alice@example.com";
  c.mfa = true;
  c.mfa_time_ms = 1000;
  c.issued_ms = 2000;
  c.expires_ms = 3000;
  return c;
}

SessionKeyLookup Ring(uint32_t id, std::string key) {
  return [id, key](uint32_t asked) -> std::optional<std::string> {
    if (asked == id) return key;
    return std::nullopt;
  };
}

TEST(SessionTokenTest, RoundTripsEveryClaim) {
  SessionClaims c = Sample();
  std::string token = SealSessionToken(c, 7, kKey, kNonce);
  Result<SessionClaims> opened = OpenSessionToken(token, c.access_key_id, Ring(7, kKey));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->kind, c.kind);
  EXPECT_EQ(opened->secret, c.secret);
  EXPECT_EQ(opened->principal_arn, c.principal_arn);
  EXPECT_EQ(opened->user_id, c.user_id);
  EXPECT_EQ(opened->source_arn, c.source_arn);
  EXPECT_EQ(opened->role_id, c.role_id);
  EXPECT_TRUE(opened->has_session_policy);
  EXPECT_EQ(opened->session_policy, c.session_policy);
  EXPECT_EQ(opened->session_policy_arns, c.session_policy_arns);
  EXPECT_EQ(opened->tags, c.tags);
  EXPECT_EQ(opened->transitive_tag_keys, c.transitive_tag_keys);
  EXPECT_EQ(opened->source_identity, c.source_identity);
  EXPECT_TRUE(opened->mfa);
  EXPECT_EQ(opened->mfa_time_ms, 1000);
  EXPECT_EQ(opened->issued_ms, 2000);
  EXPECT_EQ(opened->expires_ms, 3000);
  EXPECT_EQ(opened->access_key_id, c.access_key_id);
}

TEST(SessionTokenTest, KeepsItsGlobalEndpointVersion) {
  SessionClaims v1 = Sample();
  v1.default_regions_only = true;
  SessionClaims v2 = Sample();
  for (const SessionClaims& c : {v1, v2}) {
    Result<SessionClaims> opened =
        OpenSessionToken(SealSessionToken(c, 7, kKey, kNonce), c.access_key_id, Ring(7, kKey));
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->default_regions_only, c.default_regions_only);
  }
}

TEST(SessionTokenTest, EveryKindRoundTrips) {
  for (SessionKind kind : {SessionKind::kAssumedRole, SessionKind::kFederatedUser,
                           SessionKind::kUserSession, SessionKind::kRootSession}) {
    SessionClaims c = Sample();
    c.kind = kind;
    Result<SessionClaims> opened =
        OpenSessionToken(SealSessionToken(c, 7, kKey, kNonce), c.access_key_id, Ring(7, kKey));
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(opened->kind, kind);
  }
}

TEST(SessionTokenTest, TokenIsBase64AndHidesTheSecret) {
  SessionClaims c = Sample();
  std::string token = SealSessionToken(c, 7, kKey, kNonce);
  EXPECT_TRUE(Base64Decode(token).has_value());
  std::string bytes = *Base64Decode(token);
  EXPECT_EQ(bytes.find(c.secret), std::string::npos);
  EXPECT_EQ(bytes.find("Admin"), std::string::npos);
}

void ExpectInvalid(const Result<SessionClaims>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidClientTokenId);
  EXPECT_EQ(r.status().message(), kInvalidTokenMessage);
}

TEST(SessionTokenTest, RefusesEveryAlteration) {
  SessionClaims c = Sample();
  std::string token = SealSessionToken(c, 7, kKey, kNonce);
  std::string bytes = *Base64Decode(token);
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string altered = bytes;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    ExpectInvalid(OpenSessionToken(Base64Encode(altered), c.access_key_id, Ring(7, kKey)));
  }
  ExpectInvalid(OpenSessionToken(Base64Encode(bytes.substr(0, bytes.size() - 1)), c.access_key_id,
                                 Ring(7, kKey)));
}

TEST(SessionTokenTest, BoundToItsAccessKeyAndKey) {
  SessionClaims c = Sample();
  std::string token = SealSessionToken(c, 7, kKey, kNonce);
  ExpectInvalid(OpenSessionToken(token, "ASIAEXAMPLE000000002", Ring(7, kKey)));
  ExpectInvalid(OpenSessionToken(token, c.access_key_id, Ring(8, kKey)));  // retired key
  ExpectInvalid(OpenSessionToken(token, c.access_key_id, Ring(7, std::string(32, 'x'))));
}

TEST(SessionTokenTest, RefusesWhatIsNotAToken) {
  for (std::string bad :
       {std::string(), std::string("not base64!"), std::string("AAAA"),
        std::string("FQoGZXIvYXdzEJr//////////wEaDM="), std::string(70000, 'A')}) {
    ExpectInvalid(OpenSessionToken(bad, "ASIAEXAMPLE000000001", Ring(7, kKey)));
  }
}

}  // namespace
}  // namespace gatehouse::auth
