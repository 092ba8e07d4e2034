// iam: EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions, their
// Disable…, and ListOrganizationsFeatures — the organization-wide switches of centralized root
// access, kept on the organization record. They are managed from the management account (there
// are no delegated administrators yet), in an organization with all features where IAM has
// trusted access (EnableAWSServiceAccess for iam.amazonaws.com); the errors come in that order.
#include "services/iam/root_access.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "services/iam/iam_context.h"
#include "services/organizations/organization_common.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The features, in the order AWS lists them.
constexpr std::array<std::string_view, 2> kFeatures = {kRootCredentialsManagement, kRootSessions};
constexpr char kIamServicePrincipal[] = "iam.amazonaws.com";

// Whether the change turns a feature on (only the management account may) or only reads or turns
// one off.
enum class Access { kEnable, kOther };

// The caller's organization, where centralized root access may be managed.
Result<organizations::Membership> RootAccessOrganization(const store::Directory& dir,
                                                         const OperationContext& c, Access access) {
  std::optional<organizations::Membership> m =
      organizations::FindMembership(dir, c.caller.account_id);
  if (!m) {
    return Status(ErrorCode::kOrganizationNotFoundException,
                  "The request was rejected because no organization is associated with your "
                  "account.");
  }
  const model::Organization& org = *m->organization;
  if (org.feature_set != model::kFeatureSetAll) {
    return Status(ErrorCode::kOrganizationNotInAllFeaturesModeException,
                  "The request was rejected because your organization does not have All "
                  "features enabled.");
  }
  if (!m->IsManagement()) {
    if (access == Access::kEnable) {
      return Status(ErrorCode::kCallerIsNotManagementAccountException,
                    "The request was rejected because the account making the request is not the "
                    "management account for the organization.");
    }
    return Status(ErrorCode::kAccountNotManagementOrDelegatedAdministratorException,
                  "The request was rejected because the account making the request is not the "
                  "management account or delegated administrator account for centralized root "
                  "access.");
  }
  if (dir.Get<model::ServiceAccess>(org.id + "/" + kIamServicePrincipal) == nullptr) {
    return Status(ErrorCode::kServiceAccessNotEnabledException,
                  "The request was rejected because trusted access is not enabled for IAM in "
                  "Organizations.");
  }
  return *std::move(m);
}

json FeaturesJson(const model::Organization& org) {
  json enabled = json::array();
  for (std::string_view feature : kFeatures) {
    if (HasRootAccessFeature(org, feature)) enabled.push_back(feature);
  }
  return {{"OrganizationId", org.id}, {"EnabledFeatures", std::move(enabled)}};
}

// Turns `feature` on or off for the caller's organization; the answer lists what is then on.
Result<json> SetFeature(IamContext& iam, const OperationContext& c, std::string_view feature,
                        bool on) {
  const store::Directory& dir = iam.state.directory();
  Result<organizations::Membership> m =
      RootAccessOrganization(dir, c, on ? Access::kEnable : Access::kOther);
  if (!m.ok()) return m.status();
  const model::Organization& org = *m->organization;
  if (HasRootAccessFeature(org, feature) == on) return FeaturesJson(org);
  model::Organization updated = org;
  if (on) {
    updated.root_access_features.emplace_back(feature);
  } else {
    std::erase(updated.root_access_features, feature);
  }
  store::WriteBatch batch;
  batch.preconditions.push_back(store::Unchanged(org));
  batch.writes.push_back(store::Put<model::Organization>{updated});
  if (Status s = iam.state.Commit(batch); !s.ok()) return s;
  return FeaturesJson(updated);
}

Result<json> ListOrganizationsFeatures(IamContext& iam, const OperationContext& c) {
  Result<organizations::Membership> m =
      RootAccessOrganization(iam.state.directory(), c, Access::kOther);
  if (!m.ok()) return m.status();
  return FeaturesJson(*m->organization);
}

}  // namespace

bool HasRootAccessFeature(const model::Organization& org, std::string_view feature) {
  return std::find(org.root_access_features.begin(), org.root_access_features.end(), feature) !=
         org.root_access_features.end();
}

const RootTask* FindRootTask(std::string_view policy_arn) {
  static constexpr std::array<RootTask, 5> kTasks = {{
      {"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials", kRootCredentialsManagement},
      {"arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword", kRootCredentialsManagement},
      {"arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
       kRootCredentialsManagement},
      {"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy", kRootSessions},
      {"arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy", kRootSessions},
  }};
  for (const RootTask& task : kTasks) {
    if (task.policy_arn == policy_arn) return &task;
  }
  return nullptr;
}

void RegisterRootAccessOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "EnableOrganizationsRootCredentialsManagement",
             [&iam](const OperationContext& c) {
               return SetFeature(iam, c, kRootCredentialsManagement, true);
             });
  d.Register("iam", "DisableOrganizationsRootCredentialsManagement",
             [&iam](const OperationContext& c) {
               return SetFeature(iam, c, kRootCredentialsManagement, false);
             });
  d.Register("iam", "EnableOrganizationsRootSessions",
             [&iam](const OperationContext& c) { return SetFeature(iam, c, kRootSessions, true); });
  d.Register("iam", "DisableOrganizationsRootSessions", [&iam](const OperationContext& c) {
    return SetFeature(iam, c, kRootSessions, false);
  });
  d.Register("iam", "ListOrganizationsFeatures",
             [&iam](const OperationContext& c) { return ListOrganizationsFeatures(iam, c); });
}

}  // namespace gatehouse::services::iam
