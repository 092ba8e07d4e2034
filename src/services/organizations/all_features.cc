#include "services/organizations/all_features.h"

#include <set>

#include "services/organizations/handshake_common.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

// The parent handshake `h` names (its PARENT_HANDSHAKE resource), or "".
std::string ParentOf(const model::Handshake& h) {
  for (const model::HandshakeResource& r : h.resources) {
    if (r.type == "PARENT_HANDSHAKE") return r.value;
  }
  return "";
}

// The APPROVE_ALL_FEATURES handshakes `request` sent.
std::vector<std::shared_ptr<const model::Handshake>> ApprovalsOf(const store::Directory& dir,
                                                                 const model::Handshake& request) {
  std::vector<std::shared_ptr<const model::Handshake>> out;
  for (auto& h : dir.Scan<model::Handshake>("")) {
    if (h->action == kApproveAllFeatures && ParentOf(*h) == request.id) out.push_back(h);
  }
  return out;
}

std::vector<std::shared_ptr<const model::OrganizationAccount>> InvitedMembers(
    const store::Directory& dir, const model::Organization& o) {
  std::vector<std::shared_ptr<const model::OrganizationAccount>> out;
  for (auto& member : dir.Scan<model::OrganizationAccount>(o.id + "/")) {
    if (member->joined_method == model::kJoinedInvited &&
        member->account_id != o.management_account_id) {
      out.push_back(member);
    }
  }
  return out;
}

// Whether `approval` still holds its request up: not accepted, from an account that is still a
// member of `organization_id` (one that left no longer has to approve).
bool Outstanding(const store::Directory& dir, const model::Handshake& approval,
                 const std::string& organization_id) {
  if (approval.state == model::kHandshakeAccepted) return false;
  return dir.Get<model::OrganizationAccount>(organization_id + "/" + approval.target_account_id) !=
         nullptr;
}

model::Handshake NewHandshake(OrganizationsContext& org, const model::Organization& o,
                              const char* action, int64_t now) {
  const store::Directory& dir = org.iam.state.directory();
  model::Handshake h;
  h.id = UnusedHandshakeId(dir, org.iam.random);
  h.organization_id = o.id;
  h.management_account_id = o.management_account_id;
  h.action = action;
  h.parties = {{o.id, "ORGANIZATION"}};
  h.resources = {{"ORGANIZATION", o.id, {}}};
  h.requested_ms = now;
  h.expires_ms = now + org.options.handshake_lifetime_ms;
  return h;
}

// All features at once: no invited member has to agree.
void EnableAtOnce(const model::Organization& o, model::Handshake& request,
                  store::WriteBatch& batch) {
  model::Organization updated = o;
  updated.feature_set = model::kFeatureSetAll;
  request.state = model::kHandshakeAccepted;
  batch.preconditions.push_back(store::NoneUnder<model::OrganizationAccount>(
      o.id + "/", "joined_method", model::kJoinedInvited));
  batch.writes.push_back(store::Put<model::Organization>{updated});
  AttachAwsManagedPolicies(updated, o.root_id, batch);
}

}  // namespace

bool AllFeaturesPending(const store::Directory& dir, const model::Organization& o, int64_t now_ms) {
  for (const auto& h : dir.Scan<model::Handshake>("")) {
    if (h->organization_id != o.id || h->action != kEnableAllFeatures) continue;
    const std::string state = EffectiveState(*h, now_ms);
    if (state == kHandshakeRequested || state == model::kHandshakeOpen) return true;
  }
  return false;
}

store::Precondition NoNewAllFeaturesRequest(const store::Directory& dir) {
  int64_t requests = 0;
  for (const auto& h : dir.Scan<model::Handshake>("")) {
    requests += h->action == kEnableAllFeatures ? 1 : 0;
  }
  return store::ExpectFewer<model::Handshake>{"", requests + 1, "action", kEnableAllFeatures};
}

