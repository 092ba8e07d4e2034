#include "audit/user_identity.h"

#include "audit/canonical_json.h"
#include "core/time_format.h"

namespace gatehouse::audit {
namespace {

// Members below are written in byte order of their names, the canonical form.

// The last part of an ARN's resource ("arn:aws:iam::A:user/team/alice" → "alice").
std::string_view LastName(std::string_view arn) {
  const size_t slash = arn.rfind('/');
  return slash == std::string_view::npos ? "" : arn.substr(slash + 1);
}

bool IsRootArn(std::string_view arn) { return arn.ends_with(":root"); }

// The members every caller's element begins with (accessKeyId when the call was signed).
void WritePrincipal(ObjectWriter& id, std::string_view access_key_id, std::string_view account_id,
                    std::string_view arn, std::string_view principal_id) {
  if (!access_key_id.empty()) id.String("accessKeyId", access_key_id);
  id.String("accountId", account_id);
  id.String("arn", arn);
  id.String("principalId", principal_id);
}

// Room for a caller's element without growing on the way (an assumed role's runs to ~450 bytes).
constexpr size_t kIdentityBytes = 512;

std::string KeyIdentity(const auth::AccessKeyRecord& c) {
  std::string out;
  out.reserve(kIdentityBytes);
  {
    ObjectWriter id(out);
    WritePrincipal(id, c.access_key_id, c.account_id, c.principal_arn, c.user_id);
    const bool root = IsRootArn(c.principal_arn);
    id.String("type", root ? "Root" : "IAMUser");
    if (!root) id.String("userName", LastName(c.principal_arn));
  }
  return out;
}

void WriteSessionIssuer(std::string& out, std::string_view type, std::string_view principal_id,
                        std::string_view arn, std::string_view account_id) {
  ObjectWriter issuer(out);
  issuer.String("accountId", account_id);
  issuer.String("arn", arn);
  issuer.String("principalId", principal_id);
  issuer.String("type", type);
  if (!IsRootArn(arn)) issuer.String("userName", LastName(arn));
}

// The sessionContext: attributes, assumedRoot, sessionIssuer, sourceIdentity and
// webIdFederationData as the session's kind has them.
void WriteSessionContext(std::string& out, const auth::SessionClaims& s) {
  ObjectWriter context(out);
  if (s.kind == auth::SessionKind::kRootSession) context.String("assumedRoot", "true");
  {
    ObjectWriter attributes(context.Nested("attributes"));
    attributes.String("creationDate", FormatIsoTime(s.issued_ms));
    attributes.String("mfaAuthenticated", s.mfa ? "true" : "false");
  }
  if (s.kind == auth::SessionKind::kAssumedRole) {
    WriteSessionIssuer(context.Nested("sessionIssuer"), "Role", s.role_id, s.source_arn,
                       s.account_id);
  } else if (s.kind == auth::SessionKind::kFederatedUser) {
    WriteSessionIssuer(context.Nested("sessionIssuer"),
                       IsRootArn(s.source_arn) ? "Root" : "IAMUser",
                       s.role_id.empty() ? s.account_id : s.role_id, s.source_arn, s.account_id);
  }
  if (!s.source_identity.empty()) context.String("sourceIdentity", s.source_identity);
  if (s.kind == auth::SessionKind::kAssumedRole) context.Raw("webIdFederationData", "{}");
}

const char* SessionType(const auth::SessionClaims& s) {
  switch (s.kind) {
    case auth::SessionKind::kAssumedRole:
      return "AssumedRole";
    case auth::SessionKind::kFederatedUser:
      return "FederatedUser";
    case auth::SessionKind::kUserSession:
      return IsRootArn(s.principal_arn) ? "Root" : "IAMUser";
    case auth::SessionKind::kRootSession:
      return "Root";
  }
  return "Unknown";
}

std::string SessionIdentity(const auth::SessionClaims& s) {
  std::string out;
  out.reserve(kIdentityBytes);
  {
    ObjectWriter id(out);
    WritePrincipal(id, s.access_key_id, s.account_id, s.principal_arn, s.user_id);
    WriteSessionContext(id.Nested("sessionContext"), s);
    id.String("type", SessionType(s));
    if (s.kind == auth::SessionKind::kUserSession && !IsRootArn(s.principal_arn)) {
      id.String("userName", LastName(s.principal_arn));
    }
  }
  return out;
}

}  // namespace

std::string UserIdentity(const auth::AccessKeyRecord& caller) {
  if (caller.principal_arn.empty()) return AnonymousIdentity();
  if (caller.session) return SessionIdentity(*caller.session);
  return KeyIdentity(caller);
}

std::string FederatedIdentity(std::string_view type, std::string_view principal_id,
                              std::string_view user_name, std::string_view provider) {
  std::string out;
  {
    ObjectWriter id(out);
    id.String("identityProvider", provider);
    id.String("principalId", principal_id);
    id.String("type", type);
    id.String("userName", user_name);
  }
  return out;
}

std::string AnonymousIdentity() { return R"({"accountId":"","principalId":"","type":"Unknown"})"; }

std::string ServiceIdentity(std::string_view invoked_by) {
  std::string out;
  {
    ObjectWriter id(out);
    id.String("invokedBy", invoked_by);
    id.String("type", "AWSService");
  }
  return out;
}

}  // namespace gatehouse::audit
