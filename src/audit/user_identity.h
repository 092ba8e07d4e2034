// CloudTrail's userIdentity element for whoever made a call: an IAM user's or the root user's
// access key, a session of any kind (AssumedRole with its sessionContext — sessionIssuer,
// creationDate, mfaAuthenticated, sourceIdentity —, FederatedUser, an IAM user's or the root
// user's GetSessionToken session, an AssumeRoot session), the identity an unsigned
// AssumeRoleWithWebIdentity or AssumeRoleWithSAML named (WebIdentityUser, SAMLUser), a
// console sign-in's principal, and the service itself (AWSService). Each is canonical JSON text
// (canonical_json.h), written out directly for the callers of every request. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/credentials.h"

namespace gatehouse::audit {

// The element for a caller authenticated by `caller` (a key, a session or a console session).
std::string UserIdentity(const auth::AccessKeyRecord& caller);

// An identity provider's user, for the unsigned federation calls: `type` "WebIdentityUser" or
// "SAMLUser", `principal_id` ("accounts.example.com:aud:sub", "NAMEQUALIFIER:sub"), the
// subject as userName and the provider (its URL host, or its ARN).
std::string FederatedIdentity(std::string_view type, std::string_view principal_id,
                              std::string_view user_name, std::string_view provider);

// A call nobody authenticated (a refused signature, a malformed request).
std::string AnonymousIdentity();

// The service acting on its own (the organization's background work): {"type":"AWSService",
// "invokedBy":"organizations.amazonaws.com"}.
std::string ServiceIdentity(std::string_view invoked_by);

}  // namespace gatehouse::audit
