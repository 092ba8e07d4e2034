// organizations: InviteOrganizationToTransferResponsibility, DescribeResponsibilityTransfer,
// ListInboundResponsibilityTransfers, ListOutboundResponsibilityTransfers,
// UpdateResponsibilityTransfer, TerminateResponsibilityTransfer, and what answering a
// transfer's invitation writes (AcceptHandshake, DeclineHandshake, CancelHandshake in
// handshakes.cc). gatehouse keeps no bills: a transfer is organizational state under AWS's
// rules — a management account invites another to let it take the responsibility from the
// first day of a month; the invitation is a handshake that must be accepted a day before that;
// an organization gives its responsibility to one transfer at a time and never, through a
// chain, to itself; either side withdraws it at the end of a month.
#include "services/organizations/responsibility_transfers.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/pagination.h"
#include "services/organizations/handshake_common.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/transfer_common.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

constexpr int64_t kTransferDayMs = 24LL * 3600 * 1000;
constexpr double kLastTransferSecond = 253402300799.0;  // 9999-12-31T23:59:59Z
// How far ahead a transfer may start: the first of a month within the next year.
constexpr int64_t kMaxStartMonthsAhead = 12;
// How many organizations up a chain of transfers acceptance looks for the source itself.
constexpr size_t kMaxChainLength = 100;

Status TransferConstraintViolation(const char* reason, const char* message) {
  return Status(ErrorCode::kConstraintViolationException, message, reason);
}

Status TransferSourceIsTarget() {
  return Status(ErrorCode::kHandshakeConstraintViolationException,
                "An account can't accept a transfer invitation if it is both the sender and "
                "recipient of the invitation.",
                "SOURCE_AND_TARGET_CANNOT_MATCH");
}

// The caller's organization, of which it must be the management account: transfers are
// between management accounts, and no delegation reaches them.
Result<Membership> TransferManagement(const store::Directory& dir, const std::string& account) {
  std::optional<Membership> m = FindMembership(dir, account);
  if (!m) return Status(ErrorCode::kOrganizationsNotInUse, kNotInUseMessage);
  if (!m->IsManagement()) return Status(ErrorCode::kAccessDeniedException, kAccessDeniedMessage);
  return *m;
}

// A timestamp member in milliseconds (nullopt when absent); InvalidInput(`reason`) for one
// before the epoch or after year 9999.
Result<std::optional<int64_t>> ReadTransferTimestamp(const json& input, const char* name,
                                                     const char* reason) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_number()) return std::optional<int64_t>();
  const double seconds = it->get<double>();
  if (!(seconds >= 0 && seconds <= kLastTransferSecond)) return InvalidInput(reason);
  return std::optional<int64_t>(std::llround(seconds * 1000));
}

// StartTimestamp: 00:00:00.000 UTC on the first of a month, late enough for the invitation to
// be accepted a day before it, within the next year.
Result<int64_t> ReadTransferStart(const json& input, int64_t now) {
  ASSIGN_OR_RETURN(std::optional<int64_t> start,
                   ReadTransferTimestamp(input, "StartTimestamp", "INVALID_START_DATE"));
  if (!start) return InvalidInput("INVALID_START_DATE");
  if (*start % kTransferDayMs != 0) return InvalidInput("START_DATE_NOT_BEGINNING_OF_DAY");
  if (MonthStartMs(*start, 0) != *start) return InvalidInput("START_DATE_NOT_BEGINNING_OF_MONTH");
  if (*start - kTransferDayMs <= now) return InvalidInput("START_DATE_TOO_EARLY");
  if (*start > MonthStartMs(now, kMaxStartMonthsAhead)) return InvalidInput("START_DATE_TOO_LATE");
  return *start;
}

// EndTimestamp: the end of a month (its last second or millisecond; clients send whole
// seconds), no earlier than the end of the month under way — or of the start's month, for a
// transfer that has not started. Absent: that earliest end.
Result<int64_t> ReadTransferEnd(const json& input, const model::ResponsibilityTransfer& t,
                                int64_t now) {
  ASSIGN_OR_RETURN(std::optional<int64_t> end,
                   ReadTransferTimestamp(input, "EndTimestamp", "END_DATE_NOT_END_OF_MONTH"));
  const int64_t earliest = MonthStartMs(std::max(now, t.start_ms), 1) - 1;
  if (!end) return earliest;
  const int64_t month_end = MonthStartMs(*end, 1) - 1;
  if (*end < month_end - 999) return InvalidInput("END_DATE_NOT_END_OF_MONTH");
  if (month_end < earliest) return InvalidInput("END_DATE_TOO_EARLY");
  return month_end;
}

