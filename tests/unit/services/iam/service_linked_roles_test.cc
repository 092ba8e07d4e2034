#include "services/iam/service_linked_roles.h"

#include <gtest/gtest.h>

#include <set>

#include "core/strings.h"

namespace gatehouse::services::iam {
namespace {

TEST(ServiceLinkedRolesTest, TheTableIsWellFormed) {
  const auto& roles = ServiceLinkedRoles();
  ASSERT_GT(roles.size(), 70u);
  std::set<std::string> names;
  for (const ServiceLinkedRoleSpec& spec : roles) {
    SCOPED_TRACE(spec.service);
    EXPECT_TRUE(spec.service.ends_with(".amazonaws.com"));
    EXPECT_TRUE(StartsWith(spec.role_name, "AWSServiceRoleFor"));
    EXPECT_LE(spec.role_name.size(), 64u);
    EXPECT_TRUE(names.insert(AsciiLower(spec.role_name)).second) << "two services, one role";
    ASSERT_FALSE(spec.policy_arns.empty());
    for (const std::string& arn : spec.policy_arns) {
      EXPECT_TRUE(StartsWith(arn, "arn:aws:iam::aws:policy/")) << arn;
    }
    EXPECT_EQ(FindServiceLinkedRole(spec.service), &spec);
  }
}

TEST(ServiceLinkedRolesTest, KnownServicesAndTheirRules) {
  const ServiceLinkedRoleSpec* organizations = FindServiceLinkedRole("organizations.amazonaws.com");
  ASSERT_NE(organizations, nullptr);
  EXPECT_EQ(organizations->role_name, "AWSServiceRoleForOrganizations");
  EXPECT_FALSE(organizations->description.empty());
  const ServiceLinkedRoleSpec* autoscaling = FindServiceLinkedRole("autoscaling.amazonaws.com");
  ASSERT_NE(autoscaling, nullptr);
  EXPECT_TRUE(autoscaling->custom_suffix_allowed);
  EXPECT_EQ(FindServiceLinkedRole("nothing.amazonaws.com"), nullptr);
  EXPECT_EQ(FindServiceLinkedRole("Organizations.amazonaws.com"), nullptr);  // exactly
}

}  // namespace
}  // namespace gatehouse::services::iam
