#include "services/organizations/transfer_common.h"

#include "core/strings.h"
#include "services/organizations/handshake_common.h"

namespace gatehouse::services::organizations {

using nlohmann::json;

std::string EffectiveStatus(const model::ResponsibilityTransfer& transfer, int64_t now_ms) {
  if (transfer.status == model::kTransferRequested && now_ms >= transfer.expires_ms) {
    return model::kTransferExpired;
  }
  return transfer.status;
}

bool Binds(const model::ResponsibilityTransfer& transfer, int64_t now_ms) {
  if (transfer.status == model::kTransferAccepted) return true;
  return transfer.status == model::kTransferWithdrawn && now_ms <= transfer.end_ms;
}

bool CountsInbound(const model::ResponsibilityTransfer& transfer, int64_t now_ms) {
  return Binds(transfer, now_ms) || EffectiveStatus(transfer, now_ms) == model::kTransferRequested;
}

TransferSide SideOf(const store::Directory& directory,
                    const model::ResponsibilityTransfer& transfer, const model::Organization& org) {
  if (transfer.target_organization_id == org.id) return TransferSide::kInbound;
  if (!transfer.source_organization_id.empty()) {
    return transfer.source_organization_id == org.id ? TransferSide::kOutbound
                                                     : TransferSide::kNone;
  }
  // Not accepted: the invitation concerns whoever it was sent to, by id or by email.
  const std::string& management = org.management_account_id;
  if (!transfer.source_account_id.empty()) {
    return transfer.source_account_id == management ? TransferSide::kOutbound : TransferSide::kNone;
  }
  const std::string email = AccountEmail(directory, management);
  return !email.empty() && EqualsIgnoreCase(email, transfer.source_email) ? TransferSide::kOutbound
                                                                          : TransferSide::kNone;
}

std::string TransferArn(const model::Organization& org, TransferSide side, std::string_view id) {
  return org.ArnPrefix() + "transfer/" + org.id + "/billing/" +
         (side == TransferSide::kOutbound ? "outbound/" : "inbound/") + std::string(id);
}

namespace {

json Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

json Participant(std::string_view account, std::string_view email) {
  json out = json::object();
  if (!account.empty()) out["ManagementAccountId"] = account;
  if (!email.empty()) out["ManagementAccountEmail"] = email;
  return out;
}

// The source as `side` may see it: its own management account fully; to the target, what the
// invitation named (an id or an email, never the one found from the other) until accepted.
json SourceJson(const store::Directory& directory, const model::ResponsibilityTransfer& transfer,
                const model::Organization& org, TransferSide side) {
  const bool accepted = !transfer.source_organization_id.empty();
  if (side == TransferSide::kOutbound && !accepted) {
    return Participant(org.management_account_id,
                       AccountEmail(directory, org.management_account_id));
  }
  if (accepted) return Participant(transfer.source_account_id, transfer.source_email);
  return transfer.invited_by_email ? Participant("", transfer.source_email)
                                   : Participant(transfer.source_account_id, "");
}

}  // namespace

json TransferJson(const store::Directory& directory, const model::ResponsibilityTransfer& transfer,
                  const model::Organization& org, TransferSide side, int64_t now_ms) {
  json out = {
      {"Arn", TransferArn(org, side, transfer.id)},
      {"Name", side == TransferSide::kOutbound ? transfer.source_name : transfer.target_name},
      {"Id", transfer.id},
      {"Type", transfer.type},
      {"Status", EffectiveStatus(transfer, now_ms)},
      {"Source", SourceJson(directory, transfer, org, side)},
      {"Target", Participant(transfer.target_account_id,
                             AccountEmail(directory, transfer.target_account_id))},
      {"StartTimestamp", Seconds(transfer.start_ms)},
      {"ActiveHandshakeId", transfer.handshake_id}};
  if (transfer.end_ms != 0) out["EndTimestamp"] = Seconds(transfer.end_ms);
  return out;
}

bool InTransfer(const store::Directory& directory, const model::Organization& org, int64_t now_ms) {
  for (const auto& t : directory.Scan<model::ResponsibilityTransfer>("")) {
    if (SideOf(directory, *t, org) == TransferSide::kNone) continue;
    if (CountsInbound(*t, now_ms)) return true;
  }
  return false;
}

Status TransferNotFound() {
  return Status(ErrorCode::kResponsibilityTransferNotFoundException,
                "We can't find a transfer that you specified.");
}

}  // namespace gatehouse::services::organizations
