// LookupEvents: a page of the caller's event history (and, for the management account of an
// organization that gave CloudTrail trusted access, its members'), newest first.
#include <algorithm>

#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/event_lookup.h"
#include "services/organizations/organization_common.h"

namespace gatehouse::services::cloudtrail {
namespace {

using nlohmann::json;

constexpr char kCloudTrailPrincipal[] = "cloudtrail.amazonaws.com";

// The accounts whose histories the caller reads: its own, and its organization's members' when
// it is the management account of an organization CloudTrail has trusted access to.
std::vector<std::string> HistoryAccounts(const store::Directory& dir, const std::string& caller) {
  std::vector<std::string> accounts{caller};
  std::optional<organizations::Membership> m = organizations::FindMembership(dir, caller);
  if (!m || !m->IsManagement()) return accounts;
  const std::string& org = m->organization->id;
  if (dir.Get<model::ServiceAccess>(org + "/" + kCloudTrailPrincipal) == nullptr) return accounts;
  for (const auto& member : dir.Scan<model::OrganizationAccount>(org + "/")) {
    if (member->account_id != caller) accounts.push_back(member->account_id);
  }
  return accounts;
}

// The newest `query.limit + 1` events of the accounts, merged newest first: one more than a page,
// to know whether another follows.
Result<std::vector<store::AuditRow>> LookupAcross(store::AuditLog& log, store::AuditQuery query,
                                                  const std::vector<std::string>& accounts) {
  const size_t wanted = static_cast<size_t>(query.limit) + 1;
  query.limit = static_cast<int>(wanted);
  std::vector<store::AuditRow> rows;
  for (const std::string& account : accounts) {
    query.account_id = account;
    Result<std::vector<store::AuditRow>> found = log.LookupAudit(query);
    if (!found.ok()) return found.status();
    rows.insert(rows.end(), std::make_move_iterator(found->begin()),
                std::make_move_iterator(found->end()));
  }
  std::sort(rows.begin(), rows.end(),
            [](const store::AuditRow& a, const store::AuditRow& b) { return a.seq > b.seq; });
  if (rows.size() > wanted) rows.resize(wanted);
  return rows;
}

Result<json> LookupEvents(iam::IamContext& iam, const OperationContext& c) {
  const std::string& caller = c.caller.account_id;
  Result<store::AuditQuery> query = ReadLookupQuery(c.input, caller);
  if (!query.ok()) return query.status();
  json out = {{"Events", json::array()}};
  // gatehouse keeps no CloudTrail Insights events.
  if (c.input.value("EventCategory", "") == "insight") return out;
  Result<std::vector<store::AuditRow>> rows =
      LookupAcross(iam.state.store(), *query, HistoryAccounts(iam.state.directory(), caller));
  if (!rows.ok()) return rows.status();
  const bool more = rows->size() > static_cast<size_t>(query->limit);
  if (more) rows->resize(static_cast<size_t>(query->limit));
  for (const store::AuditRow& row : *rows) out["Events"].push_back(LookupEventJson(row));
  if (more) out["NextToken"] = NextPageKey(*query, rows->back().seq);
  return out;
}

}  // namespace

void RegisterCloudTrailOperations(Dispatcher& d, iam::IamContext& iam,
                                  std::function<Status()> store_recorded) {
  d.Register("cloudtrail", "LookupEvents",
             [&iam, store_recorded = std::move(store_recorded)](const OperationContext& c) {
               if (store_recorded) {
                 // An event that could not be stored is logged by the recorder; the lookup
                 // reads what is there.
                 (void)store_recorded();
               }
               return LookupEvents(iam, c);
             });
}

}  // namespace gatehouse::services::cloudtrail
