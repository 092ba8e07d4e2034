#include "audit/user_identity.h"

#include "core/time_format.h"

namespace gatehouse::audit {
namespace {

using nlohmann::json;

// The last part of an ARN's resource ("arn:aws:iam::A:user/team/alice" → "alice").
std::string LastName(const std::string& arn) {
  const size_t slash = arn.rfind('/');
  return slash == std::string::npos ? "" : arn.substr(slash + 1);
}

bool IsRootArn(const std::string& arn) { return arn.ends_with(":root"); }

json Attributes(const auth::SessionClaims& s) {
  return {{"creationDate", FormatIsoTime(s.issued_ms)},
          {"mfaAuthenticated", s.mfa ? "true" : "false"}};
}

json KeyIdentity(const auth::AccessKeyRecord& c) {
  json id = {{"principalId", c.user_id}, {"arn", c.principal_arn}, {"accountId", c.account_id}};
  if (IsRootArn(c.principal_arn)) {
    id["type"] = "Root";
  } else {
    id["type"] = "IAMUser";
    id["userName"] = LastName(c.principal_arn);
  }
  if (!c.access_key_id.empty()) id["accessKeyId"] = c.access_key_id;
  return id;
}

json SessionIssuer(const char* type, const std::string& principal_id, const std::string& arn,
                   const std::string& account_id) {
  json issuer = {
      {"type", type}, {"principalId", principal_id}, {"arn", arn}, {"accountId", account_id}};
  if (!IsRootArn(arn)) issuer["userName"] = LastName(arn);
  return issuer;
}

json SessionIdentity(const auth::SessionClaims& s) {
  json id = {{"principalId", s.user_id}, {"arn", s.principal_arn}, {"accountId", s.account_id}};
  if (!s.access_key_id.empty()) id["accessKeyId"] = s.access_key_id;
  json context = {{"attributes", Attributes(s)}};
  switch (s.kind) {
    case auth::SessionKind::kAssumedRole:
      id["type"] = "AssumedRole";
      context["sessionIssuer"] = SessionIssuer("Role", s.role_id, s.source_arn, s.account_id);
      context["webIdFederationData"] = json::object();
      break;
    case auth::SessionKind::kFederatedUser:
      id["type"] = "FederatedUser";
      context["sessionIssuer"] =
          SessionIssuer(IsRootArn(s.source_arn) ? "Root" : "IAMUser",
                        s.role_id.empty() ? s.account_id : s.role_id, s.source_arn, s.account_id);
      break;
    case auth::SessionKind::kUserSession:
      id["type"] = IsRootArn(s.principal_arn) ? "Root" : "IAMUser";
      if (!IsRootArn(s.principal_arn)) id["userName"] = LastName(s.principal_arn);
      break;
    case auth::SessionKind::kRootSession:
      id["type"] = "Root";
      context["assumedRoot"] = "true";
      break;
  }
  if (!s.source_identity.empty()) context["sourceIdentity"] = s.source_identity;
  id["sessionContext"] = std::move(context);
  return id;
}

}  // namespace

json UserIdentity(const auth::AccessKeyRecord& caller) {
  if (caller.principal_arn.empty()) return AnonymousIdentity();
  if (caller.session) return SessionIdentity(*caller.session);
  return KeyIdentity(caller);
}

json FederatedIdentity(const std::string& type, const std::string& principal_id,
                       const std::string& user_name, const std::string& provider) {
  return {{"type", type},
          {"principalId", principal_id},
          {"userName", user_name},
          {"identityProvider", provider}};
}

json AnonymousIdentity() { return {{"type", "Unknown"}, {"principalId", ""}, {"accountId", ""}}; }

json ServiceIdentity(const std::string& invoked_by) {
  return {{"type", "AWSService"}, {"invokedBy", invoked_by}};
}

}  // namespace gatehouse::audit
