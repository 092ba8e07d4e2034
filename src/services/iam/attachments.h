// What inline and attached policies of users, groups and roles share: whether a managed policy
// may be attached, the answer of List Attached*Policies, and the inline-policy rules (a valid
// identity policy, within the entity's total size quota).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

inline constexpr size_t kManagedPoliciesPerEntity = 10;

// NoSuchEntity unless `arn` is an AWS managed policy or a customer managed policy of `account`.
Status CheckAttachable(const IamContext& iam, std::string_view account, const std::string& arn);
// The same check for a permissions boundary, in AWS's words for one.
Status CheckBoundary(const IamContext& iam, std::string_view account, const std::string& arn);

// {AttachedPolicies: [{PolicyName, PolicyArn}], IsTruncated, Marker} of `arns`, filtered by input
// PathPrefix and paged by Marker and MaxItems.
nlohmann::json AttachedPoliciesJson(std::vector<std::string> arns, const nlohmann::json& input);

// Validates an inline policy document of `entity` ("user", "group", "role") named `entity_name`
// whose other inline policies are `others`: MalformedPolicyDocument, or LimitExceeded when all
// of them together pass the entity's quota (2,048 / 5,120 / 10,240 characters, whitespace not
// counted).
Status CheckInlinePolicy(const std::string& document, const std::vector<std::string>& others,
                         std::string_view entity, std::string_view entity_name);

// {PolicyNames: […], IsTruncated, Marker}: inline policy names, paged.
nlohmann::json PolicyNamesJson(std::vector<std::string> names, const nlohmann::json& input);

}  // namespace gatehouse::services::iam
