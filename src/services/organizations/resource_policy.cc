// organizations: PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy. The
// organization's resource-based policy, which lets principals of member accounts call the
// Organizations operations it names (organizations/delegation.h). Put and Delete are the
// management account's alone.
#include "core/ids.h"
#include "policy/parse.h"
#include "services/organizations/delegation.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

Status NotFound() {
  return Status(ErrorCode::kResourcePolicyNotFoundException,
                "We can't find a resource policy request with the parameter that you specified.");
}

std::string PolicyArn(const model::Organization& org, const model::OrganizationResourcePolicy& p) {
  return org.ArnPrefix() + "resourcepolicy/" + org.id + "/" + p.id;
}

json PolicyJson(const model::Organization& org, const model::OrganizationResourcePolicy& p) {
  return {{"ResourcePolicySummary", {{"Id", p.id}, {"Arn", PolicyArn(org, p)}}},
          {"Content", p.content}};
}

// The input Content: a resource policy whose every Action is an Organizations one it may
// delegate.
Result<std::string> ReadContent(const OperationContext& c) {
  std::string content = c.input.at("Content");
  Result<policy::Document> doc = policy::ParsePolicy(content, policy::PolicyKind::kResource);
  if (!doc.ok()) return InvalidInput("INVALID_RESOURCE_POLICY_JSON");
  for (const policy::Statement& statement : doc->statements) {
    if (statement.not_action) return InvalidInput("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    for (const std::string& action : statement.actions) {
      if (!IsDelegableAction(action)) return InvalidInput("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    }
  }
  return content;
}

Result<json> PutPolicy(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  const model::Organization& o = *m.organization;
  ASSIGN_OR_RETURN(std::string content, ReadContent(c));
  auto current = dir.Get<model::OrganizationResourcePolicy>(o.id);
  model::OrganizationResourcePolicy policy;
  policy.organization_id = o.id;
  policy.id = current ? current->id : NewResourcePolicyId(org.iam.random);
  policy.content = std::move(content);
  policy.tags = current ? current->tags : std::vector<model::Tag>{};
  if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
    ASSIGN_OR_RETURN(policy.tags, ApplyTags(policy.tags, *tags));
  }
  store::WriteBatch batch;
  batch.preconditions.push_back(store::Unchanged(o));
  batch.preconditions.push_back(current ? store::Unchanged(*current)
                                        : store::Absent<model::OrganizationResourcePolicy>(o.id));
  batch.writes.push_back(store::Put<model::OrganizationResourcePolicy>{policy});
  RETURN_IF_ERROR(org.iam.state.Commit(batch));
  return json{{"ResourcePolicy", PolicyJson(o, policy)}};
}

Result<json> DescribePolicy(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  auto policy = dir.Get<model::OrganizationResourcePolicy>(m.organization->id);
  if (policy == nullptr) return NotFound();
  return json{{"ResourcePolicy", PolicyJson(*m.organization, *policy)}};
}

Result<json> DeletePolicy(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  auto policy = dir.Get<model::OrganizationResourcePolicy>(m.organization->id);
  if (policy == nullptr) return NotFound();
  RETURN_IF_ERROR(org.iam.state.Commit(
      {.writes = {store::Erase<model::OrganizationResourcePolicy>::Of(*policy)},
       .preconditions = {store::Unchanged(*policy)}}));
  return json::object();
}

}  // namespace

void RegisterResourcePolicyOperations(Dispatcher& d, OrganizationsContext& org) {
  static constexpr std::pair<const char*, OrganizationsHandler> kHandlers[] = {
      {"PutResourcePolicy", PutPolicy},
      {"DescribeResourcePolicy", DescribePolicy},
      {"DeleteResourcePolicy", DeletePolicy},
  };
  RegisterHandlers(d, org, kHandlers);
}

}  // namespace gatehouse::services::organizations