// The transfers `org` takes (its inbound ones), as read.
std::vector<std::shared_ptr<const model::ResponsibilityTransfer>> InboundTransfersOf(
    const store::Directory& dir, const model::Organization& org) {
  auto all = dir.Scan<model::ResponsibilityTransfer>("");
  std::erase_if(all, [&](const auto& t) { return t->target_organization_id != org.id; });
  return all;
}

// True when `t`, requested at `now`, names the same party as `invitee`: the same id, or the same
// email (without case). Only what the invitations named is compared — never an email resolved
// to its account — so a refusal does not tell the inviter whose address an email is.
bool InvitesSameParty(const model::ResponsibilityTransfer& t, const HandshakeTarget& invitee,
                      int64_t now) {
  if (EffectiveStatus(t, now) != model::kTransferRequested) return false;
  if (invitee.party.type == "EMAIL") {
    return t.invited_by_email && EqualsIgnoreCase(t.source_email, invitee.party.id);
  }
  return !t.invited_by_email && t.source_account_id == invitee.party.id;
}

// The invitation's handshake: TRANSFER_RESPONSIBILITY from `o` to `invitee`, open until a day
// before the start (or the usual lifetime, if sooner).
model::Handshake TransferInvitation(const store::Directory& dir, const model::Organization& o,
                                    const HandshakeTarget& invitee,
                                    const model::ResponsibilityTransfer& t, const json& input) {
  model::Handshake h;
  h.id = t.handshake_id;
  h.organization_id = o.id;
  h.management_account_id = o.management_account_id;
  h.action = kTransferResponsibility;
  h.parties = {{o.id, "ORGANIZATION"}, invitee.party};
  auto management = dir.FindAccount(o.management_account_id);
  h.resources = {{"RESPONSIBILITY_TRANSFER",
                  t.id,
                  {{"TRANSFER_TYPE", t.type, {}},
                   {"TRANSFER_START_TIMESTAMP", FormatIsoTime(t.start_ms), {}},
                   {"MANAGEMENT_ACCOUNT", o.management_account_id, {}},
                   {"MANAGEMENT_EMAIL", AccountEmail(dir, o.management_account_id), {}},
                   {"MANAGEMENT_NAME", management != nullptr ? management->name : "", {}}}},
                 {invitee.party.type, invitee.party.id, {}}};
  if (std::string notes = input.value("Notes", ""); !notes.empty()) {
    h.resources.push_back({"NOTES", std::move(notes), {}});
  }
  h.requested_ms = t.requested_ms;
  h.expires_ms = t.expires_ms;
  h.target_account_id = invitee.account_id;
  return h;
}

// Whether an organization whose transfers are `inbound` may invite `invitee` at `now`: not
// twice while the first invitation is open, and within its quota of `max` transfers.
Status RoomForInvitation(
    const std::vector<std::shared_ptr<const model::ResponsibilityTransfer>>& inbound,
    const HandshakeTarget& invitee, size_t max, int64_t now) {
  size_t counted = 0;
  for (const auto& t : inbound) {
    if (InvitesSameParty(*t, invitee, now)) {
      return Status(ErrorCode::kDuplicateHandshakeException,
                    "A handshake with the same action and target already exists.");
    }
    if (CountsInbound(*t, now)) ++counted;
  }
  if (counted >= max) {
    return TransferConstraintViolation("RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION",
                                       "You have exceeded your inbound transfers limit.");
  }
  return Status::Ok();
}

