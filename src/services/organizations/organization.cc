// organizations: CreateOrganization, DescribeOrganization, DeleteOrganization,
// EnableAllFeatures, EnableAWSServiceAccess, DisableAWSServiceAccess,
// ListAWSServiceAccessForOrganization.
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/pagination.h"
#include "services/iam/service_linked_roles.h"
#include "services/organizations/all_features.h"
#include "services/organizations/handshake_common.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"
#include "services/organizations/service_principals.h"
#include "services/organizations/transfer_common.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

constexpr const char* kOrganizationsService = "organizations.amazonaws.com";

Status AlreadyInOrganization() {
  return Status(ErrorCode::kAlreadyInOrganizationException,
                "The AWS account is already a member of an organization.");
}

// ConstraintViolationException while `org` takes part in a transfer of responsibility under
// way; otherwise the preconditions that none starts meanwhile (no invitation sent, none
// accepted: accepting also requires the organization as read).
Status NoTransferUnderWay(const store::Directory& dir, const model::Organization& org,
                          int64_t now_ms, store::WriteBatch& batch) {
  if (InTransfer(dir, org, now_ms)) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You cannot delete organization due to an ongoing responsibility transfer "
                  "process.",
                  "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS");
  }
  int64_t sent = 0;
  for (const auto& t : dir.Scan<model::ResponsibilityTransfer>("")) {
    if (t->target_organization_id == org.id) ++sent;
  }
  batch.preconditions.push_back(store::ExpectFewer<model::ResponsibilityTransfer>{
      "", sent + 1, "target_organization_id", org.id});
  if (auto source = dir.Get<model::ResponsibilityTransferSource>(org.id)) {
    batch.preconditions.push_back(store::Unchanged(*source));
  } else {
    batch.preconditions.push_back(store::Absent<model::ResponsibilityTransferSource>(org.id));
  }
  return Status::Ok();
}

// Every record of `org` but the handshakes: its OUs, policies, attachments, service accesses,
// account-creation requests, resource policy and memberships (the management account's: the
// others, and with them every delegated administrator, must be gone).
void EraseOrganizationWrites(const store::Directory& dir, const model::Organization& org,
                             store::WriteBatch& batch) {
  const std::string prefix = org.id + "/";
  // Everything erased is all there is, as read: nothing added meanwhile is left behind.
  std::vector<store::Precondition>& read = batch.preconditions;
  read.push_back(store::Unchanged(org));
  store::AppendSameRange(dir.Scan<model::OrganizationAccount>(prefix), prefix, read);
  store::AppendSameRange(dir.Scan<model::OrganizationalUnit>(prefix), prefix, read);
  store::AppendSameRange(dir.Scan<model::OrganizationPolicy>(prefix), prefix, read);
  store::AppendSameRange(dir.Scan<model::PolicyAttachment>(prefix), prefix, read);
  store::AppendSameRange(dir.Scan<model::ServiceAccess>(prefix), prefix, read);
  store::AppendSameRange(dir.Scan<model::AccountCreation>(prefix), prefix, read);
  auto resource_policy = dir.Get<model::OrganizationResourcePolicy>(org.id);
  read.push_back(resource_policy ? store::Unchanged(*resource_policy)
                                 : store::Absent<model::OrganizationResourcePolicy>(org.id));
  if (resource_policy) {
    batch.writes.push_back(store::Erase<model::OrganizationResourcePolicy>::Of(*resource_policy));
  }
  int64_t handshakes = 0;
  for (const auto& h : dir.Scan<model::Handshake>("")) {
    if (h->organization_id == org.id) ++handshakes;
  }
  read.push_back(
      store::ExpectFewer<model::Handshake>{"", handshakes + 1, "organization_id", org.id});
  for (const auto& m : dir.Scan<model::OrganizationAccount>(prefix)) LeaveWrites(*m, batch);
  for (const auto& ou : dir.Scan<model::OrganizationalUnit>(prefix)) {
    batch.writes.push_back(store::Erase<model::OrganizationalUnit>::Of(*ou));
  }
  for (const auto& p : dir.Scan<model::OrganizationPolicy>(prefix)) {
    batch.writes.push_back(store::Erase<model::OrganizationPolicy>::Of(*p));
  }
  for (const auto& a : dir.Scan<model::PolicyAttachment>(prefix)) {
    batch.writes.push_back(store::Erase<model::PolicyAttachment>::Of(*a));
  }
  for (const auto& s : dir.Scan<model::ServiceAccess>(prefix)) {
    batch.writes.push_back(store::Erase<model::ServiceAccess>::Of(*s));
  }
  for (const auto& r : dir.Scan<model::AccountCreation>(prefix)) {
    batch.writes.push_back(store::Erase<model::AccountCreation>::Of(*r));
  }
  for (const auto& h : dir.Scan<model::Handshake>("")) {
    if (h->organization_id == org.id) {
      batch.writes.push_back(store::Erase<model::Handshake>::Of(*h));
    }
  }
  batch.writes.push_back(store::Erase<model::Organization>::Of(org));
}

