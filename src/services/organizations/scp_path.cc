#include "services/organizations/scp_path.h"

#include <algorithm>

#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {

std::optional<ScpPath> ScpsOnPath(const store::Directory& directory, std::string_view account) {
  std::optional<Membership> m = FindMembership(directory, account);
  if (!m) return std::nullopt;
  const model::Organization& org = *m->organization;
  if (org.feature_set != model::kFeatureSetAll ||
      !IsPolicyTypeEnabled(org, model::kServiceControlPolicy)) {
    return std::nullopt;
  }
  std::vector<std::string> path = PathToRoot(directory, org, account);
  std::reverse(path.begin(), path.end());
  ScpPath out;
  out.management_account = org.management_account_id;
  out.levels.reserve(path.size());
  for (const std::string& node : path) {
    std::vector<authz::SourcedPolicy>& level = out.levels.emplace_back();
    for (const auto& a : directory.Scan<model::PolicyAttachment>(org.id + "/" + node + "/")) {
      if (a->policy_type != model::kServiceControlPolicy) continue;
      // A policy deleted from under its attachment (which DeletePolicy refuses) allows nothing.
      if (auto policy = FindPolicy(directory, org, a->policy_id)) {
        level.push_back({policy->content, policy->id});
      }
    }
  }
  return out;
}

}  // namespace gatehouse::services::organizations
