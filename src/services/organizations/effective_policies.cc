// organizations: DescribeEffectivePolicy. An account's effective management policy of one type:
// the policies attached to its root, its OUs and itself, merged by AWS's inheritance operators
// (organizations/inheritance.h). Any account may ask for its own; another account's is for the
// management account (or whom it delegates reading to). Roots and OUs have none to ask for.
#include <algorithm>

#include "services/organizations/inheritance.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

// The documents of `type` attached to each node from the root down to `account`.
std::vector<std::vector<json>> PoliciesAlongPath(const store::Directory& dir,
                                                 const model::Organization& org,
                                                 const std::string& account,
                                                 const std::string& type) {
  std::vector<std::string> path = PathToRoot(dir, org, account);
  std::reverse(path.begin(), path.end());
  std::vector<std::vector<json>> levels;
  for (const std::string& node : path) {
    std::vector<json> level;
    for (const auto& a : dir.Scan<model::PolicyAttachment>(org.id + "/" + node + "/")) {
      if (a->policy_type != type) continue;
      auto policy = FindPolicy(dir, org, a->policy_id);
      if (policy == nullptr) continue;
      json doc = json::parse(policy->content, nullptr, /*allow_exceptions=*/false);
      if (doc.is_object()) level.push_back(std::move(doc));
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

// The account the input's TargetId names (the caller's own when it names none).
Result<std::string> TargetAccount(const store::Directory& dir, const Membership& m,
                                  const OperationContext& c) {
  std::string target = c.input.value("TargetId", c.caller.account_id);
  if (target.starts_with("r-") || target.starts_with("ou-")) {
    return InvalidInput("TARGET_NOT_SUPPORTED");
  }
  if (target != c.caller.account_id) RETURN_IF_ERROR(ManagementMembership(dir, c).status());
  if (FindMember(dir, *m.organization, target) == nullptr) {
    return Status(ErrorCode::kTargetNotFoundException,
                  "We can't find a root, OU, account, or policy with the TargetId that you "
                  "specified.");
  }
  return target;
}

Result<json> DescribeEffective(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, CallerMembership(dir, c));
  ASSIGN_OR_RETURN(std::string target, TargetAccount(dir, m, c));
  const std::string type = c.input.at("PolicyType");
  json effective = EffectivePolicy(PoliciesAlongPath(dir, *m.organization, target, type));
  if (effective.empty()) {
    return Status(
        ErrorCode::kEffectivePolicyNotFoundException,
        "We can't find an effective policy of type " + type + " for account " + target + ".");
  }
  return json{{"EffectivePolicy",
               {{"PolicyContent", effective.dump()}, {"TargetId", target}, {"PolicyType", type}}}};
}

}  // namespace

void RegisterEffectivePolicyOperations(Dispatcher& d, OrganizationsContext& org) {
  static constexpr std::pair<const char*, OrganizationsHandler> kHandlers[] = {
      {"DescribeEffectivePolicy", DescribeEffective},
  };
  RegisterHandlers(d, org, kHandlers);
}

}  // namespace gatehouse::services::organizations
