// organizations: InviteAccountToOrganization, AcceptHandshake, DeclineHandshake,
// CancelHandshake, DescribeHandshake, ListHandshakesForAccount, ListHandshakesForOrganization,
// for invitations, for the handshakes of enabling all features (all_features.h) and for
// invitations to transfer responsibility (responsibility_transfers.h).
// A handshake is keyed by its id alone, because the invited account answers it while it belongs
// to no organization. Expiry is never written: a handshake reads as EXPIRED once the clock
// passes its expiration, so moving the clock is all it takes.
#include "core/strings.h"
#include "services/iam/pagination.h"
#include "services/organizations/all_features.h"
#include "services/organizations/handshake_common.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"
#include "services/organizations/responsibility_transfers.h"
#include "services/organizations/transfer_common.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

constexpr const char* kInvite = "INVITE";

Status HandshakeNotFound() {
  return Status(ErrorCode::kHandshakeNotFoundException,
                "We can't find a handshake with the HandshakeId that you specified.");
}

Status AlreadyInAnOrganization() {
  return Status(ErrorCode::kHandshakeConstraintViolationException,
                "The handshake request is invalid because the invited account is already a "
                "member of an organization.",
                "ALREADY_IN_AN_ORGANIZATION");
}

Status AccountLimitExceeded() {
  return Status(ErrorCode::kHandshakeConstraintViolationException,
                "You have exceeded the allowed number of AWS accounts.",
                "ACCOUNT_NUMBER_LIMIT_EXCEEDED");
}

Status AccessDenied() { return Status(ErrorCode::kAccessDeniedException, kAccessDeniedMessage); }

size_t MemberCount(const store::Directory& dir, const model::Organization& o) {
  return dir.Scan<model::OrganizationAccount>(o.id + "/").size();
}

// Who the caller is to a handshake: the account it invites, the management account that sent
// it, or a stranger, to whom it does not exist.
enum class Role { kStranger, kInvited, kSender };

Role RoleOf(const store::Directory& dir, const model::Handshake& h, std::string_view account) {
  if (InvitesAccount(dir, h, account)) return Role::kInvited;
  if (h.management_account_id == account) return Role::kSender;
  return Role::kStranger;
}

// The handshake the input names, as seen by the caller: HandshakeNotFoundException when it does
// not exist or does not concern the caller's account.
Result<std::shared_ptr<const model::Handshake>> FindHandshake(const store::Directory& dir,
                                                              const OperationContext& c,
                                                              Role* role) {
  auto h = dir.Get<model::Handshake>(c.input.value("HandshakeId", ""));
  if (h == nullptr) return HandshakeNotFound();
  *role = RoleOf(dir, *h, c.caller.account_id);
  if (*role == Role::kStranger) return HandshakeNotFound();
  return h;
}

// The input Filter as a predicate; at most one of ActionType and ParentHandshakeId.
struct Filter {
  std::string action;
  std::string parent;

  bool Keeps(const model::Handshake& h) const {
    if (!action.empty() && h.action != action) return false;
    if (parent.empty()) return true;
    for (const model::HandshakeResource& r : h.resources) {
      if (r.type == "PARENT_HANDSHAKE" && r.value == parent) return true;
    }
    return false;
  }
};

Result<Filter> ReadFilter(const json& input) {
  Filter f;
  auto it = input.find("Filter");
  if (it == input.end() || !it->is_object()) return f;
  f.action = it->value("ActionType", "");
  f.parent = it->value("ParentHandshakeId", "");
  if (!f.action.empty() && !f.parent.empty()) {
    return InvalidInput("MAX_LIMIT_EXCEEDED_FILTER");
  }
  return f;
}

// True when `h`, an open invitation of `o`, already invites the same target.
bool SameInvitation(const model::Handshake& h, const model::Organization& o,
                    const HandshakeTarget& t, int64_t now_ms) {
  if (h.organization_id != o.id || h.action != kInvite) return false;
  if (EffectiveState(h, now_ms) != model::kHandshakeOpen) return false;
  if (!t.account_id.empty() && h.target_account_id == t.account_id) return true;
  for (const model::HandshakeParty& p : h.parties) {
    if (p.type == t.party.type && EqualsIgnoreCase(p.id, t.party.id)) return true;
  }
  return false;
}