// A transfer `o` requests of `invitee` at `now`, from `start`, named `name` on both sides, with
// new ids for itself and its invitation.
model::ResponsibilityTransfer NewTransfer(OrganizationsContext& org, const model::Organization& o,
                                          const HandshakeTarget& invitee, int64_t start,
                                          std::string name, int64_t now) {
  const store::Directory& dir = org.iam.state.directory();
  model::ResponsibilityTransfer t;
  do {
    t.id = NewResponsibilityTransferId(org.iam.random);
  } while (dir.Get<model::ResponsibilityTransfer>(t.id) != nullptr);
  t.handshake_id = UnusedHandshakeId(dir, org.iam.random);
  t.target_organization_id = o.id;
  t.target_account_id = o.management_account_id;
  t.target_name = name;
  t.source_name = std::move(name);
  t.source_account_id = invitee.account_id;
  t.invited_by_email = invitee.party.type == "EMAIL";
  if (t.invited_by_email) t.source_email = invitee.party.id;
  t.requested_ms = now;
  t.expires_ms = std::min(now + org.options.handshake_lifetime_ms, start - kTransferDayMs);
  t.start_ms = start;
  return t;
}

Result<json> InviteToTransfer(OrganizationsContext& org, const OperationContext& c) {
  iam::IamContext& iam = org.iam;
  const store::Directory& dir = iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, TransferManagement(dir, c.caller.account_id));
  const model::Organization& o = *m.organization;
  const int64_t now = iam.now_ms();
  ASSIGN_OR_RETURN(HandshakeTarget invitee, ReadHandshakeTarget(dir, c.input));
  if (invitee.account_id == o.management_account_id) return TransferSourceIsTarget();
  ASSIGN_OR_RETURN(int64_t start, ReadTransferStart(c.input, now));
  ASSIGN_OR_RETURN(std::vector<model::Tag> tags,
                   ApplyTags({}, c.input.value("Tags", json::array())));
  auto inbound = InboundTransfersOf(dir, o);
  RETURN_IF_ERROR(RoomForInvitation(inbound, invitee, org.options.max_inbound_transfers, now));
  model::ResponsibilityTransfer t =
      NewTransfer(org, o, invitee, start, c.input.value("SourceName", ""), now);
  t.tags = std::move(tags);
  model::Handshake h = TransferInvitation(dir, o, invitee, t, c.input);

  store::WriteBatch batch;
  // The quota as counted: no other invitation of this organization was sent meanwhile.
  batch.preconditions.push_back(store::ExpectFewer<model::ResponsibilityTransfer>{
      "", static_cast<int64_t>(inbound.size()) + 1, "target_organization_id", o.id});
  batch.preconditions.push_back(store::Unchanged(o));
  batch.writes.push_back(store::Put<model::ResponsibilityTransfer>{t, /*create=*/true});
  batch.writes.push_back(store::Put<model::Handshake>{h, /*create=*/true});
  RETURN_IF_ERROR(iam.state.Commit(batch));
  return json{{"Handshake", HandshakeJson(h, now)}};
}

// A transfer the input Id names, with the caller's organization and its side of it.
struct SeenTransfer {
  std::shared_ptr<const model::ResponsibilityTransfer> transfer;
  Membership membership;
  TransferSide side = TransferSide::kNone;
};

Result<SeenTransfer> FindTransfer(const store::Directory& dir, const OperationContext& c) {
  ASSIGN_OR_RETURN(Membership m, TransferManagement(dir, c.caller.account_id));
  auto t = dir.Get<model::ResponsibilityTransfer>(c.input.value("Id", ""));
  if (t == nullptr) return TransferNotFound();
  const TransferSide side = SideOf(dir, *t, *m.organization);
  if (side == TransferSide::kNone) return TransferNotFound();
  return SeenTransfer{std::move(t), std::move(m), side};
}

Result<json> DescribeTransfer(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(SeenTransfer seen, FindTransfer(dir, c));
  return json{
      {"ResponsibilityTransfer", TransferJson(dir, *seen.transfer, *seen.membership.organization,
                                              seen.side, org.iam.now_ms())}};
}

// The caller's transfers on `side`, a page at a time; with an input Id, that one alone
// (ResponsibilityTransferNotFoundException when it is not the caller's on that side).
Result<json> ListTransfersOnSide(OrganizationsContext& org, const OperationContext& c,
                                 TransferSide side) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, TransferManagement(dir, c.caller.account_id));
  const model::Organization& o = *m.organization;
  const std::string only = c.input.value("Id", "");
  if (!only.empty()) {
    auto t = dir.Get<model::ResponsibilityTransfer>(only);
    if (t == nullptr || SideOf(dir, *t, o) != side) return TransferNotFound();
  }
  const int64_t now = org.iam.now_ms();
  json out;
  json transfers = json::array();
  for (const auto& t : iam::ScanPage<model::ResponsibilityTransfer>(
           dir, "", iam::ReadOrganizationsPage(c.input),
           [&](const model::ResponsibilityTransfer& t) {
             return (only.empty() || t.id == only) && SideOf(dir, t, o) == side;
           },
           out)) {
    transfers.push_back(TransferJson(dir, *t, o, side, now));
  }
  out["ResponsibilityTransfers"] = std::move(transfers);
  return out;
}

