// How a CreateAccount request ends: the work AccountCreationQueue does in the background. A
// request SUCCEEDS with a new account — its root user, the IAM role the request names (trusted by
// the management account, AdministratorAccess attached), its membership of the organization
// under the root, and FullAWSAccess attached when the organization has all features — written
// with the request's outcome in one batch; or it FAILS with AWS's FailureReason
// (EMAIL_ALREADY_EXISTS, INVALID_EMAIL, ACCOUNT_LIMIT_EXCEEDED, INTERNAL_FAILURE), the request
// alone being written. Several requests are committed together when they can be (one durable
// write for all); when that batch is refused, each is committed on its own. Thread-safe as
// State::Commit is, but meant to be called from one thread: two callers completing the same
// request would both try to create its account.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/organization_entities.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {

inline constexpr const char* kOrganizationAccountAccessRole = "OrganizationAccountAccessRole";

// Completes the requests of `keys` (AccountCreation keys) still IN_PROGRESS; the others are
// skipped. Returns how many it completed.
size_t CompleteAccountCreations(OrganizationsContext& org, const std::vector<std::string>& keys);

// The CreateAccountStatus shape.
nlohmann::json CreateAccountStatusJson(const model::AccountCreation& request);

// The trust policy of the role a created account gets: the management account's principals
// may assume it (their own IAM policies deciding which of them can).
std::string AccountAccessTrustPolicy(const std::string& management_account_id);

}  // namespace gatehouse::services::organizations