void RegisterInvite(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "InviteAccountToOrganization",
      [&org](const OperationContext& c) -> Result<json> {
        iam::IamContext& iam = org.iam;
        const store::Directory& dir = iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        Result<HandshakeTarget> target = ReadHandshakeTarget(dir, c.input);
        if (!target.ok()) return target.status();
        if (!target->account_id.empty() && FindMembership(dir, target->account_id)) {
          return AlreadyInAnOrganization();
        }
        if (MemberCount(dir, o) >= org.options.max_accounts) return AccountLimitExceeded();
        if (AllFeaturesPending(dir, o, iam.now_ms())) return AllFeaturesMigrationPending();
        Result<std::vector<model::Tag>> tags = ApplyTags({}, c.input.value("Tags", json::array()));
        if (!tags.ok()) return tags.status();
        const int64_t now = iam.now_ms();
        for (const auto& h : dir.Scan<model::Handshake>("")) {
          if (SameInvitation(*h, o, *target, now)) {
            return Status(ErrorCode::kDuplicateHandshakeException,
                          "A handshake with the same action and target already exists.");
          }
        }

        model::Handshake h;
        h.id = UnusedHandshakeId(dir, iam.random);
        h.organization_id = o.id;
        h.management_account_id = o.management_account_id;
        h.action = kInvite;
        h.parties = {{o.id, "ORGANIZATION"}, target->party};
        auto management = dir.FindAccount(o.management_account_id);
        h.resources = {{"ORGANIZATION",
                        o.id,
                        {{"MASTER_EMAIL", AccountEmail(dir, o.management_account_id), {}},
                         {"MASTER_NAME", management != nullptr ? management->name : "", {}},
                         {"ORGANIZATION_FEATURE_SET", o.feature_set, {}}}},
                       {target->party.type, target->party.id, {}}};
        if (std::string notes = c.input.value("Notes", ""); !notes.empty()) {
          h.resources.push_back({"NOTES", std::move(notes), {}});
        }
        h.state = model::kHandshakeOpen;
        h.requested_ms = now;
        h.expires_ms = now + org.options.handshake_lifetime_ms;
        h.target_account_id = target->account_id;
        h.tags = std::move(*tags);
        if (Status s = iam.state.Commit({{store::Put<model::Handshake>{h, /*create=*/true}}});
            !s.ok()) {
          return s;
        }
        return json{{"Handshake", HandshakeJson(h, now)}};
      });
}

// What accepting invitation `h` writes: the caller's account joins its organization.
Status JoinOnAccept(OrganizationsContext& org, const std::string& account, model::Handshake& h,
                    store::WriteBatch& batch) {
  const store::Directory& dir = org.iam.state.directory();
  if (FindMembership(dir, account)) return AlreadyInAnOrganization();
  auto o = dir.Get<model::Organization>(h.organization_id);
  if (o == nullptr) return HandshakeNotFound();
  if (MemberCount(dir, *o) >= org.options.max_accounts) return AccountLimitExceeded();
  // A member joining while all features are being enabled would never be asked to approve.
  if (AllFeaturesPending(dir, *o, org.iam.now_ms())) return AllFeaturesMigrationPending();
  batch.preconditions.push_back(NoNewAllFeaturesRequest(dir));
  h.target_account_id = account;
  // The organization as read, and its account quota met when the member is written.
  batch.preconditions.push_back(store::Unchanged(*o));
  batch.preconditions.push_back(store::ExpectFewer<model::OrganizationAccount>{
      o->id + "/", static_cast<int64_t>(org.options.max_accounts), {}, {}});
  // An invited account joins as it is: unlike a created one it gets no role for the management
  // account to administer it through; its owner makes one if they want.
  JoinWrites({o->id, account, o->root_id, model::kJoinedInvited, org.iam.now_ms(),
              model::kAccountActive, h.tags},
             batch);
  AttachAwsManagedPolicies(*o, account, batch);
  return Status::Ok();
}

// Who answers a handshake: the party it is sent to, except the management account's own
// ENABLE_ALL_FEATURES, which it accepts (or cancels) itself.
Role Answerer(const model::Handshake& h) {
  return h.action == kEnableAllFeatures ? Role::kSender : Role::kInvited;
}
Role Sender(const model::Handshake&) { return Role::kSender; }