Result<json> ListInboundTransfers(OrganizationsContext& org, const OperationContext& c) {
  return ListTransfersOnSide(org, c, TransferSide::kInbound);
}

Result<json> ListOutboundTransfers(OrganizationsContext& org, const OperationContext& c) {
  return ListTransfersOnSide(org, c, TransferSide::kOutbound);
}

// Writes `updated` over `seen`'s transfer, on the condition that it is still as read, and
// answers with it.
Result<json> RewriteTransfer(OrganizationsContext& org, const SeenTransfer& seen,
                             const model::ResponsibilityTransfer& updated) {
  store::WriteBatch batch;
  batch.preconditions.push_back(store::Unchanged(*seen.transfer));
  batch.writes.push_back(store::Put<model::ResponsibilityTransfer>{updated});
  RETURN_IF_ERROR(org.iam.state.Commit(batch));
  const store::Directory& dir = org.iam.state.directory();
  return json{{"ResponsibilityTransfer", TransferJson(dir, updated, *seen.membership.organization,
                                                      seen.side, org.iam.now_ms())}};
}

// Renames the transfer for the caller's side only: each organization names it for itself.
Result<json> UpdateTransfer(OrganizationsContext& org, const OperationContext& c) {
  ASSIGN_OR_RETURN(SeenTransfer seen, FindTransfer(org.iam.state.directory(), c));
  model::ResponsibilityTransfer updated = *seen.transfer;
  std::string name = c.input.value("Name", "");
  (seen.side == TransferSide::kOutbound ? updated.source_name : updated.target_name) =
      std::move(name);
  return RewriteTransfer(org, seen, updated);
}

// Withdraws an accepted transfer, from either side; it ends at the end of a month.
Result<json> TerminateTransfer(OrganizationsContext& org, const OperationContext& c) {
  ASSIGN_OR_RETURN(SeenTransfer seen, FindTransfer(org.iam.state.directory(), c));
  const int64_t now = org.iam.now_ms();
  const std::string status = EffectiveStatus(*seen.transfer, now);
  if (status == model::kTransferWithdrawn) {
    return Status(ErrorCode::kResponsibilityTransferAlreadyInStatusException,
                  "The responsibility transfer is already in the status that you specified.");
  }
  if (status != model::kTransferAccepted) {
    return Status(ErrorCode::kInvalidResponsibilityTransferTransitionException,
                  "The responsibility transfer can't transition to the requested state because "
                  "it's not in a valid state for this operation.");
  }
  ASSIGN_OR_RETURN(int64_t end, ReadTransferEnd(c.input, *seen.transfer, now));
  model::ResponsibilityTransfer updated = *seen.transfer;
  updated.status = model::kTransferWithdrawn;
  updated.end_ms = end;
  return RewriteTransfer(org, seen, updated);
}

// The organization whose transfer holds `organization_id` at `now` (who took its
// responsibility), or "" — with the precondition that what was read stays so.
std::string ResponsibilityHolderOf(const store::Directory& dir, const std::string& organization_id,
                                   int64_t now, std::vector<store::Precondition>& read) {
  auto source = dir.Get<model::ResponsibilityTransferSource>(organization_id);
  if (source == nullptr) {
    read.push_back(store::Absent<model::ResponsibilityTransferSource>(organization_id));
    return "";
  }
  read.push_back(store::Unchanged(*source));
  auto t = dir.Get<model::ResponsibilityTransfer>(source->transfer_id);
  if (t == nullptr) return "";
  read.push_back(store::Unchanged(*t));
  return Binds(*t, now) ? t->target_organization_id : "";
}

