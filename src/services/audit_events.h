// The audit event of one call through the dispatcher (audit/cloudtrail_record.h), built from
// what the dispatcher knows: the operation and its model, the input, the caller, the HTTP
// request, and the outcome. The event opens before the handler runs (its first commit carries
// it: store/audit_scope.h) and is completed with the answer or the error afterwards. A call is
// recorded in its caller's account and, when it reaches into another account — AssumeRole of a
// role there — in that account too, both copies sharing one sharedEventID. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit/cloudtrail_record.h"
#include "auth/credentials.h"
#include "core/http_message.h"
#include "core/status.h"
#include "model/audit_entities.h"
#include "protocol/model.h"

namespace gatehouse::services {

struct AuditedCall {
  const protocol::ServiceModel& model;
  const protocol::Operation& operation;
  const nlohmann::json& input;
  const auth::AccessKeyRecord& caller;
  const HttpRequest& request;
  std::string request_id;
  std::string event_id;  // a UUID; each account's copy is recorded under it
  int64_t time_ms = 0;
};

// Whether CloudTrail counts the operation as a read: Get*, List*, Describe*, Simulate*,
// Generate*Report… and sts's calls that change no resource.
bool IsReadOnlyOperation(std::string_view service, std::string_view operation);

// The accounts whose history holds the call: the caller's, and for a call that reaches a role
// of another account (sts:AssumeRole and its kin, named by RoleArn) that account too, when
// `role_exists` says the role does (a call naming no real role is nobody else's business).
// Empty when nobody is known (an unauthenticated call naming no existing role).
std::vector<std::string> RecipientAccounts(
    const AuditedCall& call, const std::function<bool(std::string_view)>& role_exists);

// A mutating call's event as it opened, and the frame of its record (audit/cloudtrail_record.h),
// which the completed record is written on.
struct OpenedAudit {
  audit::AuditCall event;
  audit::RecordFrame frame;
};

// The event in `recipient`'s history as it opens: all the answer does not change (the caller,
// the parameters, the resources). A mutating call's event is opened once, stored with its
// commit, then completed and stored again.
audit::AuditCall OpenedEvent(const AuditedCall& call, const std::string& recipient,
                             const std::string& shared_event_id);
// Completes `event` with `outcome`: the answer's elements or the error, and the caller of a
// federation call, whom only the answer names.
void CompleteEvent(audit::AuditCall& event, const AuditedCall& call,
                   const Result<nlohmann::json>& outcome);
// The entry stored for `event`; its record's kept members from `frame` when given (the frame of
// the event as it opened: audit/cloudtrail_record.h).
model::AuditEntry EntryOf(const AuditedCall& call, const audit::AuditCall& event,
                          const audit::RecordFrame* frame = nullptr);

// The event in `recipient`'s history: opened (no outcome yet) when `outcome` is null.
model::AuditEntry AuditEventOf(const AuditedCall& call, const std::string& recipient,
                               const Result<nlohmann::json>* outcome,
                               const std::string& shared_event_id);

}  // namespace gatehouse::services