// Moves the handshake the input names to `wanted`, which only the party `allowed` names may do;
// `extra` adds the writes the move brings (joining the organization) or refuses it.
template <typename Extra>
Result<json> Answer(OrganizationsContext& org, const OperationContext& c,
                    Role (*allowed)(const model::Handshake&), const char* wanted, Extra extra) {
  iam::IamContext& iam = org.iam;
  const store::Directory& dir = iam.state.directory();
  Role role = Role::kStranger;
  auto found = FindHandshake(dir, c, &role);
  if (!found.ok()) return found.status();
  const model::Handshake& h = **found;
  if (role != allowed(h)) return AccessDenied();
  const int64_t now = iam.now_ms();
  if (Status s = CheckTransition(EffectiveState(h, now), wanted); !s.ok()) return s;
  model::Handshake updated = h;
  updated.state = wanted;
  store::WriteBatch batch;
  // A handshake moves once: an accept racing a cancel ends in one of them.
  batch.preconditions.push_back(store::Unchanged(h));
  if (Status s = extra(updated, batch); !s.ok()) return s;
  batch.writes.push_back(store::Put<model::Handshake>{updated});
  Status s = iam.state.Commit(batch);
  // Another request made the account a member in between.
  if (s.code() == ErrorCode::kEntityAlreadyExists) return AlreadyInAnOrganization();
  if (!s.ok()) return s;
  return json{{"Handshake", HandshakeJson(updated, now)}};
}

void RegisterAnswers(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "AcceptHandshake", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    return Answer(org, c, Answerer, model::kHandshakeAccepted,
                  [&](model::Handshake& h, store::WriteBatch& batch) -> Status {
                    if (h.action == kApproveAllFeatures) {
                      return ApprovalWrites(dir, h, org.iam.now_ms(), batch);
                    }
                    if (h.action == kEnableAllFeatures) return FinalizeWrites(dir, h, batch);
                    if (h.action == kTransferResponsibility) {
                      return TransferAnswerWrites(org, c.caller.account_id, h,
                                                  model::kHandshakeAccepted, batch);
                    }
                    return JoinOnAccept(org, c.caller.account_id, h, batch);
                  });
  });

  d.Register("organizations", "DeclineHandshake",
             [&org](const OperationContext& c) -> Result<json> {
               return Answer(org, c, Answerer, model::kHandshakeDeclined,
                             [&](model::Handshake& h, store::WriteBatch& batch) {
                               // The management account cancels its own request instead.
                               if (h.action == kEnableAllFeatures) return AccessDenied();
                               if (h.action != kTransferResponsibility) return Status::Ok();
                               return TransferAnswerWrites(org, c.caller.account_id, h,
                                                           model::kHandshakeDeclined, batch);
                             });
             });

  d.Register("organizations", "CancelHandshake", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    return Answer(org, c, Sender, model::kHandshakeCanceled,
                  [&](model::Handshake& h, store::WriteBatch& batch) {
                    if (h.action == kEnableAllFeatures) {
                      CancelApprovalsWrites(dir, h, org.iam.now_ms(), batch);
                    }
                    if (h.action == kTransferResponsibility) {
                      return TransferAnswerWrites(org, c.caller.account_id, h,
                                                  model::kHandshakeCanceled, batch);
                    }
                    return Status::Ok();
                  });
  });
}

void RegisterHandshakeReads(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "DescribeHandshake",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Role role = Role::kStranger;
               auto found = FindHandshake(dir, c, &role);
               if (!found.ok()) return found.status();
               return json{{"Handshake", HandshakeJson(**found, org.iam.now_ms())}};
             });

  d.Register("organizations", "ListHandshakesForAccount",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Filter> filter = ReadFilter(c.input);
               if (!filter.ok()) return filter.status();
               const std::string& account = c.caller.account_id;
               const int64_t now = org.iam.now_ms();
               json out;
               json handshakes = json::array();
               for (const auto& h : iam::ScanPage<model::Handshake>(
                        dir, "", iam::ReadOrganizationsPage(c.input),
                        [&](const model::Handshake& h) {
                          return InvitesAccount(dir, h, account) && filter->Keeps(h);
                        },
                        out)) {
                 handshakes.push_back(HandshakeJson(*h, now));
               }
               out["Handshakes"] = std::move(handshakes);
               return out;
             });

  d.Register("organizations", "ListHandshakesForOrganization",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               Result<Filter> filter = ReadFilter(c.input);
               if (!filter.ok()) return filter.status();
               const std::string& org_id = m->organization->id;
               const int64_t now = org.iam.now_ms();
               json out;
               json handshakes = json::array();
               for (const auto& h : iam::ScanPage<model::Handshake>(
                        dir, "", iam::ReadOrganizationsPage(c.input),
                        [&](const model::Handshake& h) {
                          return h.organization_id == org_id && filter->Keeps(h);
                        },
                        out)) {
                 handshakes.push_back(HandshakeJson(*h, now));
               }
               out["Handshakes"] = std::move(handshakes);
               return out;
             });
}

}  // namespace

void RegisterHandshakeOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterInvite(d, org);
  RegisterAnswers(d, org);
  RegisterHandshakeReads(d, org);
}

}  // namespace gatehouse::services::organizations
