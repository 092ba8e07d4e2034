// organizations: RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator,
// ListDelegatedAdministrators, ListDelegatedServicesForAccount. A member account registered for
// a service may call Organizations' read operations (organizations/delegation.h); its
// registrations leave with it when it leaves the organization.
#include <map>

#include "core/time_format.h"
#include "services/iam/pagination.h"
#include "services/organizations/delegation.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organizations_context.h"
#include "services/organizations/service_principals.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

Status NotRegistered() {
  return Status(ErrorCode::kAccountNotRegisteredException,
                "The provided account is not a registered delegated administrator for your "
                "organization.");
}

Status RequiresAllFeatures(const model::Organization& org) {
  if (org.feature_set == model::kFeatureSetAll) return Status::Ok();
  return Status(ErrorCode::kConstraintViolationException,
                "This operation requires the organization to have all features enabled.",
                "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
}

// The management account's membership, the member the input's AccountId names and the input
// ServicePrincipal: what Register and Deregister decide on.
struct Registration {
  Membership membership;
  std::shared_ptr<const model::OrganizationAccount> member;
  std::string service;

  std::string Key() const {
    return model::DelegatedAdministrator{member->organization_id, member->account_id, service, 0}
        .Key();
  }
};

Result<Registration> ReadRegistration(const store::Directory& dir, const OperationContext& c) {
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  ASSIGN_OR_RETURN(auto member, FindAccount(dir, *m.organization, c.input.at("AccountId")));
  ASSIGN_OR_RETURN(std::string service, ReadServicePrincipal(c));
  return Registration{std::move(m), std::move(member), std::move(service)};
}

Result<json> Register(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Registration r, ReadRegistration(dir, c));
  const model::Organization& o = *r.membership.organization;
  RETURN_IF_ERROR(RequiresAllFeatures(o));
  if (r.member->account_id == o.management_account_id) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You cannot register the management account of the organization as a "
                  "delegated administrator for an AWS service integrated with Organizations. You "
                  "can designate only a member account as a delegated administrator.",
                  "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
  }
  if (r.member->status == model::kAccountSuspended) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You cannot register a suspended account as a delegated administrator.",
                  "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR");
  }
  Status already(ErrorCode::kAccountAlreadyRegisteredException,
                 "The provided account is already a delegated administrator for your "
                 "organization.");
  if (dir.Get<model::DelegatedAdministrator>(r.Key()) != nullptr) return already;
  model::DelegatedAdministrator admin{o.id, r.member->account_id, r.service, org.iam.now_ms()};
  // Only a member that is still one is registered: its removal erases what it holds.
  Status s = org.iam.state.Commit(
      {.writes = {store::Put<model::DelegatedAdministrator>{admin, /*create=*/true}},
       .preconditions = {store::Unchanged(*r.member)}});
  if (s.code() == ErrorCode::kEntityAlreadyExists) return already;
  RETURN_IF_ERROR(s);
  return json::object();
}

Result<json> Deregister(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Registration r, ReadRegistration(dir, c));
  auto admin = dir.Get<model::DelegatedAdministrator>(r.Key());
  if (admin == nullptr) return NotRegistered();
  RETURN_IF_ERROR(
      org.iam.state.Commit({.writes = {store::Erase<model::DelegatedAdministrator>::Of(*admin)},
                            .preconditions = {store::Unchanged(*admin)}}));
  return json::object();
}

// Each delegated administrator once (with its earliest delegation), optionally only those of
// one service, in account order.
Result<json> ListAdministrators(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  const model::Organization& o = *m.organization;
  const std::string service = c.input.value("ServicePrincipal", "");
  std::map<std::string, int64_t> earliest;  // account → DelegationEnabledDate
  for (const auto& admin : dir.Scan<model::DelegatedAdministrator>(o.id + "/")) {
    if (!service.empty() && admin->service_principal != service) continue;
    auto [it, added] = earliest.emplace(admin->account_id, admin->enabled_ms);
    if (!added) it->second = std::min(it->second, admin->enabled_ms);
  }
  std::vector<std::pair<std::string, int64_t>> accounts(earliest.begin(), earliest.end());
  json out;
  json list = json::array();
  for (const auto& [account, enabled_ms] : iam::SlicePage(
           accounts, iam::ReadOrganizationsPage(c.input),
           [](const auto& entry) { return entry.first; }, out)) {
    auto member = FindMember(dir, o, account);
    if (member == nullptr) continue;
    json entry = AccountJson(dir, o, *member);
    entry["DelegationEnabledDate"] = FormatIsoTime(enabled_ms);
    list.push_back(std::move(entry));
  }
  out["DelegatedAdministrators"] = std::move(list);
  return out;
}

Result<json> ListServices(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  const model::Organization& o = *m.organization;
  ASSIGN_OR_RETURN(auto member, FindAccount(dir, o, c.input.at("AccountId")));
  if (!IsDelegatedAdministrator(dir, o, member->account_id)) return NotRegistered();
  json out;
  json list = json::array();
  for (const auto& admin : iam::ScanPage<model::DelegatedAdministrator>(
           dir, o.id + "/" + member->account_id + "/", iam::ReadOrganizationsPage(c.input),
           [](const model::DelegatedAdministrator&) { return true; }, out)) {
    list.push_back({{"ServicePrincipal", admin->service_principal},
                    {"DelegationEnabledDate", FormatIsoTime(admin->enabled_ms)}});
  }
  out["DelegatedServices"] = std::move(list);
  return out;
}

}  // namespace

void RegisterDelegatedAdministratorOperations(Dispatcher& d, OrganizationsContext& org) {
  static constexpr std::pair<const char*, OrganizationsHandler> kHandlers[] = {
      {"RegisterDelegatedAdministrator", Register},
      {"DeregisterDelegatedAdministrator", Deregister},
      {"ListDelegatedAdministrators", ListAdministrators},
      {"ListDelegatedServicesForAccount", ListServices},
  };
  RegisterHandlers(d, org, kHandlers);
}

}  // namespace gatehouse::services::organizations
