// iam: GenerateOrganizationsAccessReport and GetOrganizationsAccessReport: for an entity of the
// caller's organization (its root, an OU or an account, as an entity path o-…/r-…/ou-…/ACCOUNT),
// the services the SCPs on its path allow (or one SCP allows, given OrganizationsPolicyId), and
// the latest attempt on each by any principal of the accounts under it (root users included).
// SCPs never bound the management account: its report lists every service and covers it alone,
// and it is left out of the reports of the root and of OUs. Only the management account of an
// organization whose root has SCPs enabled may generate one; like a service report it is made
// whole at once and kept for its generator (access_advisor.cc).
#include "core/time_format.h"
#include "policy/parse.h"
#include "services/aws_services.h"
#include "services/iam/access_report_store.h"
#include "services/iam/access_reports.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/service_grants.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/policy_path.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Status InvalidPath(const std::string& path) {
  return Status(ErrorCode::kInvalidInput,
                "The entity path " + path + " does not name an entity of your organization.");
}

// The node an entity path names, checked link by link against the organization's tree.
struct PathTarget {
  organizations::Node node;
  std::string path;  // as canonical: the ids as stored
};

// "o-…/r-…/ou-…/" → {"o-…", "r-…", "ou-…"}; an empty link (a doubled '/') stays empty.
std::vector<std::string> PathLinks(std::string_view path) {
  if (path.ends_with('/')) path.remove_suffix(1);
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

Result<PathTarget> ResolvePath(const store::Directory& dir, const model::Organization& org,
                               const std::string& path) {
  std::vector<std::string> ids = PathLinks(path);
  if (ids.size() < 2 || ids[0] != org.id || ids[1] != org.root_id) return InvalidPath(path);
  std::optional<organizations::Node> node = organizations::FindNode(dir, org, org.root_id);
  for (size_t i = 2; node && i < ids.size(); ++i) {
    std::optional<organizations::Node> child = organizations::FindNode(dir, org, ids[i]);
    // Only the last link may be an account; every link must be its predecessor's child.
    const bool last = i + 1 == ids.size();
    if (!child || child->parent_id != node->id ||
        (child->type == organizations::NodeType::kAccount && !last)) {
      return InvalidPath(path);
    }
    node = std::move(child);
  }
  if (!node) return InvalidPath(path);
  std::string canonical = ids[0];
  for (size_t i = 1; i < ids.size(); ++i) canonical += "/" + ids[i];
  return PathTarget{*node, std::move(canonical)};
}

// Whether node `ancestor` is `id` or above it.
bool Under(const store::Directory& dir, const model::Organization& org, const std::string& id,
           const std::string& ancestor) {
  for (const std::string& at : organizations::PathToRoot(dir, org, id)) {
    if (at == ancestor) return true;
  }
  return false;
}

// Whether SCP `policy` is attached at `id` or above it.
bool PolicyApplies(const store::Directory& dir, const model::Organization& org,
                   const std::string& id, const std::string& policy) {
  for (const std::string& at : organizations::PathToRoot(dir, org, id)) {
    if (dir.Get<model::PolicyAttachment>(org.id + "/" + at + "/" + policy) != nullptr) {
      return true;
    }
  }
  return false;
}

std::vector<policy::Document> Parsed(const std::vector<authz::SourcedPolicy>& policies) {
  std::vector<policy::Document> out;
  for (const authz::SourcedPolicy& p : policies) {
    if (auto doc = policy::ParsePolicy(p.document, policy::PolicyKind::kScp); doc.ok()) {
      out.push_back(std::move(doc).value());
    }
  }
  return out;
}

// The services every level of the SCPs on the node's path allows.
std::vector<std::string> AllowedOnPath(const store::Directory& dir, const model::Organization& org,
                                       const std::string& id) {
  std::vector<std::string> services = AwsServiceNamespaces();
  for (const auto& level : organizations::ScpLevelsOf(dir, org, id)) {
    services = GrantedServices(Parsed(level), services);
  }
  return services;
}

struct Scope {
  std::vector<std::string> services;
  std::vector<std::string> accounts;
};

// What the report on `target` covers, or why there is no such report.
Result<Scope> ReportScope(const store::Directory& dir, const model::Organization& org,
                          const PathTarget& target, const std::string& policy_id) {
  Scope scope;
  const std::string& management = org.management_account_id;
  if (target.node.type == organizations::NodeType::kAccount && target.node.id == management) {
    return Scope{AwsServiceNamespaces(), {management}};  // any policy given is ignored
  }
  std::shared_ptr<const model::OrganizationPolicy> policy;
  if (!policy_id.empty()) {
    policy = organizations::FindPolicy(dir, org, policy_id);
    if (policy == nullptr || policy->type != model::kServiceControlPolicy) {
      return Status(ErrorCode::kInvalidInput,
                    "The service control policy " + policy_id + " does not exist.");
    }
    scope.services =
        GrantedServices(Parsed({{policy->content, policy->id}}), AwsServiceNamespaces());
  } else {
    scope.services = AllowedOnPath(dir, org, target.node.id);
  }
  for (const auto& member : dir.Scan<model::OrganizationAccount>(org.id + "/")) {
    const std::string& id = member->account_id;
    if (id == management || !Under(dir, org, id, target.node.id)) continue;
    if (policy != nullptr && !PolicyApplies(dir, org, id, policy->id)) continue;
    scope.accounts.push_back(id);
  }
  return scope;
}

Result<json> GenerateOrganizationsReport(IamContext& iam, const OperationContext& c) {
  const store::Directory& dir = iam.state.directory();
  std::optional<organizations::Membership> m =
      organizations::FindMembership(dir, c.caller.account_id);
  if (!m || !m->IsManagement()) {
    return Status(ErrorCode::kAccessDenied,
                  "Organizations access reports can be generated only by the management account "
                  "of an organization.");
  }
  const model::Organization& org = *m->organization;
  if (org.feature_set != model::kFeatureSetAll ||
      !organizations::IsPolicyTypeEnabled(org, model::kServiceControlPolicy)) {
    return Status(ErrorCode::kInvalidInput,
                  "Service control policies are not enabled for the organization's root.");
  }
  const std::string entity_path = c.input.at("EntityPath");
  ASSIGN_OR_RETURN(PathTarget target, ResolvePath(dir, org, entity_path));
  ASSIGN_OR_RETURN(Scope scope,
                   ReportScope(dir, org, target, c.input.value("OrganizationsPolicyId", "")));
  OrganizationsReportInput in;
  in.services = std::move(scope.services);
  in.now_ms = iam.now_ms();
  for (const std::string& account : scope.accounts) {
    std::optional<std::pair<std::string, std::string>> where =
        organizations::OrganizationPathOf(dir, account);
    // OrganizationPathOf ends with the account's parent and a '/'.
    in.accounts.push_back(
        {(where ? where->second : "") + account, iam.activity.OfAccount(dir, account)});
  }
  model::AccessReport report;
  report.account_id = c.caller.account_id;
  report.job_id = iam.random.Uuid();
  report.requester = c.caller.user_id;
  report.job_type = kOrganizationsReport;
  report.subject = target.path;
  report.created_ms = in.now_ms;
  report.contents = OrganizationsReportContents(in).dump();
  report.completed_ms = iam.now_ms();
  RETURN_IF_ERROR(StoreReport(iam, report));
  return json{{"JobId", report.job_id}};
}

Result<json> Get(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto report, FindReport(iam, c, ReportKind::kOrganizations));
  json out = {{"JobStatus", "COMPLETED"},
              {"JobCreationDate", FormatIsoTime(report->created_ms)},
              {"JobCompletionDate", FormatIsoTime(report->completed_ms)}};
  const json contents = json::parse(report->contents);
  out["NumberOfServicesAccessible"] = contents.at("NumberOfServicesAccessible");
  out["NumberOfServicesNotAccessed"] = contents.at("NumberOfServicesNotAccessed");
  out["AccessDetails"] = PositionPage(SortedAccessDetails(contents, c.input.value("SortKey", "")),
                                      ReadPage(c.input), out);
  return out;
}

}  // namespace

void RegisterOrganizationsAccessReportOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"GenerateOrganizationsAccessReport", GenerateOrganizationsReport},
      {"GetOrganizationsAccessReport", Get},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
