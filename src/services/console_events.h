// The events the console records itself (eventSource signin.amazonaws.com, eventType
// AwsConsoleSignIn), as CloudTrail records them: ConsoleLogin, a success or a "Failed
// authentication" (with MFAUsed), and SwitchRole. Its API calls go through the dispatcher and
// are recorded there. A failed sign-in is recorded in the account it named, when that account
// exists; a user name that exists nowhere is recorded as HIDDEN_DUE_TO_SECURITY_REASONS, since
// people type passwords into that field. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/http_message.h"
#include "model/audit_entities.h"
#include "model/console_entities.h"

namespace gatehouse::services {

enum class ConsoleEventKind { kSignIn, kSwitchRole };

struct ConsoleEvent {
  ConsoleEventKind kind = ConsoleEventKind::kSignIn;
  // Who signed in (or tried to): on a failure only account_id, user_name (empty for the root
  // user) and, when the user exists, user_id and arn are known.
  model::ConsolePrincipal principal = {};
  bool user_exists = true;
  bool success = true;
  bool mfa_used = false;
  std::string role_arn = "";  // SwitchRole: the role switched to
  std::string login_to = "";  // the page the console goes to
};

model::AuditEntry ConsoleEventOf(const ConsoleEvent& event, const HttpRequest& request,
                                 const std::string& event_id, int64_t time_ms);

}  // namespace gatehouse::services
