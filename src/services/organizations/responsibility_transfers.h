// Transfers of responsibility between organizations (responsibility_transfers.cc): what
// answering a transfer's invitation writes, for the handshake operations (handshakes.cc).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "model/organization_entities.h"
#include "services/organizations/organizations_context.h"
#include "store/store.h"

namespace gatehouse::services::organizations {

// The writes that move the transfer whose invitation is `handshake` along with it to `wanted`
// (ACCEPTED, DECLINED or CANCELED), answered by `caller_account`. Accepting makes the caller's
// organization the transfer's source, which only its management account may do, once, and not
// for an organization that would end up paying for itself.
Status TransferAnswerWrites(OrganizationsContext& org, const std::string& caller_account,
                            const model::Handshake& handshake, std::string_view wanted,
                            store::WriteBatch& batch);

}  // namespace gatehouse::services::organizations
