#include "services/organizations/account_creation.h"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>
#include <set>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "model/iam_entities.h"
#include "services/accounts/new_account.h"
#include "services/iam/root_access.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {
namespace {

constexpr const char* kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
constexpr int kMaxPlanAttempts = 8;

// One request's outcome and, when it succeeded, the writes that make its account.
struct Plan {
  model::AccountCreation outcome;
  store::WriteBatch writes;  // the outcome's own Put included
};

Plan Failed(const model::AccountCreation& request, const char* reason, int64_t now_ms) {
  Plan plan{request, {}};
  plan.outcome.state = model::kCreateFailed;
  plan.outcome.failure_reason = reason;
  plan.outcome.completed_ms = now_ms;
  plan.writes.writes.push_back(store::Put<model::AccountCreation>{plan.outcome});
  return plan;
}

// `members_added`: accounts the same group will already have added to the organization;
// `emails_taken`: lowercased emails those accounts take.
Plan PlanCreation(OrganizationsContext& org, const model::AccountCreation& request,
                  size_t members_added, const std::set<std::string>& emails_taken) {
  iam::IamContext& iam = org.iam;
  const store::Directory& dir = iam.state.directory();
  const int64_t now = iam.now_ms();
  auto organization = dir.Get<model::Organization>(request.organization_id);
  if (organization == nullptr) return Failed(request, "INTERNAL_FAILURE", now);
  const model::Organization& o = *organization;
  const size_t limit = org.options.max_accounts;
  if (dir.Scan<model::OrganizationAccount>(o.id + "/", "", limit).size() + members_added >= limit) {
    return Failed(request, "ACCOUNT_LIMIT_EXCEEDED", now);
  }
  if (!accounts::ValidateAccountEmail(request.email).ok()) {
    return Failed(request, "INVALID_EMAIL", now);
  }
  if (emails_taken.count(AsciiLower(request.email)) > 0) {
    return Failed(request, "EMAIL_ALREADY_EXISTS", now);
  }
  Plan plan{request, {}};
  // The quota holds in the store too, whoever else adds a member meanwhile (an accepted
  // invitation); and the request is still the one read.
  plan.writes.preconditions.push_back(store::Unchanged(request));
  plan.writes.preconditions.push_back(store::ExpectFewer<model::OrganizationAccount>{
      o.id + "/", static_cast<int64_t>(limit - members_added), {}, {}});
  // Whether the root user gets credentials rests on the organization's centralized root access.
  plan.writes.preconditions.push_back(store::Unchanged(o));
  Result<std::string> account_id = accounts::AddNewAccountWrites(
      dir,
      {request.account_name, request.email, "", accounts::kAccountOriginOrganization,
       iam::HasRootAccessFeature(o, iam::kRootCredentialsManagement)},
      iam.random, now, plan.writes);
  if (!account_id.ok()) {
    if (account_id.status().code() == ErrorCode::kEntityAlreadyExists) {
      return Failed(request, "EMAIL_ALREADY_EXISTS", now);
    }
    if (account_id.status().code() == ErrorCode::kValidationError) {
      return Failed(request, "INVALID_EMAIL", now);
    }
    spdlog::warn("CreateAccount {}: {}", request.id, account_id.status().message());
    return Failed(request, "INTERNAL_FAILURE", now);
  }
  model::Role role{
      *account_id, request.role_name.empty() ? kOrganizationAccountAccessRole : request.role_name,
      "/",         NewUniqueId(iam.random, IdKind::kRole),
      now,         AccountAccessTrustPolicy(o.management_account_id),
      "",          3600,
      "",          {}};
  plan.writes.writes.push_back(store::Put<model::Role>{role, /*create=*/true});
  plan.writes.writes.push_back(
      store::Put<model::RoleAttachment>{{role.account_id, role.name, kAdministratorAccess}});
  JoinWrites({o.id, *account_id, o.root_id, model::kJoinedCreated, now, model::kAccountActive,
              request.tags},
             plan.writes);
  AttachAwsManagedPolicies(o, *account_id, plan.writes);
  plan.outcome.state = model::kCreateSucceeded;
  plan.outcome.account_id = *account_id;
  plan.outcome.completed_ms = now;
  plan.writes.writes.push_back(store::Put<model::AccountCreation>{plan.outcome});
  return plan;
}

// Commits one request's plan; a refused account (its email taken by a writer in between)
// becomes a failed request.
void CommitAlone(OrganizationsContext& org, const model::AccountCreation& request) {
  Status s;
  // A conflict means another writer changed what the plan rests on: plan again on what is.
  for (int attempt = 0; attempt < kMaxPlanAttempts; ++attempt) {
    Plan plan = PlanCreation(org, request, 0, {});
    s = org.iam.state.Commit(plan.writes);
    if (s.code() != ErrorCode::kStoreConflict) break;
  }
  if (s.ok()) return;
  const char* reason = "INTERNAL_FAILURE";
  if (s.code() == ErrorCode::kEntityAlreadyExists &&
      org.iam.state.directory().FindAccountByEmail(request.email) != nullptr) {
    reason = "EMAIL_ALREADY_EXISTS";
  } else {
    spdlog::warn("CreateAccount {}: {}", request.id, s.message());
  }
  Plan failed = Failed(request, reason, org.iam.now_ms());
  if (Status f = org.iam.state.Commit(failed.writes); !f.ok()) {
    // Left IN_PROGRESS: the next start tries it again.
    spdlog::warn("CreateAccount {}: {}", request.id, f.message());
  }
}

}  // namespace

std::string AccountAccessTrustPolicy(const std::string& management_account_id) {
  // Written out rather than built with nlohmann::json, which would sort the keys: GetRole shows
  // the document in the order AWS writes it.
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
         R"("Principal":{"AWS":"arn:aws:iam::)" +
         management_account_id + R"(:root"},"Action":"sts:AssumeRole"}]})";
}

size_t CompleteAccountCreations(OrganizationsContext& org, const std::vector<std::string>& keys) {
  const store::Directory& dir = org.iam.state.directory();
  std::vector<model::AccountCreation> requests;
  std::map<std::string, size_t> added;  // organization → accounts this group adds
  std::set<std::string> emails;
  store::WriteBatch group;
  for (const std::string& key : keys) {
    auto request = dir.Get<model::AccountCreation>(key);
    if (request == nullptr || request->state != model::kCreateInProgress) continue;
    Plan plan = PlanCreation(org, *request, added[request->organization_id], emails);
    if (plan.outcome.state == model::kCreateSucceeded) {
      ++added[request->organization_id];
      emails.insert(AsciiLower(request->email));
    }
    for (auto& w : plan.writes.writes) group.writes.push_back(std::move(w));
    for (auto& p : plan.writes.preconditions) group.preconditions.push_back(std::move(p));
    requests.push_back(*request);
  }
  if (requests.empty()) return 0;
  if (org.iam.state.Commit(group).ok()) return requests.size();
  for (const model::AccountCreation& request : requests) CommitAlone(org, request);
  return requests.size();
}

nlohmann::json CreateAccountStatusJson(const model::AccountCreation& request) {
  nlohmann::json out = {{"Id", request.id},
                        {"AccountName", request.account_name},
                        {"State", request.state},
                        {"RequestedTimestamp", FormatIsoTime(request.requested_ms)}};
  if (request.completed_ms != 0) out["CompletedTimestamp"] = FormatIsoTime(request.completed_ms);
  if (!request.account_id.empty()) out["AccountId"] = request.account_id;
  if (!request.failure_reason.empty()) out["FailureReason"] = request.failure_reason;
  return out;
}

}  // namespace gatehouse::services::organizations
