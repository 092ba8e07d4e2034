#include "services/session_limits.h"

#include <gtest/gtest.h>

namespace gatehouse::services {
namespace {

auth::SessionClaims Session(auth::SessionKind kind, bool mfa = false) {
  auth::SessionClaims c;
  c.kind = kind;
  c.mfa = mfa;
  return c;
}

ErrorCode Code(const auth::SessionClaims& s, std::string_view service, std::string_view op) {
  return SessionMayCall(s, service, op).code();
}

TEST(SessionLimitsTest, RoleSessionsCallAnythingButTheTokenOperations) {
  auto role = Session(auth::SessionKind::kAssumedRole);
  EXPECT_EQ(Code(role, "iam", "ListUsers"), ErrorCode::kOk);
  EXPECT_EQ(Code(role, "sts", "AssumeRole"), ErrorCode::kOk);
  EXPECT_EQ(Code(role, "sts", "GetAccessKeyInfo"), ErrorCode::kOk);
  Status s = SessionMayCall(role, "sts", "GetSessionToken");
  EXPECT_EQ(s.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(s.message(), "Cannot call GetSessionToken with session credentials");
  EXPECT_EQ(Code(role, "sts", "GetFederationToken"), ErrorCode::kAccessDenied);
}

TEST(SessionLimitsTest, UserSessionsNeedMfaForIam) {
  auto plain = Session(auth::SessionKind::kUserSession);
  Status s = SessionMayCall(plain, "iam", "ListUsers");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidClientTokenId);
  EXPECT_EQ(Code(plain, "sts", "GetCallerIdentity"), ErrorCode::kOk);
  EXPECT_EQ(Code(plain, "sts", "AssumeRole"), ErrorCode::kOk);
  EXPECT_EQ(Code(plain, "sts", "GetAccessKeyInfo"), ErrorCode::kAccessDenied);
  auto mfa = Session(auth::SessionKind::kUserSession, true);
  EXPECT_EQ(Code(mfa, "iam", "ListUsers"), ErrorCode::kOk);
  EXPECT_EQ(Code(mfa, "sts", "GetSessionToken"), ErrorCode::kAccessDenied);
}

TEST(SessionLimitsTest, FederatedUsersCallNoIamAndOnlyGetCallerIdentity) {
  auto federated = Session(auth::SessionKind::kFederatedUser, true);
  EXPECT_EQ(Code(federated, "iam", "GetUser"), ErrorCode::kInvalidClientTokenId);
  EXPECT_EQ(Code(federated, "sts", "GetCallerIdentity"), ErrorCode::kOk);
  EXPECT_EQ(Code(federated, "sts", "AssumeRole"), ErrorCode::kAccessDenied);
}

TEST(SessionLimitsTest, VersionOneTokensStayOutOfOptInRegions) {
  auth::SessionClaims v1;
  v1.default_regions_only = true;
  EXPECT_TRUE(SessionValidInRegion(v1, "us-east-1").ok());
  EXPECT_TRUE(SessionValidInRegion(v1, "eu-west-1").ok());
  EXPECT_EQ(SessionValidInRegion(v1, "af-south-1").code(), ErrorCode::kInvalidClientTokenId);
  EXPECT_EQ(SessionValidInRegion(v1, "mx-central-1").code(), ErrorCode::kInvalidClientTokenId);
  auth::SessionClaims v2;
  EXPECT_TRUE(SessionValidInRegion(v2, "af-south-1").ok());
}

}  // namespace
}  // namespace gatehouse::services
