// The contents of a service last accessed report (GenerateServiceLastAccessedDetails), made
// once when the report is generated and kept with it (model::AccessReport), so that every page
// read afterwards shows the same snapshot: for each service the subject's policies grant, the
// latest attempt of the users and roles the report counts, and, for an ACTION_LEVEL report, of
// each tracked action; and for each of those users and roles, its latest attempt on each
// service (GetServiceLastAccessedDetailsWithEntities). Attempts older than IAM's tracking period
// (400 days) are not shown. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/access_activity_entities.h"
#include "policy/document.h"
#include "services/iam/access_subjects.h"

namespace gatehouse::services::iam {

inline constexpr int64_t kTrackingPeriodMs = 400LL * 24 * 3600 * 1000;

struct PrincipalUsage {
  AccessSubject principal;  // a user or a role
  model::PrincipalActivity activity;
};

struct ServiceReportInput {
  std::vector<std::string> services;       // the granted namespaces, sorted
  std::vector<policy::Document> policies;  // the subject's permissions policies
  std::vector<PrincipalUsage> principals;  // ReportedPrincipals, with their activity
  int64_t now_ms = 0;
  bool action_level = false;
  // The actions tracked for a namespace ("iam:CreateUser", …); none for most services.
  std::function<std::vector<std::string>(std::string_view ns)> tracked_actions;
};

// {"ServicesLastAccessed": [ServiceLastAccessed…], "Principals": [{"EntityInfo": …,
// "Services": {namespace: ISO time}}…]}.
nlohmann::json ServiceReportContents(const ServiceReportInput& in);

// The EntityDetailsList of `contents` for namespace `ns`: every principal the report counts,
// those that attempted the service first, latest first, then the others in the report's order
// (users, then roles, by name).
nlohmann::json EntityDetails(const nlohmann::json& contents, std::string_view ns);

// An Organizations access report (GenerateOrganizationsAccessReport): for each service the
// SCPs allow, the latest attempt of any principal (root user, user or role) of the accounts the
// report covers, and how many of those accounts made one.
struct AccountUsage {
  std::string entity_path;  // o-…/r-…/ou-…/ACCOUNT
  std::vector<model::PrincipalActivity> activity;
};

struct OrganizationsReportInput {
  std::vector<std::string> services;  // the allowed namespaces, sorted
  std::vector<AccountUsage> accounts;
  int64_t now_ms = 0;
};

// {"AccessDetails": [AccessDetail…] by namespace, "NumberOfServicesAccessible": N,
//  "NumberOfServicesNotAccessed": M}.
nlohmann::json OrganizationsReportContents(const OrganizationsReportInput& in);

// The AccessDetails of `contents` in the order SortKey names (SERVICE_NAMESPACE_ASCENDING when
// empty); services never attempted sort after the attempted ones by time, by namespace.
std::vector<nlohmann::json> SortedAccessDetails(const nlohmann::json& contents,
                                                std::string_view sort_key);

}  // namespace gatehouse::services::iam
