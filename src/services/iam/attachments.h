// What inline and attached policies of users, groups and roles share: whether a managed policy
// may be attached, the answer of List Attached*Policies, and the inline-policy rules (a valid
// identity policy, within the entity's total size quota).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/strings.h"
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

// NoSuchEntity "The `entity` policy with name `name` cannot be found." (entity: "user", "group",
// "role").
Status NoSuchInlinePolicy(std::string_view entity, std::string_view name);

// Get{User,Group,Role}Policy's answer: {`owner_member`: owner, PolicyName, PolicyDocument}, the
// document URL-encoded as AWS returns it (the SDKs decode it).
nlohmann::json InlinePolicyJson(std::string_view owner_member, const std::string& owner,
                                const std::string& name, const std::string& document);

// The entity an Attach{User,Group,Role}Policy attaches to: its quota's name, and how AWS's
// refusal of a service role policy names it.
struct AttachTarget {
  std::string_view quota;  // "PoliciesPerRole"
  std::string_view noun;   // "a Customer Role"
};
inline constexpr AttachTarget kUserTarget{"PoliciesPerUser", "a User"};
inline constexpr AttachTarget kGroupTarget{"PoliciesPerGroup", "a Group"};
inline constexpr AttachTarget kRoleTarget{"PoliciesPerRole", "a Customer Role"};

// Attach{User,Group,Role}Policy's rules for `arn` on an entity with managed policies `attached`:
// NoSuchEntity unless attachable (CheckAttachable), PolicyNotAttachable for the policy of a
// service-linked role, LimitExceeded "Cannot exceed quota for <quota>: 10" past
// kManagedPoliciesPerEntity. True when the attachment must be written, false when `arn` is
// already attached (attaching is idempotent).
Result<bool> CheckAttach(const IamContext& iam, std::string_view account,
                         const std::vector<std::string>& attached, const std::string& arn,
                         const AttachTarget& target);

// What an attachment of `arn` rests on, as a precondition of its write: the customer managed
// policy as read (DeletePolicy then sees the attachment, or the attachment sees the deletion).
// None for an AWS-managed policy, which is never deleted.
std::vector<store::Precondition> AttachedPolicyPreconditions(const IamContext& iam,
                                                             std::string_view account,
                                                             const std::string& arn);

// Detach{User,Group,Role}Policy's rule: NoSuchEntity "Policy ARN was not found." unless `arn` is
// among `attached`.
Status CheckDetach(const std::vector<std::string>& attached, const std::string& arn);

// The inline policies of users, groups and roles (UserPolicy, GroupPolicy, RolePolicy: any P with
// `name` and `document`), as the handlers list them from the directory.
template <typename P>
using InlinePolicies = std::vector<std::shared_ptr<const P>>;

// The policy of `policies` named `name` regardless of case, or null.
template <typename P>
std::shared_ptr<const P> FindInlinePolicy(const InlinePolicies<P>& policies,
                                          std::string_view name) {
  for (const auto& p : policies) {
    if (EqualsIgnoreCase(p->name, name)) return p;
  }
  return nullptr;
}

// Put{User,Group,Role}Policy's rules for `document` named `name` on an entity whose inline
// policies are `existing` (CheckInlinePolicy, the replaced policy not counted). Returns the name
// to store: a replaced policy keeps the name it was first written with.
template <typename P>
Result<std::string> CheckInlinePolicyPut(const InlinePolicies<P>& existing, const std::string& name,
                                         const std::string& document, std::string_view entity,
                                         std::string_view entity_name) {
  std::string stored_name = name;
  std::vector<std::string> others;
  for (const auto& p : existing) {
    if (EqualsIgnoreCase(p->name, name)) {
      stored_name = p->name;
    } else {
      others.push_back(p->document);
    }
  }
  if (Status s = CheckInlinePolicy(document, others, entity, entity_name); !s.ok()) return s;
  return stored_name;
}

// List{User,Group,Role}Policies' answer for `policies` (PolicyNamesJson).
template <typename P>
nlohmann::json InlinePolicyNamesJson(const InlinePolicies<P>& policies,
                                     const nlohmann::json& input) {
  std::vector<std::string> names;
  for (const auto& p : policies) names.push_back(p->name);
  return PolicyNamesJson(std::move(names), input);
}

}  // namespace gatehouse::services::iam
