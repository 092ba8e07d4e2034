// What transfers of responsibility between organizations share between their handlers, the
// handshakes that carry their invitations, DeleteOrganization and authorization: the status a
// transfer reads as at a given time, whether it still binds its organizations, which side of it
// an organization is, and its ARN and JSON as that side sees them. Pure functions of the
// directory; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/organization_entities.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

// The handshake action of a transfer's invitation.
inline constexpr char kTransferResponsibility[] = "TRANSFER_RESPONSIBILITY";

// `transfer`'s status at `now_ms`: a requested one past its invitation's expiry is EXPIRED.
std::string EffectiveStatus(const model::ResponsibilityTransfer& transfer, int64_t now_ms);

// Whether `transfer` holds its source organization at `now_ms`: accepted, or withdrawn and
// not ended yet. An organization is the source of one such transfer at most.
bool Binds(const model::ResponsibilityTransfer& transfer, int64_t now_ms);

// Whether `transfer` counts against its target organization's inbound quota at `now_ms`: it
// binds, or its invitation is still open.
bool CountsInbound(const model::ResponsibilityTransfer& transfer, int64_t now_ms);

// Which side of a transfer an organization is: the target (inbound: it takes the
// responsibility), the source (outbound: the invitation is to its management account), or
// neither, to which the transfer does not exist.
enum class TransferSide { kNone, kInbound, kOutbound };
TransferSide SideOf(const store::Directory& directory,
                    const model::ResponsibilityTransfer& transfer, const model::Organization& org);

// arn:aws:organizations::MANAGEMENT:transfer/o-…/billing/inbound|outbound/rt-…, as `org` sees
// the transfer from `side`.
std::string TransferArn(const model::Organization& org, TransferSide side, std::string_view id);

// The ResponsibilityTransfer shape as `org`, on `side`, sees it at `now_ms`. The source's email
// is shown to the target only once the source has accepted, or when the invitation was sent to
// that email: inviting an account by id does not reveal its owner's address.
nlohmann::json TransferJson(const store::Directory& directory,
                            const model::ResponsibilityTransfer& transfer,
                            const model::Organization& org, TransferSide side, int64_t now_ms);

// Whether `org` takes part in a transfer under way at `now_ms`: an open invitation it sent or
// that was sent to its management account, or a transfer that binds it on either side.
bool InTransfer(const store::Directory& directory, const model::Organization& org, int64_t now_ms);

// ResponsibilityTransferNotFoundException.
Status TransferNotFound();

}  // namespace gatehouse::services::organizations
