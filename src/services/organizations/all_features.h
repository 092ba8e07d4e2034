// Enabling all features in an organization (EnableAllFeatures), as AWS does it: an organization
// whose members were all created by it changes at once; one with invited members sends each of
// them an APPROVE_ALL_FEATURES handshake and keeps an ENABLE_ALL_FEATURES handshake of its own,
// REQUESTED until every invited member has accepted, then OPEN, which the management account
// accepts to finalize the change. Meanwhile no account may be invited. Canceling the
// management account's handshake cancels the approvals still open; a member that leaves no
// longer has to approve. The handshakes' answers are
// made in handshakes.cc, which asks this file what each one writes. Reads the directory only;
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/organization_entities.h"
#include "services/organizations/organizations_context.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

inline constexpr char kEnableAllFeatures[] = "ENABLE_ALL_FEATURES";
inline constexpr char kApproveAllFeatures[] = "APPROVE_ALL_FEATURES";

// Whether `org` is waiting for its members to approve all features (its ENABLE_ALL_FEATURES
// handshake is REQUESTED or OPEN at `now_ms`).
bool AllFeaturesPending(const store::Directory& directory, const model::Organization& org,
                        int64_t now_ms);

// The precondition that no ENABLE_ALL_FEATURES handshake is made meanwhile, for a change that
// rests on there being none pending (an account joining: it would not be asked). Handshakes are
// keyed by id alone, so all of them are counted: a request in another organization only makes
// the change run again.
store::Precondition NoNewAllFeaturesRequest(const store::Directory& directory);

// HandshakeConstraintViolationException ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION.
Status AllFeaturesMigrationPending();

// EnableAllFeatures.
Result<nlohmann::json> EnableAllFeatures(OrganizationsContext& org, const OperationContext& c);

// What accepting `approval` (an APPROVE_ALL_FEATURES handshake, by its member) writes besides
// the handshake itself: the management account's handshake opened once it is the last.
Status ApprovalWrites(const store::Directory& directory, const model::Handshake& approval,
                      int64_t now_ms, store::WriteBatch& batch);

// What accepting `request` (the ENABLE_ALL_FEATURES handshake, by the management account) writes:
// the organization with all features, FullAWSAccess on its root.
Status FinalizeWrites(const store::Directory& directory, const model::Handshake& request,
                      store::WriteBatch& batch);

// What `member` leaving its organization (removed, or by itself) writes while all features are
// pending: its approval, if still open, canceled, and the management account's handshake
// opened when every member that stays has approved.
void MemberLeavesWrites(const store::Directory& directory, const model::OrganizationAccount& member,
                        int64_t now_ms, store::WriteBatch& batch);

// What canceling `request` (the ENABLE_ALL_FEATURES handshake) writes: its approvals still
// open, canceled.
void CancelApprovalsWrites(const store::Directory& directory, const model::Handshake& request,
                           int64_t now_ms, store::WriteBatch& batch);

}  // namespace gatehouse::services::organizations
