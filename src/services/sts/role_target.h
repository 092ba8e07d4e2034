// The role an AssumeRole* request names by ARN, as every one of them looks it up: by account and
// name, with the ARN's path matching the role's, in an account that is not closed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/iam_entities.h"
#include "store/directory.h"

namespace gatehouse::services::sts {

struct RoleTarget {
  std::string account;                      // the ARN's account ("" when it names no role)
  std::shared_ptr<const model::Role> role;  // null: no such role (refused as untrusting)
};

// nullopt when `role_arn` is not an ARN at all (ValidationError "… is invalid" for the caller).
std::optional<RoleTarget> FindRoleTarget(const store::Directory& dir, std::string_view role_arn);

}  // namespace gatehouse::services::sts
