// The users, groups and roles of an account that use a managed policy, attached as a
// permissions policy or set as their permissions boundary: what ListEntitiesForPolicy answers.
// Read from the directory: user attachments per user, GroupAttachment and RoleAttachment
// records, UserBoundary records and Role.permissions_boundary. Pure reads; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/directory.h"

namespace gatehouse::services::iam {

struct PolicyEntity {
  enum class Kind { kGroup, kRole, kUser };
  Kind kind;
  std::string name;
  std::string id;
  std::string path;
};

enum class PolicyUsage {
  kAny,                 // attached or used as boundary
  kPermissionsPolicy,   // attached
  kPermissionsBoundary  // used as permissions boundary (users and roles only)
};

// The entities of `account` using policy `arn` (compared regardless of case) as `usage` says,
// groups first, then roles, then users, each by lower-cased name; each entity once.
std::vector<PolicyEntity> PolicyEntities(const store::Directory& dir, std::string_view account,
                                         std::string_view arn, PolicyUsage usage);

}  // namespace gatehouse::services::iam
