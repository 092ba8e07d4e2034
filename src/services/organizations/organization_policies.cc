#include "services/organizations/organization_policies.h"

#include <algorithm>

#include "services/organizations/organization_common.h"

namespace gatehouse::services::organizations {

using nlohmann::json;

size_t MaxPolicyContent(std::string_view type) {
  if (type == model::kServiceControlPolicy || type == kResourceControlPolicy) return 5120;
  if (type == "AISERVICES_OPT_OUT_POLICY") return 2500;
  return 10000;
}

namespace {

using PolicyPtr = std::shared_ptr<const model::OrganizationPolicy>;

const std::vector<PolicyPtr>& AwsManagedPolicies() {
  static const auto* const kPolicies = new std::vector<PolicyPtr>{
      std::make_shared<const model::OrganizationPolicy>(
          model::OrganizationPolicy{"",
                                    model::kFullAwsAccessPolicyId,
                                    model::kServiceControlPolicy,
                                    "FullAWSAccess",
                                    "Allows access to every operation",
                                    kFullAwsAccessContent,
                                    {}}),
      std::make_shared<const model::OrganizationPolicy>(
          model::OrganizationPolicy{"",
                                    kRcpFullAwsAccessId,
                                    kResourceControlPolicy,
                                    "RCPFullAWSAccess",
                                    "Allows access to every resource",
                                    kRcpFullAwsAccessContent,
                                    {}}),
  };
  return *kPolicies;
}

}  // namespace

PolicyPtr AwsManagedPolicyOf(std::string_view type) {
  for (const PolicyPtr& p : AwsManagedPolicies()) {
    if (p->type == type) return p;
  }
  return nullptr;
}

PolicyPtr AwsManagedPolicy(std::string_view id) {
  for (const PolicyPtr& p : AwsManagedPolicies()) {
    if (p->id == id) return p;
  }
  return nullptr;
}

void AttachAwsManagedPolicies(const model::Organization& org, const std::string& node,
                              store::WriteBatch& batch) {
  if (org.feature_set != model::kFeatureSetAll) return;
  for (const PolicyPtr& p : AwsManagedPolicies()) {
    if (p->type != model::kServiceControlPolicy && !IsPolicyTypeEnabled(org, p->type)) continue;
    batch.writes.push_back(store::Put<model::PolicyAttachment>{{org.id, node, p->id, p->type}});
  }
}

PolicyPtr FindPolicy(const store::Directory& directory, const model::Organization& org,
                     std::string_view id) {
  if (PolicyPtr managed = AwsManagedPolicy(id)) {
    return org.feature_set == model::kFeatureSetAll ? managed : nullptr;
  }
  return directory.Get<model::OrganizationPolicy>(org.id + "/" + std::string(id));
}

bool IsPolicyTypeEnabled(const model::Organization& org, std::string_view type) {
  return std::find(org.enabled_policy_types.begin(), org.enabled_policy_types.end(), type) !=
         org.enabled_policy_types.end();
}

bool IsAuthorizationPolicyType(std::string_view type) {
  return type == model::kServiceControlPolicy || type == kResourceControlPolicy;
}

json PolicySummaryJson(const model::Organization& org, const model::OrganizationPolicy& policy) {
  return {{"Id", policy.id},     {"Arn", PolicyArn(org, policy.type, policy.id)},
          {"Name", policy.name}, {"Description", policy.description},
          {"Type", policy.type}, {"AwsManaged", policy.organization_id.empty()}};
}

json PolicyJson(const model::Organization& org, const model::OrganizationPolicy& policy) {
  return {{"PolicySummary", PolicySummaryJson(org, policy)}, {"Content", policy.content}};
}

Status PolicyNotFound() {
  return Status(ErrorCode::kPolicyNotFoundException,
                "We can't find a policy with the PolicyId that you specified.");
}

Status PolicyTypeNotAvailable() {
  return Status(ErrorCode::kPolicyTypeNotAvailableForOrganizationException,
                "You can't use the specified policy type with the feature set currently enabled "
                "for this organization. For example, you can enable SCPs only after you enable "
                "all features in the organization.");
}

}  // namespace gatehouse::services::organizations
