#include "policy/service_rules.h"

#include <algorithm>
#include <array>

#include "core/arn.h"
#include "core/strings.h"

namespace gatehouse::policy {
namespace {

// The IAM actions that change a role, which a protected role refuses (lowercased).
constexpr std::array<std::string_view, 10> kRoleChanges = {
    "iam:addroletoinstanceprofile",
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:removerolefrominstanceprofile",
    "iam:updateassumerolepolicy",
};

// The IAM actions that change a managed policy (lowercased).
constexpr std::array<std::string_view, 6> kPolicyChanges = {
    "iam:createpolicyversion",     "iam:deletepolicy", "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion", "iam:tagpolicy",    "iam:untagpolicy",
};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view action) {
  return std::find(list.begin(), list.end(), action) != list.end();
}

}  // namespace

bool IsReservedRolePath(std::string_view path) {
  return StartsWith(path, "/aws-service-role/") || StartsWith(path, "/aws-reserved/");
}

ServiceRule ServiceRuleFor(const Request& request) {
  if (request.action == "sts:getcalleridentity") return ServiceRule::kAlwaysAllowed;
  if (request.service != "iam") return ServiceRule::kNone;
  std::optional<ArnView> arn = ArnView::Parse(request.resource);
  if (!arn || arn->service != "iam") return ServiceRule::kNone;
  if (arn->account == "aws" && StartsWith(arn->resource, "policy/") &&
      Contains(kPolicyChanges, request.action)) {
    return ServiceRule::kAwsManagedPolicy;
  }
  if (StartsWith(arn->resource, "role/") &&
      IsReservedRolePath(arn->resource.substr(std::string_view("role").size())) &&
      Contains(kRoleChanges, request.action)) {
    return ServiceRule::kProtectedRole;
  }
  return ServiceRule::kNone;
}

std::string ServiceRuleMessage(ServiceRule rule, std::string_view resource) {
  switch (rule) {
    case ServiceRule::kProtectedRole: {
      std::string_view name = resource.substr(resource.rfind('/') + 1);
      return "Cannot perform the operation on the protected role '" + std::string(name) +
             "' - this role is only modifiable by AWS";
    }
    case ServiceRule::kAwsManagedPolicy:
      return "Policy is outside your own account.";
    case ServiceRule::kAlwaysAllowed:
      return "sts:GetCallerIdentity needs no permission: AWS allows it whatever the policies say.";
    case ServiceRule::kNone:
      break;
  }
  return "";
}

}  // namespace gatehouse::policy
