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

// How AWS words one kind of entity's tag errors: the quota its LimitExceeded message names,
// and whether its duplicate-key message adds that keys are case-insensitive (a managed
// policy's does not).
struct TagRules {
  std::string_view quota;
  bool duplicates_note_case = true;
};
inline constexpr TagRules kUserTags{"TagsPerUser"};
inline constexpr TagRules kRoleTags{"TagsPerRole"};
inline constexpr TagRules kPolicyTags{"TagsPerPolicy", false};
inline constexpr TagRules kInstanceProfileTags{"TagsPerInstanceProfile"};
inline constexpr TagRules kMfaDeviceTags{"TagsPerMFADevice"};
inline constexpr TagRules kOidcProviderTags{"TagsPerOpenIdConnectProvider"};
inline constexpr TagRules kSamlProviderTags{"TagsPerSAMLProvider"};
inline constexpr TagRules kServerCertificateTags{"TagsPerServerCertificate"};

// `current` with the input list `changes` ([{Key, Value}]) applied; a key already present
// (regardless of case) takes the new value. Two keys of `changes` that differ only in case, or
// not at all, are InvalidInput, as AWS refuses them.
Result<std::vector<model::Tag>> MergeTags(std::vector<model::Tag> current,
                                          const nlohmann::json& changes, const TagRules& rules);

// Whether an answer carries an entity's Tags: GetPolicy, GetInstanceProfile and the user and
// role entries of GetAccountAuthorizationDetails always do (an empty list when there are none,
// as AWS answers); Create* answers only when there are some; lists never.
enum class TagsShown { kNever, kWhenAny, kAlways };

// Sets out["Tags"] to `tags` as `shown` says.
void ShowTags(nlohmann::json& out, const std::vector<model::Tag>& tags, TagsShown shown);

// `current` without the keys of the input list `keys` (regardless of case).
std::vector<model::Tag> RemoveTags(std::vector<model::Tag> current, const nlohmann::json& keys);

// [{Key, Value}] as the API returns tags.
nlohmann::json TagsJson(const std::vector<model::Tag>& tags);

// The answer of a List*Tags operation: the tags after input Marker, at most MaxItems of them.
nlohmann::json ListTagsJson(const std::vector<model::Tag>& tags, const nlohmann::json& input);

}  // namespace gatehouse::services::iam
