#include "services/organizations/policy_path.h"

#include <algorithm>

#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {
namespace {

// What a policy that cannot be found stands for (as an SCP or as an RCP).
constexpr std::string_view kUnresolvable =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"*",)"
    R"("Resource":"*"}})";
constexpr std::string_view kUnresolvableScp =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})";

// The documents of the policies of `type` attached along the path of `account` in `org`.
std::vector<std::vector<authz::SourcedPolicy>> LevelsOnPath(const store::Directory& directory,
                                                            const model::Organization& org,
                                                            std::string_view account,
                                                            std::string_view type) {
  const std::string_view deny_all =
      type == model::kServiceControlPolicy ? kUnresolvableScp : kUnresolvable;
  std::vector<std::string> path = PathToRoot(directory, org, account);
  std::reverse(path.begin(), path.end());
  // A path that does not reach the root (an OU missing from a damaged store) would drop the
  // policies above the break: everything is denied instead.
  if (path.empty() || !path.front().starts_with("r-")) {
    return {{{std::string(deny_all), "unresolvable-path"}}};
  }
  std::vector<std::vector<authz::SourcedPolicy>> levels;
  levels.reserve(path.size());
  for (const std::string& node : path) {
    std::vector<authz::SourcedPolicy>& level = levels.emplace_back();
    for (const auto& a : directory.Scan<model::PolicyAttachment>(org.id + "/" + node + "/")) {
      if (a->policy_type != type) continue;
      // A policy missing from under its attachment (which DeletePolicy refuses) could have
      // held a Deny: it denies everything.
      auto policy = FindPolicy(directory, org, a->policy_id);
      level.push_back(policy ? authz::SourcedPolicy{policy->content, policy->id}
                             : authz::SourcedPolicy{std::string(deny_all), a->policy_id});
    }
  }
  return levels;
}

}  // namespace

std::vector<std::vector<authz::SourcedPolicy>> ScpLevelsOf(const store::Directory& directory,
                                                           const model::Organization& org,
                                                           std::string_view id) {
  return LevelsOnPath(directory, org, id, model::kServiceControlPolicy);
}

std::optional<ScpPath> ScpsOnPath(const store::Directory& directory, std::string_view account) {
  std::optional<Membership> m = FindMembership(directory, account);
  if (!m) return std::nullopt;
  const model::Organization& org = *m->organization;
  if (org.feature_set != model::kFeatureSetAll ||
      !IsPolicyTypeEnabled(org, model::kServiceControlPolicy)) {
    return std::nullopt;
  }
  return ScpPath{LevelsOnPath(directory, org, account, model::kServiceControlPolicy),
                 org.management_account_id};
}

std::optional<std::vector<std::vector<authz::SourcedPolicy>>> RcpsOnPath(
    const store::Directory& directory, std::string_view account) {
  std::optional<Membership> m = FindMembership(directory, account);
  if (!m) return std::nullopt;
  const model::Organization& org = *m->organization;
  if (org.feature_set != model::kFeatureSetAll ||
      !IsPolicyTypeEnabled(org, kResourceControlPolicy) || org.management_account_id == account) {
    return std::nullopt;
  }
  return LevelsOnPath(directory, org, account, kResourceControlPolicy);
}

std::optional<std::pair<std::string, std::string>> OrganizationPathOf(
    const store::Directory& directory, std::string_view account) {
  std::optional<Membership> m = FindMembership(directory, account);
  if (!m) return std::nullopt;
  const model::Organization& org = *m->organization;
  std::vector<std::string> path = PathToRoot(directory, org, account);
  std::string joined = org.id + "/";
  // From the root down to the account's parent: the account itself is not part of the path.
  for (auto it = path.rbegin(); it != path.rend() && *it != account; ++it) joined += *it + "/";
  return std::make_pair(org.id, std::move(joined));
}

}  // namespace gatehouse::services::organizations
