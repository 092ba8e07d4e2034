// The decisions AWS's services make whatever the policies say, as one list that enforcement and
// every simulator share: sts:GetCallerIdentity needs no permission (an explicit Deny cannot stop
// it); a service-linked role (path /aws-service-role/) or a role IAM Identity Center keeps
// (path /aws-reserved/) can be changed only by its service; an AWS managed policy
// (arn:aws:iam::aws:policy/…) cannot be changed by anyone. The refusals come after the
// policies: a caller the policies refuse is refused by them (AccessDenied), as AWS does.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "policy/request.h"

namespace gatehouse::policy {

enum class ServiceRule {
  kNone,
  kAlwaysAllowed,     // sts:GetCallerIdentity
  kProtectedRole,     // changing a role only its service may change
  kAwsManagedPolicy,  // changing an AWS managed policy
};

ServiceRule ServiceRuleFor(const Request& request);

// The refusal's message, in AWS's words: "Cannot perform the operation on the protected role
// 'NAME' - this role is only modifiable by AWS"; "Policy is outside your own account.".
std::string ServiceRuleMessage(ServiceRule rule, std::string_view resource);

// A role path only AWS may create a role under (CreateRole refuses it).
bool IsReservedRolePath(std::string_view path);

}  // namespace gatehouse::policy