void RegisterOrganizationLifecycle(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "CreateOrganization", [&org](const OperationContext& c) -> Result<json> {
        iam::IamContext& iam = org.iam;
        const store::Directory& dir = iam.state.directory();
        if (FindMembership(dir, c.caller.account_id)) return AlreadyInOrganization();
        model::Organization created;
        do {
          created.id = NewOrganizationId(iam.random);
        } while (dir.Get<model::Organization>(created.id) != nullptr);
        created.management_account_id = c.caller.account_id;
        created.feature_set = c.input.value("FeatureSet", model::kFeatureSetAll);
        created.root_id = NewRootId(iam.random);
        created.created_ms = iam.now_ms();
        model::OrganizationAccount management{created.id,
                                              c.caller.account_id,
                                              created.root_id,
                                              model::kJoinedCreated,
                                              created.created_ms,
                                              model::kAccountActive,
                                              {}};
        store::WriteBatch batch;
        batch.writes.push_back(store::Put<model::Organization>{created, /*create=*/true});
        JoinWrites(management, batch);
        // AWS attaches its FullAWSAccess SCP to the root (and to every OU and account made later),
        // so that enabling SCPs changes nothing until someone attaches a narrower one.
        AttachAwsManagedPolicies(created, created.root_id, batch);
        Status s = iam.state.Commit(batch);
        if (s.code() == ErrorCode::kEntityAlreadyExists) return AlreadyInOrganization();
        if (!s.ok()) return s;
        if (created.feature_set == model::kFeatureSetAll) {
          const iam::ServiceLinkedRoleSpec* spec =
              iam::FindServiceLinkedRole(kOrganizationsService);
          std::string role_key = model::RecordKey({c.caller.account_id, spec->role_name});
          if (dir.Get<model::Role>(role_key) == nullptr) {
            // Made already by someone else in between: the role existing is all that matters.
            (void)iam::CreateServiceLinkedRoleFor(iam, c.caller.account_id, kOrganizationsService);
          }
        }
        return json{{"Organization", OrganizationJson(dir, created)}};
      });

  d.Register("organizations", "DescribeOrganization",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = CallerMembership(dir, c);
               if (!m.ok()) return m.status();
               return json{{"Organization", OrganizationJson(dir, *m->organization)}};
             });

  d.Register(
      "organizations", "DeleteOrganization", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        if (dir.Scan<model::OrganizationAccount>(o.id + "/", "", 2).size() > 1) {
          return Status(ErrorCode::kOrganizationNotEmptyException,
                        "To delete an organization you must first remove all member accounts "
                        "(except the master).");
        }
        store::WriteBatch batch;
        RETURN_IF_ERROR(NoTransferUnderWay(dir, o, org.iam.now_ms(), batch));
        EraseOrganizationWrites(dir, o, batch);
        if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
        return json::object();
      });

  d.Register("organizations", "EnableAllFeatures",
             [&org](const OperationContext& c) { return EnableAllFeatures(org, c); });
}

void RegisterServiceAccess(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "EnableAWSServiceAccess", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        Result<std::string> principal = ReadServicePrincipal(c);
        if (!principal.ok()) return principal.status();
        if (m->organization->feature_set != model::kFeatureSetAll) {
          return Status(ErrorCode::kConstraintViolationException,
                        "This operation requires the organization to have all features enabled.",
                        "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
        }
        model::ServiceAccess access{m->organization->id, *principal, org.iam.now_ms()};
        if (dir.Get<model::ServiceAccess>(access.Key()) != nullptr) return json::object();
        Status s = org.iam.state.Commit({{store::Put<model::ServiceAccess>{access, true}}});
        if (!s.ok() && s.code() != ErrorCode::kEntityAlreadyExists) return s;
        return json::object();
      });

  d.Register(
      "organizations", "DisableAWSServiceAccess",
      [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        Result<std::string> principal = ReadServicePrincipal(c);
        if (!principal.ok()) return principal.status();
        std::string key = m->organization->id + "/" + *principal;
        if (dir.Get<model::ServiceAccess>(key) == nullptr) return json::object();
        store::WriteBatch batch{{store::Erase<model::ServiceAccess>{key}}};
        // Without IAM's trusted access, centralized root access is off.
        if (*principal == "iam.amazonaws.com" && !m->organization->root_access_features.empty()) {
          model::Organization updated = *m->organization;
          updated.root_access_features.clear();
          batch.preconditions.push_back(store::Unchanged(*m->organization));
          batch.writes.push_back(store::Put<model::Organization>{updated});
        }
        if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
        return json::object();
      });

  d.Register("organizations", "ListAWSServiceAccessForOrganization",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               json out;
               json principals = json::array();
               for (const auto& s : iam::ScanPage<model::ServiceAccess>(
                        dir, m->organization->id + "/", iam::ReadOrganizationsPage(c.input),
                        [](const model::ServiceAccess&) { return true; }, out)) {
                 principals.push_back({{"ServicePrincipal", s->service_principal},
                                       {"DateEnabled", FormatIsoTime(s->enabled_ms)}});
               }
               out["EnabledServicePrincipals"] = std::move(principals);
               return out;
             });
}

}  // namespace

void RegisterOrganizationOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterOrganizationLifecycle(d, org);
  RegisterServiceAccess(d, org);
}

}  // namespace gatehouse::services::organizations
