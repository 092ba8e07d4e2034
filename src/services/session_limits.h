// What temporary credentials may call at all, before any policy is read (AWS's rules for the
// credentials of GetSessionToken and GetFederationToken):
//   - a GetSessionToken session calls IAM only when it was authenticated with MFA, and of STS
//     only AssumeRole and GetCallerIdentity;
//   - a federated user calls no IAM operation, and of STS only GetCallerIdentity;
//   - no session calls GetSessionToken or GetFederationToken.
// Pure.
#pragma once

#include <string_view>

#include "auth/session_token.h"
#include "core/status.h"

namespace gatehouse::services {

Status SessionMayCall(const auth::SessionClaims& session, std::string_view service,
                      std::string_view operation);

// Whether the session's token is valid in `region` (the region a request is signed for): a
// version 1 token of the global endpoint is not in the Regions an account must opt in to, and
// is refused as AWS refuses it (InvalidClientTokenId).
Status SessionValidInRegion(const auth::SessionClaims& session, std::string_view region);

}  // namespace gatehouse::services
