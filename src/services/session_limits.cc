#include "services/session_limits.h"

#include <string>

namespace gatehouse::services {

Status SessionMayCall(const auth::SessionClaims& session, std::string_view service,
                      std::string_view operation) {
  if (service == "sts" && (operation == "GetSessionToken" || operation == "GetFederationToken")) {
    return Status(ErrorCode::kAccessDenied,
                  "Cannot call " + std::string(operation) + " with session credentials");
  }
  const bool user_session = session.kind == auth::SessionKind::kUserSession;
  const bool federated = session.kind == auth::SessionKind::kFederatedUser;
  if (!user_session && !federated) return Status::Ok();
  if (service == "iam" && (federated || !session.mfa)) {
    // AWS answers as if the token were not valid for IAM at all.
    return Status(ErrorCode::kInvalidClientTokenId, auth::kInvalidTokenMessage);
  }
  if (service == "sts" && operation != "GetCallerIdentity" &&
      (federated || operation != "AssumeRole")) {
    return Status(ErrorCode::kAccessDenied,
                  "Cannot call " + std::string(operation) + " with session credentials");
  }
  return Status::Ok();
}

}  // namespace gatehouse::services
