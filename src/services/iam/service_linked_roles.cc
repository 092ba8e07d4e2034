#include "services/iam/service_linked_roles.h"

#include <array>

namespace gatehouse::services::iam {
namespace {

constexpr std::array kServiceLinkedRoles = {
    ServiceLinkedRoleSpec{"organizations.amazonaws.com", "AWSServiceRoleForOrganizations",
                          "arn:aws:iam::aws:policy/aws-service-role/"
                          "AWSOrganizationsServiceTrustPolicy",
                          "Service-linked role used by AWS Organizations to enable integration "
                          "of other AWS services with Organizations."},
};

}  // namespace

const ServiceLinkedRoleSpec* FindServiceLinkedRole(std::string_view service) {
  for (const ServiceLinkedRoleSpec& spec : kServiceLinkedRoles) {
    if (spec.service == service) return &spec;
  }
  return nullptr;
}

}  // namespace gatehouse::services::iam
