#include "services/session_limits.h"

#include <algorithm>
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

// The Regions an account must opt in to (AWS's list of Regions introduced after 20 March 2019,
// disabled by default).
constexpr std::string_view kOptInRegions[] = {
    "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-south-2",     "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1",
    "eu-central-2",   "eu-south-1",     "eu-south-2",     "il-central-1",   "me-central-1",
    "me-south-1",     "mx-central-1"};

Status SessionValidInRegion(const auth::SessionClaims& session, std::string_view region) {
  if (session.default_regions_only && std::find(std::begin(kOptInRegions), std::end(kOptInRegions),
                                                region) != std::end(kOptInRegions)) {
    return Status(ErrorCode::kInvalidClientTokenId, auth::kInvalidTokenMessage);
  }
  return Status::Ok();
}

}  // namespace gatehouse::services
