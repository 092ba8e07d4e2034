// Tags of IAM entities (users, roles, managed policies, instance profiles, MFA devices): the
// rules every Tag*/Untag*/List*Tags operation and every Create* with Tags shares. Keys are
// unique regardless of case (a write replaces key and value), and may not start with "aws:".
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/entities.h"

namespace gatehouse::services::iam {

inline constexpr size_t kTagsPerEntity = 50;

// `current` with the input list `changes` ([{Key, Value}]) applied; a key already present
// (regardless of case) takes the new value. `quota` names AWS's quota in the LimitExceeded
// message ("TagsPerUser", "TagsPerRole", …).
Result<std::vector<model::Tag>> MergeTags(std::vector<model::Tag> current,
                                          const nlohmann::json& changes, std::string_view quota);

// `current` without the keys of the input list `keys` (regardless of case).
std::vector<model::Tag> RemoveTags(std::vector<model::Tag> current, const nlohmann::json& keys);

// [{Key, Value}] as the API returns tags.
nlohmann::json TagsJson(const std::vector<model::Tag>& tags);

// The answer of a List*Tags operation: the tags after input Marker, at most MaxItems of them.
nlohmann::json ListTagsJson(const std::vector<model::Tag>& tags, const nlohmann::json& input);

}  // namespace gatehouse::services::iam
