#include "policy/principal.h"

#include <gtest/gtest.h>

namespace gatehouse::policy {
namespace {

TEST(PrincipalTest, FromArn) {
  auto user = Principal::FromArn("arn:aws:iam::111111111111:user/ops/alice");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->kind, PrincipalKind::kUser);
  EXPECT_EQ(user->name, "alice");
  EXPECT_EQ(user->TypeName(), "User");

  auto session = Principal::FromArn("arn:aws:sts::222222222222:assumed-role/Admin/bob");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->kind, PrincipalKind::kAssumedRole);
  EXPECT_EQ(session->PrincipalArn(), "arn:aws:iam::222222222222:role/Admin");
  EXPECT_EQ(session->session, "bob");

  auto slr = Principal::FromArn(
      "arn:aws:iam::111111111111:role/aws-service-role/organizations.amazonaws.com/"
      "AWSServiceRoleForOrganizations");
  ASSERT_TRUE(slr.ok());
  EXPECT_TRUE(slr->service_linked);

  // A session is service-linked only by its role's recorded path, never by the role's name.
  auto named = Principal::FromArn("arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForEvil/s");
  ASSERT_TRUE(named.ok());
  EXPECT_FALSE(named->service_linked);
  named->SetRoleArn("arn:aws:iam::111111111111:role/AWSServiceRoleForEvil");
  EXPECT_FALSE(named->service_linked);
  auto slr_session =
      Principal::FromArn("arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForOrganizations/s");
  slr_session->SetRoleArn(
      "arn:aws:iam::111111111111:role/aws-service-role/organizations.amazonaws.com/"
      "AWSServiceRoleForOrganizations");
  EXPECT_TRUE(slr_session->service_linked);

  EXPECT_EQ(Principal::FromArn("arn:aws:iam::111111111111:root")->kind, PrincipalKind::kRoot);
  EXPECT_FALSE(Principal::FromArn("arn:aws:iam::1111:user/x").ok());
  EXPECT_FALSE(Principal::FromArn("arn:aws:s3:::bucket").ok());
  EXPECT_FALSE(Principal::FromArn("arn:aws:sts::111111111111:assumed-role/Admin").ok());
}

PrincipalMatcher Matcher(std::vector<std::string> aws) {
  PrincipalBlock block;
  for (auto& v : aws) block.entries.push_back({PrincipalType::kAws, v});
  return PrincipalMatcher::Compile(block);
}

TEST(PrincipalMatcherTest, GrantStrength) {
  auto session = *Principal::FromArn("arn:aws:sts::111111111111:assumed-role/Admin/s");
  EXPECT_EQ(Matcher({"111111111111"}).Match(session), Grant::kAccount);
  EXPECT_EQ(Matcher({"arn:aws:iam::111111111111:root"}).Match(session), Grant::kAccount);
  EXPECT_EQ(Matcher({"arn:aws:iam::111111111111:role/path/Admin"}).Match(session), Grant::kRoleArn);
  EXPECT_EQ(Matcher({"arn:aws:sts::111111111111:assumed-role/Admin/s"}).Match(session),
            Grant::kDirect);
  EXPECT_EQ(Matcher({"*"}).Match(session), Grant::kDirect);
  EXPECT_EQ(Matcher({"222222222222"}).Match(session), Grant::kNone);
}

TEST(PrincipalMatcherTest, NotPrincipalNeedsEveryIdentity) {
  auto session = *Principal::FromArn("arn:aws:sts::111111111111:assumed-role/Admin/s");
  EXPECT_FALSE(Matcher({"arn:aws:sts::111111111111:assumed-role/Admin/s"}).Excludes(session));
  EXPECT_TRUE(Matcher({"arn:aws:sts::111111111111:assumed-role/Admin/s",
                       "arn:aws:iam::111111111111:role/Admin", "111111111111"})
                  .Excludes(session));
}

// A web identity (the provider that vouched for a caller of AssumeRoleWithWebIdentity) is named
// only by a Federated entry for that very provider, or "*": never through its account, an AWS
// entry of the same ARN, or another provider.
TEST(PrincipalMatcherTest, WebIdentitiesAreNamedOnlyAsTheirProvider) {
  const std::string oidc = "arn:aws:iam::111111111111:oidc-provider/token.example.com/tenant";
  auto web = Principal::FromArn(oidc);
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->kind, PrincipalKind::kWebIdentity);
  EXPECT_EQ(web->TypeName(), "WebIdentityUser");
  EXPECT_EQ(Principal::FromArn("arn:aws:iam::111111111111:saml-provider/corp")->TypeName(),
            "SAMLUser");
  EXPECT_FALSE(Principal::FromArn("arn:aws:iam::111111111111:oidc-provider/").ok());

  auto federated = [](std::vector<std::string> values) {
    PrincipalBlock block;
    for (auto& v : values) block.entries.push_back({PrincipalType::kFederated, v});
    return PrincipalMatcher::Compile(block);
  };
  EXPECT_EQ(federated({oidc}).Match(*web), Grant::kDirect);
  EXPECT_EQ(federated({"arn:aws:iam::111111111111:oidc-provider/token.example.com"}).Match(*web),
            Grant::kNone);
  EXPECT_EQ(Matcher({"111111111111"}).Match(*web), Grant::kNone);
  EXPECT_EQ(Matcher({"arn:aws:iam::111111111111:root"}).Match(*web), Grant::kNone);
  EXPECT_EQ(Matcher({oidc}).Match(*web), Grant::kNone);
  EXPECT_EQ(Matcher({"*"}).Match(*web), Grant::kDirect);
  EXPECT_TRUE(federated({oidc}).Excludes(*web));
  EXPECT_FALSE(Matcher({"111111111111"}).Excludes(*web));

  // And a Federated entry never names an IAM principal, even one of the provider's account.
  auto user = *Principal::FromArn("arn:aws:iam::111111111111:user/alice");
  EXPECT_EQ(federated({oidc, "arn:aws:iam::111111111111:user/alice"}).Match(user), Grant::kNone);
}

}  // namespace
}  // namespace gatehouse::policy
