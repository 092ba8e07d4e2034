// What the Organizations policy operations and SCP enforcement share: the policy types and their
// limits, the AWS-managed FullAWSAccess SCP (which belongs to no organization, so it is a value
// here rather than a record), finding a policy of an organization by id, and a policy's JSON as
// the API returns it. Pure functions of the directory; thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/organization_entities.h"
#include "services/dispatcher.h"
#include "services/organizations/organizations_context.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

inline constexpr const char* kFullAwsAccessContent =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
// The policy type that, unlike the management policies, governs requests to the resources of
// member accounts (for gatehouse: role assumption).
inline constexpr const char* kResourceControlPolicy = "RESOURCE_CONTROL_POLICY";
inline constexpr const char* kRcpFullAwsAccessId = "p-RCPFullAWSAccess";
inline constexpr const char* kRcpFullAwsAccessContent =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
    R"("Resource":"*"}]})";
// SCPs, or RCPs, directly attached to one root, OU or account (AWS's default one included).
inline constexpr size_t kMaxAuthorizationPoliciesPerTarget = 5;
// Policies of one type an organization may hold.
inline constexpr size_t kMaxPoliciesPerType = 1000;

// The largest document, in characters, a policy of `type` may have (AWS's quotas: SCPs 5,120,
// tag and backup policies 10,000, AI services opt-out policies 2,500).
size_t MaxPolicyContent(std::string_view type);

// AWS's own policy of `type`, which belongs to no organization and is attached to every root, OU
// and account while the type is available: FullAWSAccess for SCPs (which can be detached while
// another SCP remains), RCPFullAWSAccess for RCPs (which cannot). nullptr for the other types.
std::shared_ptr<const model::OrganizationPolicy> AwsManagedPolicyOf(std::string_view type);
// AWS's own policy with the id `id`, or nullptr.
std::shared_ptr<const model::OrganizationPolicy> AwsManagedPolicy(std::string_view id);

// The attachments of AWS's own policies a new root, OU or account `node` of `org` gets:
// FullAWSAccess once the organization has all features, RCPFullAWSAccess while RCPs are enabled.
void AttachAwsManagedPolicies(const model::Organization& org, const std::string& node,
                              store::WriteBatch& batch);

// The policy `id` of `org`: one of its own, or AWS's own of a type `org` can use (with all
// features). nullptr when there is none.
std::shared_ptr<const model::OrganizationPolicy> FindPolicy(const store::Directory& directory,
                                                            const model::Organization& org,
                                                            std::string_view id);

bool IsPolicyTypeEnabled(const model::Organization& org, std::string_view type);
// SCPs and RCPs, the types that take part in authorization (at most five per target, and
// evaluated level by level along an account's path).
bool IsAuthorizationPolicyType(std::string_view type);

// PolicySummary and Policy.
nlohmann::json PolicySummaryJson(const model::Organization& org,
                                 const model::OrganizationPolicy& policy);
nlohmann::json PolicyJson(const model::Organization& org, const model::OrganizationPolicy& policy);

Status PolicyNotFound();
Status PolicyTypeNotAvailable();

// The groups of policy operations, one file each; RegisterPolicyOperations calls them.
void RegisterPolicyTypeOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterPolicyAttachmentOperations(Dispatcher& dispatcher, OrganizationsContext& org);

}  // namespace gatehouse::services::organizations