Status AllFeaturesMigrationPending() {
  return Status(ErrorCode::kHandshakeConstraintViolationException,
                "You can't perform this operation while the organization is enabling all "
                "features: every invited member account must approve the change, and the "
                "management account finalize it, first.",
                "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
}

Result<json> EnableAllFeatures(OrganizationsContext& org, const OperationContext& c) {
  const store::Directory& dir = org.iam.state.directory();
  ASSIGN_OR_RETURN(Membership m, ManagementMembership(dir, c));
  const model::Organization& o = *m.organization;
  if (o.feature_set == model::kFeatureSetAll) {
    return Status(ErrorCode::kHandshakeConstraintViolationException,
                  "This organization has already enabled all features.",
                  "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
  }
  const int64_t now = org.iam.now_ms();
  if (AllFeaturesPending(dir, o, now)) return AllFeaturesMigrationPending();
  model::Handshake request = NewHandshake(org, o, kEnableAllFeatures, now);
  store::WriteBatch batch;
  batch.preconditions.push_back(store::Unchanged(o));
  const auto invited = InvitedMembers(dir, o);
  if (invited.empty()) {
    EnableAtOnce(o, request, batch);
  } else {
    request.state = kHandshakeRequested;
    // The members as read are the ones asked: one joining or leaving meanwhile fails the batch.
    store::AppendSameRange(dir.Scan<model::OrganizationAccount>(o.id + "/"), o.id + "/",
                           batch.preconditions);
    for (const auto& member : invited) {
      model::Handshake approval = NewHandshake(org, o, kApproveAllFeatures, now);
      approval.parties.push_back({member->account_id, "ACCOUNT"});
      approval.resources.push_back({"PARENT_HANDSHAKE", request.id, {}});
      approval.target_account_id = member->account_id;
      approval.state = model::kHandshakeOpen;
      batch.writes.push_back(store::Put<model::Handshake>{approval, /*create=*/true});
    }
  }
  batch.writes.push_back(store::Put<model::Handshake>{request, /*create=*/true});
  RETURN_IF_ERROR(org.iam.state.Commit(batch));
  return json{{"Handshake", HandshakeJson(request, now)}};
}

Status ApprovalWrites(const store::Directory& dir, const model::Handshake& approval, int64_t now_ms,
                      store::WriteBatch& batch) {
  auto request = dir.Get<model::Handshake>(ParentOf(approval));
  if (request == nullptr || EffectiveState(*request, now_ms) != kHandshakeRequested) {
    return Status(ErrorCode::kInvalidHandshakeTransitionException,
                  "You can't perform the operation on the handshake in its current state.");
  }
  batch.preconditions.push_back(store::Unchanged(*request));
  // The members as read: whether another approval still counts depends on its account staying.
  const std::string prefix = request->organization_id + "/";
  store::AppendSameRange(dir.Scan<model::OrganizationAccount>(prefix), prefix, batch.preconditions);
  for (const auto& other : ApprovalsOf(dir, *request)) {
    if (other->id == approval.id) continue;
    // Each other approval as read: the last two accepted together still open the request once.
    batch.preconditions.push_back(store::Unchanged(*other));
    if (Outstanding(dir, *other, request->organization_id)) return Status::Ok();
  }
  model::Handshake opened = *request;
  opened.state = model::kHandshakeOpen;
  batch.writes.push_back(store::Put<model::Handshake>{opened});
  return Status::Ok();
}

Status FinalizeWrites(const store::Directory& dir, const model::Handshake& request,
                      store::WriteBatch& batch) {
  auto o = dir.Get<model::Organization>(request.organization_id);
  if (o == nullptr) {
    return Status(ErrorCode::kHandshakeNotFoundException,
                  "We can't find a handshake with the HandshakeId that you specified.");
  }
  // A member invited since cannot be (invitations wait for the change), but one that left and
  // joined again would not have approved: every invited member must have an accepted approval.
  std::set<std::string> approved;
  for (const auto& a : ApprovalsOf(dir, request)) {
    if (a->state == model::kHandshakeAccepted) approved.insert(a->target_account_id);
  }
  for (const auto& member : InvitedMembers(dir, *o)) {
    if (!approved.contains(member->account_id)) {
      return Status(ErrorCode::kHandshakeConstraintViolationException,
                    "Every invited member account must approve enabling all features first.",
                    "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION");
    }
  }
  model::Organization updated = *o;
  updated.feature_set = model::kFeatureSetAll;
  batch.preconditions.push_back(store::Unchanged(*o));
  store::AppendSameRange(dir.Scan<model::OrganizationAccount>(o->id + "/"), o->id + "/",
                         batch.preconditions);
  batch.writes.push_back(store::Put<model::Organization>{updated});
  AttachAwsManagedPolicies(updated, o->root_id, batch);
  return Status::Ok();
}

void MemberLeavesWrites(const store::Directory& dir, const model::OrganizationAccount& member,
                        int64_t now_ms, store::WriteBatch& batch) {
  for (const auto& request : dir.Scan<model::Handshake>("")) {
    if (request->organization_id != member.organization_id ||
        request->action != kEnableAllFeatures ||
        EffectiveState(*request, now_ms) != kHandshakeRequested) {
      continue;
    }
    // The members as read: two leaving together still open the request once.
    const std::string prefix = member.organization_id + "/";
    store::AppendSameRange(dir.Scan<model::OrganizationAccount>(prefix), prefix,
                           batch.preconditions);
    bool others_approved = true;
    for (const auto& a : ApprovalsOf(dir, *request)) {
      batch.preconditions.push_back(store::Unchanged(*a));
      if (a->target_account_id != member.account_id) {
        if (Outstanding(dir, *a, member.organization_id)) others_approved = false;
        continue;
      }
      if (EffectiveState(*a, now_ms) != model::kHandshakeOpen) continue;
      model::Handshake canceled = *a;
      canceled.state = model::kHandshakeCanceled;
      batch.writes.push_back(store::Put<model::Handshake>{canceled});
    }
    batch.preconditions.push_back(store::Unchanged(*request));
    if (!others_approved) continue;
    model::Handshake opened = *request;
    opened.state = model::kHandshakeOpen;
    batch.writes.push_back(store::Put<model::Handshake>{opened});
  }
}

void CancelApprovalsWrites(const store::Directory& dir, const model::Handshake& request,
                           int64_t now_ms, store::WriteBatch& batch) {
  for (const auto& a : ApprovalsOf(dir, request)) {
    if (EffectiveState(*a, now_ms) != model::kHandshakeOpen) continue;
    model::Handshake canceled = *a;
    canceled.state = model::kHandshakeCanceled;
    batch.preconditions.push_back(store::Unchanged(*a));
    batch.writes.push_back(store::Put<model::Handshake>{canceled});
  }
}

}  // namespace gatehouse::services::organizations
