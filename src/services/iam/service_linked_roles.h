// The service-linked roles gatehouse can create: for each AWS service principal, the role's
// name, path and the AWS-managed policy it carries. The one list of them. Pure.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse::services::iam {

struct ServiceLinkedRoleSpec {
  std::string_view service;      // "organizations.amazonaws.com"
  std::string_view role_name;    // "AWSServiceRoleForOrganizations"
  std::string_view policy_arn;   // attached at creation
  std::string_view description;
};

// nullptr for a service without a service-linked role here.
const ServiceLinkedRoleSpec* FindServiceLinkedRole(std::string_view service);

// "/aws-service-role/SERVICE/": the path of every service-linked role.
inline std::string ServiceLinkedRolePath(std::string_view service) {
  return "/aws-service-role/" + std::string(service) + "/";
}

}  // namespace gatehouse::services::iam
