// Lookup into operations.def: the IAM action and resource form of each implemented operation.
#pragma once

#include <string_view>

namespace gatehouse::authz {

// See operations.def for what each form means.
enum class ResourceForm {
  kNone, kAny, kUser, kUserPath, kKeyOwner, kGroup, kGroupPath, kRole, kRolePath, kPolicy,
  kNewPolicy, kPolicyPath, kInstanceProfile, kInstanceProfilePath, kMfa, kServiceLinkedRole,
  kPolicySource, kHandler, kOrgAccount, kOrgOu, kOrgParent, kOrgChild, kOrgTarget, kOrgRoot,
  kOrgPolicy, kOrgHandshake, kOrgResource
};

struct OperationSpec {
  std::string_view service;    // "iam"
  std::string_view operation;  // "CreateUser"
  std::string_view action;     // "iam:CreateUser"
  ResourceForm resource;
};

// nullptr when the operation is not in the table (and so may not be served).
const OperationSpec* FindOperationSpec(std::string_view service, std::string_view operation);

}  // namespace gatehouse::authz
