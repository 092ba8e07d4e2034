// Lookup into operations.def: the IAM action and resource form of each implemented operation.
#pragma once

#include <string_view>

namespace gatehouse::authz {

enum class ResourceForm { kNone, kAny, kUser, kUserPath, kKeyOwner };

struct OperationSpec {
  std::string_view service;    // "iam"
  std::string_view operation;  // "CreateUser"
  std::string_view action;     // "iam:CreateUser"
  ResourceForm resource;
};

// nullptr when the operation is not in the table (and so may not be served).
const OperationSpec* FindOperationSpec(std::string_view service, std::string_view operation);

}  // namespace gatehouse::authz
