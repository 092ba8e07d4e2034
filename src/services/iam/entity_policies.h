// The steps of the inline-policy and managed-policy operations that users, groups and roles
// share (Put/Delete*Policy, Attach/Detach*Policy): which stored name a put replaces, whether a
// managed policy may be attached given the entity's quota, whether a detach names an attached
// policy. The callers look the entity up and write; these functions only decide. Stateless.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/strings.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

// The inline policy of `policies` named `name` regardless of case; null when there is none.
// P is any inline-policy record with `name` and `document` (UserPolicy, GroupPolicy,
// RolePolicy).
template <typename P>
std::shared_ptr<const P> FindInlinePolicyNamed(
    const std::vector<std::shared_ptr<const P>>& policies, std::string_view name) {
  for (const auto& p : policies) {
    if (EqualsIgnoreCase(p->name, name)) return p;
  }
  return nullptr;
}

// Checks Put*Policy of `document` as `name` on an entity whose inline policies are `policies`
// (CheckInlinePolicy: grammar and the entity's size quota, the replaced policy not counted).
// Returns the name to store: the existing policy's own spelling when `name` replaces one.
template <typename P>
Result<std::string> CheckPutInlinePolicy(const std::vector<std::shared_ptr<const P>>& policies,
                                         const std::string& name, const std::string& document,
                                         std::string_view entity, std::string_view entity_name) {
  std::string stored_name = name;
  std::vector<std::string> others;
  for (const auto& p : policies) {
    if (EqualsIgnoreCase(p->name, name)) {
      stored_name = p->name;
    } else {
      others.push_back(p->document);
    }
  }
  if (Status s = CheckInlinePolicy(document, others, entity, entity_name); !s.ok()) return s;
  return stored_name;
}

// Checks Attach*Policy of `arn` to an entity of `account` that has `attached`: NoSuchEntity
// unless the policy exists, LimitExceeded ("Cannot exceed quota for <quota>: 10", quota being
// "PoliciesPerUser", "PoliciesPerGroup" or "PoliciesPerRole") when the entity is full. True when
// the attachment must be written, false when it is already there (attaching again succeeds).
Result<bool> CheckAttach(const IamContext& iam, std::string_view account,
                         const std::vector<std::string>& attached, const std::string& arn,
                         std::string_view quota);

// Checks Detach*Policy: NoSuchEntity "Policy ARN was not found." unless `arn` is attached.
Status CheckDetach(const std::vector<std::string>& attached, const std::string& arn);

}  // namespace gatehouse::services::iam
