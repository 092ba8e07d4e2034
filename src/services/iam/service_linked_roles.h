// Service-linked roles: the one table of those gatehouse can create (for each AWS service
// principal, the role's name, the AWS-managed policies it carries, whether a custom suffix is
// allowed, its description), read once from src/services/iam/service_linked_roles.json; and
// CreateServiceLinkedRoleFor, which creates one as CreateServiceLinkedRole does, for the
// services that create their role themselves (Organizations' CreateOrganization). The table is
// constant once loaded; CreateServiceLinkedRoleFor is thread-safe as every commit is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/iam_entities.h"

namespace gatehouse::services::iam {

struct IamContext;

struct ServiceLinkedRoleSpec {
  std::string service;                   // "organizations.amazonaws.com"
  std::string role_name;                 // "AWSServiceRoleForOrganizations"
  std::vector<std::string> policy_arns;  // attached at creation
  std::string description;               // when the request gives none
  bool custom_suffix_allowed = false;
};

// Every service-linked role of the table, by service principal.
const std::vector<ServiceLinkedRoleSpec>& ServiceLinkedRoles();

// nullptr for a service without a service-linked role here.
const ServiceLinkedRoleSpec* FindServiceLinkedRole(std::string_view service);

// Every service-linked role lives under this path, and only they may.
inline constexpr std::string_view kServiceLinkedRolePathPrefix = "/aws-service-role/";

// "/aws-service-role/SERVICE/": the path of every service-linked role.
inline std::string ServiceLinkedRolePath(std::string_view service) {
  return std::string(kServiceLinkedRolePathPrefix) + std::string(service) + "/";
}

// Creates the service-linked role of `service` in `account`: trusted by the service principal
// (sts:AssumeRole), with the spec's policy attached and its description. AccessDenied for a
// service without a role here, InvalidInput "Service role name … has been taken in this
// account, …" when the role exists already (callers that only need it to exist look it up first
// with FindRole).
Result<model::Role> CreateServiceLinkedRoleFor(IamContext& iam, const std::string& account,
                                               const std::string& service);

}  // namespace gatehouse::services::iam
