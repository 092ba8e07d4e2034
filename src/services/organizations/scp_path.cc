#include "services/organizations/scp_path.h"

#include <algorithm>

#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {
namespace {

// What an SCP that cannot be found stands for.
constexpr std::string_view kUnresolvableScp =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})";

}  // namespace

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
  // A path that does not reach the root (an OU missing from a damaged store) would drop the
  // SCPs above the break: the account is denied everything instead.
  if (path.empty() || !path.front().starts_with("r-")) {
    out.levels.push_back({{std::string(kUnresolvableScp), "unresolvable-path"}});
    return out;
  }
  out.levels.reserve(path.size());
  for (const std::string& node : path) {
    std::vector<authz::SourcedPolicy>& level = out.levels.emplace_back();
    for (const auto& a : directory.Scan<model::PolicyAttachment>(org.id + "/" + node + "/")) {
      if (a->policy_type != model::kServiceControlPolicy) continue;
      // A policy missing from under its attachment (which DeletePolicy refuses) could have
      // held a Deny: it denies everything.
      auto policy = FindPolicy(directory, org, a->policy_id);
      level.push_back(policy ? authz::SourcedPolicy{policy->content, policy->id}
                             : authz::SourcedPolicy{std::string(kUnresolvableScp), a->policy_id});
    }
  }
  return out;
}

}  // namespace gatehouse::services::organizations
