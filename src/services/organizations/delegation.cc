#include "services/organizations/delegation.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

#include "authz/operation_table.h"
#include "services/organizations/organization_resources.h"

namespace gatehouse::services::organizations {
namespace {

// The read operations: every delegated administrator's, and the resource policy's to grant.
constexpr std::string_view kReadOperations[] = {
    "DescribeAccount",
    "DescribeCreateAccountStatus",
    "DescribeEffectivePolicy",
    "DescribeOrganization",
    "DescribeOrganizationalUnit",
    "DescribePolicy",
    "DescribeResourcePolicy",
    "ListAccounts",
    "ListAccountsForParent",
    "ListAWSServiceAccessForOrganization",
    "ListChildren",
    "ListCreateAccountStatus",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
    "ListHandshakesForOrganization",
    "ListOrganizationalUnitsForParent",
    "ListParents",
    "ListPolicies",
    "ListPoliciesForTarget",
    "ListRoots",
    "ListTagsForResource",
    "ListTargetsForPolicy",
};

// The policy-management operations only the resource policy can grant.
constexpr std::string_view kPolicyOperations[] = {
    "AttachPolicy",     "CreatePolicy", "DeletePolicy",  "DetachPolicy", "DisablePolicyType",
    "EnablePolicyType", "TagResource",  "UntagResource", "UpdatePolicy",
};

template <size_t N>
bool Among(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool SameLetter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// `name` matches `pattern` of IAM's wildcards (* any run, ? one character), ignoring case; the
// greedy walk that returns to the last * needs time |pattern|·|name| at most.
bool GlobMatches(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || SameLetter(pattern[p], name[n]))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

template <size_t N>
bool AnyMatches(const std::string_view (&list)[N], std::string_view pattern) {
  return std::any_of(std::begin(list), std::end(list),
                     [&](std::string_view name) { return GlobMatches(pattern, name); });
}

Status Refused() { return Status(ErrorCode::kAccessDeniedException, kAccessDeniedMessage); }

// The ARN the operation acts on, as its authorization names it ("*" for the forms that name
// no Organizations resource).
std::string OperationResource(const store::Directory& directory, const OperationContext& c) {
  const authz::OperationSpec* spec = authz::FindOperationSpec("organizations", c.operation.name);
  if (spec == nullptr || !IsOrganizationsForm(spec->resource)) return "*";
  return OrganizationResource(directory, spec->resource, c.caller.account_id, c.input).arn;
}

bool ResourcePolicyAllows(const store::Directory& directory, const model::Organization& org,
                          const OperationContext& c) {
  auto policy = directory.Get<model::OrganizationResourcePolicy>(org.id);
  if (policy == nullptr || c.caller_request == nullptr || !c.authorize) return false;
  authz::AuthzRequest request = *c.caller_request;
  request.action = "organizations:" + c.operation.name;
  request.resource = OperationResource(directory, c);
  request.resource_account = org.management_account_id;
  request.resource_policy = policy->content;
  return c.authorize(request).ok();
}

}  // namespace

bool IsDelegableAction(std::string_view action) {
  constexpr std::string_view kPrefix = "organizations:";
  if (action.size() < kPrefix.size() || !GlobMatches(kPrefix, action.substr(0, kPrefix.size()))) {
    return false;
  }
  std::string_view name = action.substr(kPrefix.size());
  return AnyMatches(kReadOperations, name) || AnyMatches(kPolicyOperations, name);
}

bool IsDelegatedAdministrator(const store::Directory& directory, const model::Organization& org,
                              std::string_view account) {
  return !directory
              .Scan<model::DelegatedAdministrator>(org.id + "/" + std::string(account) + "/", "", 1)
              .empty();
}

Status CheckDelegatedAccess(const store::Directory& directory, const Membership& m,
                            const OperationContext& c) {
  const std::string& operation = c.operation.name;
  const bool read = Among(kReadOperations, operation);
  if (read && IsDelegatedAdministrator(directory, *m.organization, c.caller.account_id)) {
    return Status::Ok();
  }
  if ((read || Among(kPolicyOperations, operation)) &&
      ResourcePolicyAllows(directory, *m.organization, c)) {
    return Status::Ok();
  }
  return Refused();
}

}  // namespace gatehouse::services::organizations
