// What the Organizations handlers share: the IAM context (state, AWS-managed policy catalog,
// randomness, master key, clock — member accounts get IAM roles and root users), the
// organization's quotas, and the queue that completes CreateAccount requests in the background.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>

#include "services/dispatcher.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::organizations {

class AccountCreationQueue;

struct OrganizationsOptions {
  // Accounts an organization may hold, the management account included. AWS's default quota
  // is 10; a self-hosted server needs room.
  size_t max_accounts = 1000;
  // How long an invitation stays open.
  int64_t handshake_lifetime_ms = 15LL * 24 * 3600 * 1000;
  // Transfers of responsibility an organization may take at once (its invitations that are
  // open count). AWS's default quota is 0, raised on request.
  size_t max_inbound_transfers = 0;
};

struct OrganizationsContext {
  iam::IamContext& iam;
  OrganizationsOptions options;
  AccountCreationQueue* creations = nullptr;  // set when the server runs one
};

// Registering a family of operations from a table of (operation, named handler) pairs.
using OrganizationsHandler = Result<nlohmann::json> (*)(OrganizationsContext&,
                                                        const OperationContext&);
inline void RegisterHandlers(
    Dispatcher& d, OrganizationsContext& org,
    std::span<const std::pair<const char*, OrganizationsHandler>> handlers) {
  for (const auto& entry : handlers) {
    OrganizationsHandler handler = entry.second;  // a copy: lambdas cannot capture bindings
    d.Register("organizations", entry.first,
               [&org, handler](const OperationContext& c) { return handler(org, c); });
  }
}

// Registers every Organizations operation.
void RegisterOrganizationsOperations(Dispatcher& dispatcher, OrganizationsContext& org);

// Groups of operations, one file each.
void RegisterOrganizationOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterOrganizationalUnitOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterAccountOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterHandshakeOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterPolicyOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterDelegatedAdministratorOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterResourcePolicyOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterEffectivePolicyOperations(Dispatcher& dispatcher, OrganizationsContext& org);
void RegisterResponsibilityTransferOperations(Dispatcher& dispatcher, OrganizationsContext& org);

}  // namespace gatehouse::services::organizations
