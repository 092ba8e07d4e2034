#include "services/organizations/organization_policies.h"

#include <algorithm>

#include "services/organizations/organization_common.h"

namespace gatehouse::services::organizations {

using nlohmann::json;

size_t MaxPolicyContent(std::string_view type) {
  if (type == model::kServiceControlPolicy) return 5120;
  if (type == "AISERVICES_OPT_OUT_POLICY") return 2500;
  return 10000;
}

std::shared_ptr<const model::OrganizationPolicy> FullAwsAccessPolicy() {
  static const auto* const kPolicy = new std::shared_ptr<const model::OrganizationPolicy>(
      std::make_shared<const model::OrganizationPolicy>(
          model::OrganizationPolicy{"",
                                    model::kFullAwsAccessPolicyId,
                                    model::kServiceControlPolicy,
                                    "FullAWSAccess",
                                    "Allows access to every operation",
                                    kFullAwsAccessContent,
                                    {}}));
  return *kPolicy;
}

std::shared_ptr<const model::OrganizationPolicy> FindPolicy(const store::Directory& directory,
                                                            const model::Organization& org,
                                                            std::string_view id) {
  if (id == model::kFullAwsAccessPolicyId) {
    return org.feature_set == model::kFeatureSetAll ? FullAwsAccessPolicy() : nullptr;
  }
  return directory.Get<model::OrganizationPolicy>(org.id + "/" + std::string(id));
}

bool IsPolicyTypeEnabled(const model::Organization& org, std::string_view type) {
  return std::find(org.enabled_policy_types.begin(), org.enabled_policy_types.end(), type) !=
         org.enabled_policy_types.end();
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
