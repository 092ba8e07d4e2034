// iam: GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails,
// GetServiceLastAccessedDetailsWithEntities and ListPoliciesGrantingServiceAccess: access
// advisor, from the attempts services::AccessActivity keeps. A report is made whole when it is
// generated (its JobStatus is COMPLETED at once) and kept (model::AccessReport) for the caller
// that generated it, as AWS requires: the same user, or the same role session.
#include "authz/operation_table.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "policy/parse.h"
#include "services/aws_services.h"
#include "services/iam/access_report_store.h"
#include "services/iam/access_reports.h"
#include "services/iam/access_subjects.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/service_grants.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

std::vector<policy::Document> Documents(const std::vector<GrantingPolicy>& policies) {
  std::vector<policy::Document> out;
  for (const GrantingPolicy& p : policies) {
    // Stored documents were validated when stored.
    if (auto doc = policy::ParsePolicy(p.document, policy::PolicyKind::kIdentity); doc.ok()) {
      out.push_back(std::move(doc).value());
    }
  }
  return out;
}

json ReportContents(IamContext& iam, const std::string& account, const AccessSubject& subject,
                    bool action_level) {
  ServiceReportInput in;
  in.policies = Documents(PermissionsPolicies(iam, account, subject));
  in.services = GrantedServices(in.policies, AwsServiceNamespaces());
  for (AccessSubject& p : ReportedPrincipals(iam, account, subject)) {
    auto activity = iam.activity.Find(iam.state.directory(), account, p.id);
    in.principals.push_back({std::move(p), activity.value_or(model::PrincipalActivity{})});
  }
  in.now_ms = iam.now_ms();
  in.action_level = action_level;
  in.tracked_actions = [](std::string_view ns) { return authz::ServedActions(ns); };
  return ServiceReportContents(in);
}

Result<json> Generate(IamContext& iam, const OperationContext& c) {
  const std::string& account = c.caller.account_id;
  Result<AccessSubject> subject = FindAccessSubject(iam, account, c.input.at("Arn"), true);
  if (!subject.ok()) return subject.status();
  const std::string granularity = c.input.value("Granularity", "SERVICE_LEVEL");
  model::AccessReport report;
  report.account_id = account;
  report.job_id = iam.random.Uuid();
  report.requester = c.caller.user_id;
  report.job_type = granularity;
  report.subject = subject->arn;
  report.created_ms = iam.now_ms();
  report.contents = ReportContents(iam, account, *subject, granularity == "ACTION_LEVEL").dump();
  report.completed_ms = iam.now_ms();
  RETURN_IF_ERROR(StoreReport(iam, report));
  return json{{"JobId", report.job_id}};
}

json JobFields(const model::AccessReport& report) {
  return {{"JobStatus", "COMPLETED"},
          {"JobCreationDate", FormatIsoTime(report.created_ms)},
          {"JobCompletionDate", FormatIsoTime(report.completed_ms)}};
}

Result<json> GetDetails(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto report, FindReport(iam, c, ReportKind::kService));
  json out = JobFields(*report);
  out["JobType"] = report->job_type;
  const json contents = json::parse(report->contents);
  std::vector<json> services = contents.at("ServicesLastAccessed");
  auto key = [](const json& s) { return s.at("ServiceNamespace").get<std::string>(); };
  out["ServicesLastAccessed"] = SlicePage(services, ReadPage(c.input), key, out);
  return out;
}

Result<json> GetDetailsWithEntities(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto report, FindReport(iam, c, ReportKind::kService));
  json out = JobFields(*report);
  json entities = EntityDetails(json::parse(report->contents),
                                c.input.at("ServiceNamespace").get<std::string>());
  out["EntityDetailsList"] = PositionPage(std::move(entities), ReadPage(c.input), out);
  return out;
}

json PolicyJson(const GrantingPolicy& p) {
  json out = {{"PolicyName", p.name}, {"PolicyType", p.managed ? "MANAGED" : "INLINE"}};
  if (p.managed) {
    out["PolicyArn"] = p.arn;
  } else {
    out["EntityType"] = p.owner_type;
    out["EntityName"] = p.owner_name;
  }
  return out;
}

Result<json> ListGranting(IamContext& iam, const OperationContext& c) {
  const std::string& account = c.caller.account_id;
  ASSIGN_OR_RETURN(AccessSubject subject,
                   FindAccessSubject(iam, account, c.input.at("Arn"), false));
  std::vector<std::pair<GrantingPolicy, policy::Document>> policies;
  for (GrantingPolicy& p : PermissionsPolicies(iam, account, subject)) {
    auto doc = policy::ParsePolicy(p.document, policy::PolicyKind::kIdentity);
    if (doc.ok()) policies.emplace_back(std::move(p), std::move(doc).value());
  }
  json entries = json::array();
  for (const json& ns : c.input.at("ServiceNamespaces")) {
    json granting = json::array();
    for (const auto& [p, doc] : policies) {
      if (AllowsService(doc, ns.get<std::string>())) granting.push_back(PolicyJson(p));
    }
    entries.push_back({{"ServiceNamespace", ns}, {"Policies", std::move(granting)}});
  }
  return json{{"PoliciesGrantingServiceAccess", std::move(entries)}, {"IsTruncated", false}};
}

}  // namespace

void RegisterAccessAdvisorOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"GenerateServiceLastAccessedDetails", Generate},
      {"GetServiceLastAccessedDetails", GetDetails},
      {"GetServiceLastAccessedDetailsWithEntities", GetDetailsWithEntities},
      {"ListPoliciesGrantingServiceAccess", ListGranting},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
