// sts:GetSessionToken and sts:GetFederationToken: temporary credentials for an IAM user (or the
// root user) itself — with MFA, the way to meet policies that require it — or for a federated
// user bounded by the session policy passed. Both take long-term credentials only; the root
// user's sessions last at most an hour.
#include "services/request_context.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultSessionTokenSeconds = 43200;
constexpr int64_t kRootMaxSeconds = 3600;

int64_t Duration(const OperationContext& c) {
  int64_t duration = c.input.value("DurationSeconds", kDefaultSessionTokenSeconds);
  return c.caller.principal_arn.ends_with(":root") ? std::min(duration, kRootMaxSeconds) : duration;
}

// The unique id (AIDA…) of the IAM user making a session, which the session's rights then
// depend on; "" for the root user.
std::string SourceUniqueId(const auth::AccessKeyRecord& caller) {
  return caller.user_id == caller.account_id ? "" : caller.user_id;
}

Result<json> GetSessionToken(StsContext& sts, const OperationContext& c) {
  bool mfa = false;
  if (Status s = CheckMfaInput(sts, c, &mfa); !s.ok()) return s;
  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kUserSession;
  claims.account_id = c.caller.account_id;
  claims.principal_arn = c.caller.principal_arn;
  claims.user_id = c.caller.user_id;
  claims.source_arn = c.caller.principal_arn;
  claims.role_id = SourceUniqueId(c.caller);
  claims.mfa = mfa;
  claims.mfa_time_ms = mfa ? sts.iam.now_ms() : 0;
  Result<json> credentials = IssueCredentials(sts, claims, Duration(c));
  if (!credentials.ok()) return credentials.status();
  return json{{"Credentials", std::move(credentials).value()}};
}

Result<json> GetFederationToken(StsContext& sts, const OperationContext& c) {
  const std::string name = c.input.value("Name", "");
  Result<SessionInputs> inputs = ReadSessionInputs(c.input);
  if (!inputs.ok()) return inputs.status();
  const std::string arn = "arn:aws:sts::" + c.caller.account_id + ":federated-user/" + name;
  authz::AuthzRequest az = *c.caller_request;
  az.action = "sts:GetFederationToken";
  az.resource = arn;
  az.resource_account = c.caller.account_id;
  az.context = RequestContextKeys(c.input, ResourceInfo{arn, {}, "", ""});
  if (Status s = c.authorize(az); !s.ok()) return s;
  if (!inputs->tags.empty()) {
    az.action = "sts:TagSession";
    if (Status s = c.authorize(az); !s.ok()) return s;
  }

  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kFederatedUser;
  claims.account_id = c.caller.account_id;
  claims.principal_arn = arn;
  claims.user_id = c.caller.account_id + ":" + name;
  claims.source_arn = c.caller.principal_arn;
  claims.role_id = SourceUniqueId(c.caller);
  // Without a session policy a federated user may do nothing.
  claims.has_session_policy = true;
  claims.session_policy = inputs->policy;
  claims.session_policy_arns = inputs->policy_arns;
  claims.tags = inputs->tags;
  Result<json> credentials = IssueCredentials(sts, claims, Duration(c));
  if (!credentials.ok()) return credentials.status();
  return json{{"Credentials", std::move(credentials).value()},
              {"FederatedUser", {{"FederatedUserId", claims.user_id}, {"Arn", arn}}},
              {"PackedPolicySize", inputs->packed_percent}};
}

}  // namespace

void RegisterSessionTokenOperations(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "GetSessionToken",
                      [&sts](const OperationContext& c) { return GetSessionToken(sts, c); });
  dispatcher.Register("sts", "GetFederationToken",
                      [&sts](const OperationContext& c) { return GetFederationToken(sts, c); });
}

}  // namespace gatehouse::services::sts
