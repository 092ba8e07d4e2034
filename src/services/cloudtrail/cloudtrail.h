// CloudTrail's API over the audit trail (audit/, store/audit_log.h): LookupEvents, each account
// reading its own event history. The organization's management account also reads its members'
// histories once it has given CloudTrail trusted access to the organization
// (EnableAWSServiceAccess for cloudtrail.amazonaws.com, which AWS asks of an organization trail):
// that is how gatehouse models the organization trail, every event keeping its
// recipientAccountId.
#pragma once

#include <functional>

#include "core/status.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::cloudtrail {

// Registers every CloudTrail operation gatehouse serves. `store_recorded`, when given, stores
// the events this instance has recorded so far (audit::Recorder::Flush): a lookup calls it
// first, so that a caller reads its own calls at once although the recorder appends them in
// batches (those of other instances arrive within a batch's linger).
void RegisterCloudTrailOperations(Dispatcher& dispatcher, iam::IamContext& iam,
                                  std::function<Status()> store_recorded = nullptr);

}  // namespace gatehouse::services::cloudtrail
