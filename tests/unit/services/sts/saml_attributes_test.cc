// AWS's SAML attributes as STS and the console read them: the Role attribute's pairs in either
// order (values that are not a role and a SAML provider skipped), and SessionDuration's bounds.
#include "services/sts/saml_attributes.h"

#include <gtest/gtest.h>

namespace gatehouse::services::sts {
namespace {

constexpr char kRole[] = "arn:aws:iam::111122223333:role/Engineers";
constexpr char kProvider[] = "arn:aws:iam::111122223333:saml-provider/Corp";

federation::SamlAssertion With(std::string name, std::vector<std::string> values) {
  federation::SamlAssertion a;
  a.attributes.push_back({"https://aws.amazon.com/SAML/Attributes/" + name, std::move(values)});
  return a;
}

TEST(SamlAttributes, RolePairsInEitherOrder) {
  auto pairs = SamlRolePairs(With(
      "Role", {std::string(kRole) + "," + kProvider, std::string(kProvider) + ", " + kRole + " "}));
  ASSERT_EQ(pairs.size(), 2u);
  for (const SamlRolePair& pair : pairs) {
    EXPECT_EQ(pair.role_arn, kRole);
    EXPECT_EQ(pair.provider_arn, kProvider);
  }
}

TEST(SamlAttributes, ValuesThatAreNotARoleAndAProviderAreSkipped) {
  const std::string user = "arn:aws:iam::111122223333:user/alice";
  auto pairs = SamlRolePairs(With(
      "Role",
      {kRole, std::string(kRole) + "," + kRole, std::string(kProvider) + "," + kProvider,
       user + "," + kProvider, "arn:aws:s3:::bucket/role/x," + std::string(kProvider), ",", ""}));
  EXPECT_TRUE(pairs.empty());
}

TEST(SamlAttributes, OtherAttributesAreNotRoles) {
  federation::SamlAssertion a;
  a.attributes.push_back({"Role", {std::string(kRole) + "," + kProvider}});
  a.attributes.push_back(
      {"https://aws.amazon.com/SAML/Attributes/Roles", {std::string(kRole) + "," + kProvider}});
  EXPECT_TRUE(SamlRolePairs(a).empty());
}

TEST(SamlAttributes, SessionDurationWithinAwsBounds) {
  EXPECT_EQ(SamlSessionDuration(With("SessionDuration", {"900"})), 900);
  EXPECT_EQ(SamlSessionDuration(With("SessionDuration", {" 43200 "})), 43200);
  for (const char* bad : {"899", "43201", "-1", "1e3", "3600s", "", "99999999999999999999"}) {
    EXPECT_EQ(SamlSessionDuration(With("SessionDuration", {bad})), std::nullopt) << bad;
  }
  EXPECT_EQ(SamlSessionDuration(federation::SamlAssertion{}), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::services::sts