// Whether `source` giving its responsibility to `target` would close a loop: `target`'s
// responsibility is already, through a chain of transfers, held by `source`.
bool ClosesTransferLoop(const store::Directory& dir, const std::string& source,
                        const std::string& target, int64_t now,
                        std::vector<store::Precondition>& read) {
  std::unordered_set<std::string> seen;
  std::string at = target;
  for (size_t hops = 0; hops < kMaxChainLength; ++hops) {
    if (!seen.insert(at).second) return true;  // a loop that does not pass through `source`
    at = ResponsibilityHolderOf(dir, at, now, read);
    if (at.empty()) return false;
    if (at == source) return true;
  }
  return true;
}

// Accepting: the caller's organization becomes the source, unless it is one already.
Status BindTransferSource(OrganizationsContext& org, const std::string& caller,
                          model::ResponsibilityTransfer& t, store::WriteBatch& batch) {
  const store::Directory& dir = org.iam.state.directory();
  const int64_t now = org.iam.now_ms();
  ASSIGN_OR_RETURN(Membership m, TransferManagement(dir, caller));
  const model::Organization& source = *m.organization;
  if (source.id == t.target_organization_id) return TransferSourceIsTarget();
  std::vector<store::Precondition>& read = batch.preconditions;
  read.push_back(store::Unchanged(source));
  if (auto bound = dir.Get<model::ResponsibilityTransferSource>(source.id)) {
    read.push_back(store::Unchanged(*bound));
    auto previous = dir.Get<model::ResponsibilityTransfer>(bound->transfer_id);
    // A withdrawn transfer may be followed by one that starts after it ends.
    const bool overlaps =
        previous != nullptr && Binds(*previous, now) &&
        (previous->status == model::kTransferAccepted || previous->end_ms >= t.start_ms);
    if (overlaps) {
      return TransferConstraintViolation("RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION",
                                         "You have exceeded your outbound transfers limit.");
    }
    if (previous != nullptr) read.push_back(store::Unchanged(*previous));
  } else {
    read.push_back(store::Absent<model::ResponsibilityTransferSource>(source.id));
  }
  if (ClosesTransferLoop(dir, source.id, t.target_organization_id, now, read)) {
    return TransferConstraintViolation(
        "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION",
        "You have exceeded the maximum length of your transfer chain.");
  }
  t.status = model::kTransferAccepted;
  t.source_organization_id = source.id;
  t.source_account_id = caller;
  t.source_email = AccountEmail(dir, caller);
  batch.writes.push_back(store::Put<model::ResponsibilityTransferSource>{{source.id, t.id}});
  return Status::Ok();
}

}  // namespace

Status TransferAnswerWrites(OrganizationsContext& org, const std::string& caller_account,
                            const model::Handshake& handshake, std::string_view wanted,
                            store::WriteBatch& batch) {
  const store::Directory& dir = org.iam.state.directory();
  if (handshake.resources.empty()) return TransferNotFound();
  auto t = dir.Get<model::ResponsibilityTransfer>(handshake.resources.front().value);
  if (t == nullptr) return TransferNotFound();
  batch.preconditions.push_back(store::Unchanged(*t));
  model::ResponsibilityTransfer updated = *t;
  if (wanted == model::kHandshakeAccepted) {
    RETURN_IF_ERROR(BindTransferSource(org, caller_account, updated, batch));
  } else {
    updated.status =
        wanted == model::kHandshakeDeclined ? model::kTransferDeclined : model::kTransferCanceled;
  }
  batch.writes.push_back(store::Put<model::ResponsibilityTransfer>{updated});
  return Status::Ok();
}

void RegisterResponsibilityTransferOperations(Dispatcher& d, OrganizationsContext& org) {
  static constexpr std::pair<const char*, OrganizationsHandler> kHandlers[] = {
      {"InviteOrganizationToTransferResponsibility", InviteToTransfer},
      {"DescribeResponsibilityTransfer", DescribeTransfer},
      {"ListInboundResponsibilityTransfers", ListInboundTransfers},
      {"ListOutboundResponsibilityTransfers", ListOutboundTransfers},
      {"UpdateResponsibilityTransfer", UpdateTransfer},
      {"TerminateResponsibilityTransfer", TerminateTransfer},
  };
  RegisterHandlers(d, org, kHandlers);
}

}  // namespace gatehouse::services::organizations
