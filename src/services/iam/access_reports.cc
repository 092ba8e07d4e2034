#include "services/iam/access_reports.h"

#include <algorithm>

#include "core/time_format.h"
#include "services/aws_services.h"
#include "services/iam/service_grants.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The latest attempt among `principals` on the item `pick` finds in each activity, and how many
// principals made one; attempts before `since` do not count.
struct Latest {
  const model::AccessMark* mark = nullptr;
  const AccessSubject* who = nullptr;
  int count = 0;
};

template <typename Pick>
Latest LatestOf(const std::vector<PrincipalUsage>& principals, int64_t since, Pick pick) {
  Latest out;
  for (const PrincipalUsage& p : principals) {
    const model::AccessMark* mark = pick(p.activity);
    if (mark == nullptr || mark->ms < since) continue;
    ++out.count;
    if (out.mark == nullptr || mark->ms > out.mark->ms) {
      out.mark = mark;
      out.who = &p.principal;
    }
  }
  return out;
}

const model::AccessMark* Find(const std::map<std::string, model::AccessMark>& marks,
                              const std::string& name) {
  auto it = marks.find(name);
  return it == marks.end() ? nullptr : &it->second;
}

json TrackedActions(const ServiceReportInput& in, const std::string& ns, int64_t since) {
  json out = json::array();
  for (const std::string& action : in.tracked_actions(ns)) {
    bool granted = std::any_of(in.policies.begin(), in.policies.end(),
                               [&](const policy::Document& d) { return AllowsAction(d, action); });
    if (!granted) continue;
    Latest latest = LatestOf(in.principals, since, [&](const model::PrincipalActivity& a) {
      return Find(a.actions, action);
    });
    json entry = {{"ActionName", action.substr(action.find(':') + 1)}};
    if (latest.mark != nullptr) {
      entry["LastAccessedEntity"] = latest.who->arn;
      entry["LastAccessedTime"] = FormatIsoTime(latest.mark->ms);
      entry["LastAccessedRegion"] = latest.mark->region;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

json ServiceEntry(const ServiceReportInput& in, const std::string& ns, int64_t since) {
  const AwsService* service = FindAwsService(ns);
  json entry = {{"ServiceName", service != nullptr ? service->name : ns}, {"ServiceNamespace", ns}};
  Latest latest = LatestOf(in.principals, since,
                           [&](const model::PrincipalActivity& a) { return Find(a.services, ns); });
  if (latest.mark != nullptr) {
    entry["LastAuthenticated"] = FormatIsoTime(latest.mark->ms);
    entry["LastAuthenticatedEntity"] = latest.who->arn;
    entry["LastAuthenticatedRegion"] = latest.mark->region;
  }
  entry["TotalAuthenticatedEntities"] = latest.count;
  if (in.action_level && in.tracked_actions) {
    json actions = TrackedActions(in, ns, since);
    if (!actions.empty()) entry["TrackedActionsLastAccessed"] = std::move(actions);
  }
  return entry;
}

json EntityInfo(const AccessSubject& s) {
  return {{"Arn", s.arn},
          {"Name", s.name},
          {"Type", s.kind == AccessSubject::Kind::kRole ? "ROLE" : "USER"},
          {"Id", s.id},
          {"Path", s.path}};
}

}  // namespace

json ServiceReportContents(const ServiceReportInput& in) {
  const int64_t since = in.now_ms - kTrackingPeriodMs;
  json services = json::array();
  for (const std::string& ns : in.services) services.push_back(ServiceEntry(in, ns, since));
  json principals = json::array();
  for (const PrincipalUsage& p : in.principals) {
    json used = json::object();
    for (const auto& [ns, mark] : p.activity.services) {
      if (mark.ms >= since) used[ns] = FormatIsoTime(mark.ms);
    }
    principals.push_back({{"EntityInfo", EntityInfo(p.principal)}, {"Services", std::move(used)}});
  }
  return {{"ServicesLastAccessed", std::move(services)}, {"Principals", std::move(principals)}};
}

json EntityDetails(const json& contents, std::string_view ns) {
  std::vector<json> used;
  std::vector<json> unused;
  const std::string key(ns);
  for (const json& p : contents.value("Principals", json::array())) {
    json entry = {{"EntityInfo", p.at("EntityInfo")}};
    const json& services = p.at("Services");
    if (auto it = services.find(key); it != services.end()) {
      entry["LastAuthenticated"] = *it;
      used.push_back(std::move(entry));
    } else {
      unused.push_back(std::move(entry));
    }
  }
  // ISO 8601 UTC times sort as text.
  std::stable_sort(used.begin(), used.end(), [](const json& a, const json& b) {
    return a.at("LastAuthenticated").get<std::string>() >
           b.at("LastAuthenticated").get<std::string>();
  });
  json out = json::array();
  for (json& e : used) out.push_back(std::move(e));
  for (json& e : unused) out.push_back(std::move(e));
  return out;
}

namespace {

json AccessDetail(const OrganizationsReportInput& in, const std::string& ns, int64_t since) {
  const AwsService* service = FindAwsService(ns);
  json entry = {{"ServiceName", service != nullptr ? service->name : ns}, {"ServiceNamespace", ns}};
  const model::AccessMark* latest = nullptr;
  const std::string* path = nullptr;
  int accounts = 0;
  for (const AccountUsage& account : in.accounts) {
    bool attempted = false;
    for (const model::PrincipalActivity& a : account.activity) {
      const model::AccessMark* mark = Find(a.services, ns);
      if (mark == nullptr || mark->ms < since) continue;
      attempted = true;
      if (latest == nullptr || mark->ms > latest->ms) {
        latest = mark;
        path = &account.entity_path;
      }
    }
    accounts += attempted ? 1 : 0;
  }
  if (latest != nullptr) {
    entry["Region"] = latest->region;
    entry["EntityPath"] = *path;
    entry["LastAuthenticatedTime"] = FormatIsoTime(latest->ms);
  }
  entry["TotalAuthenticatedEntities"] = accounts;
  return entry;
}

}  // namespace

json OrganizationsReportContents(const OrganizationsReportInput& in) {
  const int64_t since = in.now_ms - kTrackingPeriodMs;
  json details = json::array();
  int not_accessed = 0;
  for (const std::string& ns : in.services) {
    json entry = AccessDetail(in, ns, since);
    not_accessed += entry.contains("LastAuthenticatedTime") ? 0 : 1;
    details.push_back(std::move(entry));
  }
  return {{"AccessDetails", std::move(details)},
          {"NumberOfServicesAccessible", in.services.size()},
          {"NumberOfServicesNotAccessed", not_accessed}};
}

std::vector<json> SortedAccessDetails(const json& contents, std::string_view sort_key) {
  std::vector<json> details = contents.at("AccessDetails");
  auto ns = [](const json& d) { return d.at("ServiceNamespace").get<std::string>(); };
  auto time = [](const json& d) { return d.value("LastAuthenticatedTime", ""); };
  if (sort_key == "SERVICE_NAMESPACE_DESCENDING") {
    std::reverse(details.begin(), details.end());
  } else if (sort_key == "LAST_AUTHENTICATED_TIME_ASCENDING" ||
             sort_key == "LAST_AUTHENTICATED_TIME_DESCENDING") {
    const bool ascending = sort_key == "LAST_AUTHENTICATED_TIME_ASCENDING";
    std::stable_sort(details.begin(), details.end(), [&](const json& a, const json& b) {
      const std::string ta = time(a), tb = time(b);
      if (ta.empty() != tb.empty()) return tb.empty();  // the attempted ones first
      if (ta != tb) return ascending ? ta < tb : ta > tb;
      return ns(a) < ns(b);
    });
  }
  return details;
}

}  // namespace gatehouse::services::iam
