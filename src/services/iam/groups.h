// What the group handlers (groups.cc, group_policies.cc) share: finding a group by name and
// reading what hangs off it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/iam_entities.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

// Group `name` of `account` (names match regardless of case), or NoSuchEntity in AWS's words.
Result<std::shared_ptr<const model::Group>> FindGroup(const store::Directory& dir,
                                                      std::string_view account,
                                                      std::string_view name);

// The key prefix of the records of `group`'s inline policies and attachments.
std::string GroupRecordPrefix(const model::Group& group);

// The ARNs of the managed policies attached to `group`.
std::vector<std::string> GroupAttachedPolicies(const store::Directory& dir,
                                               const model::Group& group);

}  // namespace gatehouse::services::iam
