#include "services/console_events.h"

#include <nlohmann/json.hpp>

#include "audit/canonical_json.h"
#include "audit/cloudtrail_record.h"
#include "audit/event_elements.h"
#include "core/arn.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

json SignInIdentity(const ConsoleEvent& e) {
  const model::ConsolePrincipal& p = e.principal;
  if (p.root()) {
    return {{"type", "Root"},
            {"principalId", p.account_id},
            {"arn", "arn:aws:iam::" + p.account_id + ":root"},
            {"accountId", p.account_id},
            {"accessKeyId", ""}};
  }
  if (p.federated()) {
    return {{"type", "AssumedRole"},
            {"principalId", p.user_id + ":" + p.session_name},
            {"arn", p.arn},
            {"accountId", p.account_id},
            {"accessKeyId", p.access_key_id}};
  }
  json id = {{"type", "IAMUser"}, {"accountId", p.account_id}, {"accessKeyId", ""}};
  id["userName"] = e.user_exists ? p.user_name : audit::kHidden;
  if (e.user_exists) {
    id["principalId"] = p.user_id;
    id["arn"] = p.arn;
  }
  return id;
}

// The name LookupEvents shows as Username.
std::string Username(const ConsoleEvent& e) {
  const model::ConsolePrincipal& p = e.principal;
  if (p.root()) return "root";
  if (p.federated()) return p.session_name;
  return e.user_exists ? p.user_name : audit::kHidden;
}

}  // namespace

model::AuditEntry ConsoleEventOf(const ConsoleEvent& e, const HttpRequest& request,
                                 const std::string& event_id, int64_t time_ms) {
  const bool sign_in = e.kind == ConsoleEventKind::kSignIn;
  audit::AuditCall a;
  a.event_id = event_id;
  a.time_ms = time_ms;
  a.service = "signin";
  a.event_name = sign_in ? "ConsoleLogin" : "SwitchRole";
  a.source_ip = request.remote_address;
  if (const std::string* agent = request.Header("user-agent")) a.user_agent = *agent;
  a.user_identity = audit::CanonicalJson(SignInIdentity(e));
  a.response_elements = audit::CanonicalJson({{a.event_name, e.success ? "Success" : "Failure"}});
  // CloudTrail gives a failed sign-in an errorMessage and no errorCode.
  if (!e.success) a.error_message = "Failed authentication";
  if (sign_in) {
    a.additional_event_data = {
        {"LoginTo", e.login_to}, {"MobileVersion", "No"}, {"MFAUsed", e.mfa_used ? "Yes" : "No"}};
  } else {
    a.additional_event_data = {{"SwitchFrom", e.principal.arn}, {"RedirectTo", e.login_to}};
    std::optional<ArnView> role = ArnView::Parse(e.role_arn);
    a.resources.push_back(
        {"AWS::IAM::Role", e.role_arn, e.role_arn, role ? std::string(role->account) : ""});
  }
  a.event_type = "AwsConsoleSignIn";
  a.recipient_account = e.principal.account_id;

  model::AuditEntry entry;
  entry.event_id = event_id;
  entry.account_id = e.principal.account_id;
  entry.time_ms = time_ms;
  entry.event_name = a.event_name;
  entry.event_source = audit::EventSource(a.service);
  entry.username = Username(e);
  entry.access_key_id = e.principal.access_key_id;
  if (!sign_in) entry.resources.emplace_back("AWS::IAM::Role", e.role_arn);
  entry.body = audit::CloudTrailRecord(a);
  return entry;
}

}  // namespace gatehouse::services
