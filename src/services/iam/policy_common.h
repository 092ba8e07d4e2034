// What the managed-policy operations (customer_policies.cc, policy_versions.cc,
// policy_entities.cc) share: finding the policy an ARN names (AWS or customer managed), AWS's
// errors about policies and versions, the usage counts GetPolicy and ListPolicies report, and
// the JSON of a Policy and a PolicyVersion as the API returns them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "services/iam/iam_context.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {

// AWS's quotas for customer managed policies.
inline constexpr size_t kManagedPolicySizeQuota = 6144;  // characters, whitespace not counted
inline constexpr size_t kVersionsPerPolicy = 5;
inline constexpr size_t kPoliciesPerAccount = 1500;

// The managed policy an ARN names: one of `aws` or `local` is set.
struct PolicyRef {
  const AwsManagedPolicy* aws = nullptr;
  std::shared_ptr<const model::ManagedPolicy> local;
};

Status NoSuchPolicy(std::string_view arn);
Status NoSuchPolicyVersion(std::string_view arn, std::string_view version_id);

// The AWS or customer managed policy `arn` as `account` sees it; NoSuchEntity otherwise.
Result<PolicyRef> FindPolicy(const IamContext& iam, std::string_view account,
                             const std::string& arn);
// The customer managed policy `arn` of `account`, for an operation that changes it: AWS-managed
// policies are refused with AccessDenied, unknown ones with NoSuchEntity.
Result<std::shared_ptr<const model::ManagedPolicy>> FindPolicyToChange(const IamContext& iam,
                                                                       std::string_view account,
                                                                       const std::string& arn);

// MalformedPolicyDocument, or LimitExceeded beyond 6,144 characters (whitespace not counted).
Status CheckManagedPolicyDocument(const std::string& document);

// How many users and roles of `account` use each policy as their permissions boundary, by
// lower-cased ARN.
std::map<std::string, int64_t> BoundaryUsage(const store::Directory& dir, std::string_view account);

// Usage counts of one policy in one account.
struct PolicyCounts {
  int64_t attachments = 0;
  int64_t boundaries = 0;
};
PolicyCounts CountsOf(const store::Directory& dir, std::string_view account, const std::string& arn,
                      const std::map<std::string, int64_t>& boundaries);

// The Policy structure. GetPolicy shows Description and Tags (an empty list when none);
// CreatePolicy only the Tags given (AWS's answer carries no Description); ListPolicies neither.
struct PolicyView {
  bool description = false;
  TagsShown tags = TagsShown::kNever;
};
nlohmann::json PolicyJson(const AwsManagedPolicy& policy, const PolicyCounts& counts,
                          PolicyView view);
nlohmann::json PolicyJson(const model::ManagedPolicy& policy, const PolicyCounts& counts,
                          PolicyView view);

// The number of version id "v12" (12); 0 when it is not of that form.
int64_t VersionNumber(std::string_view version_id);

// Registered by RegisterManagedPolicyOperations.
void RegisterPolicyVersionOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterPolicyEntityOperations(Dispatcher& dispatcher, IamContext& iam);

}  // namespace gatehouse::services::iam
