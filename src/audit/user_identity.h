// CloudTrail's userIdentity element for whoever made a call: an IAM user's or the root user's
// access key, a session of any kind (AssumedRole with its sessionContext — sessionIssuer,
// creationDate, mfaAuthenticated, sourceIdentity —, FederatedUser, an IAM user's or the root
// user's GetSessionToken session, an AssumeRoot session), the identity an unsigned
// AssumeRoleWithWebIdentity or AssumeRoleWithSAML named (WebIdentityUser, SAMLUser), a
// console sign-in's principal, and the service itself (AWSService). Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "auth/credentials.h"

namespace gatehouse::audit {

// The element for a caller authenticated by `caller` (a key, a session or a console session).
nlohmann::json UserIdentity(const auth::AccessKeyRecord& caller);

// An identity provider's user, for the unsigned federation calls: `type` "WebIdentityUser" or
// "SAMLUser", `principal_id` ("accounts.example.com:aud:sub", "NAMEQUALIFIER:sub"), the
// subject as userName and the provider (its URL host, or its ARN).
nlohmann::json FederatedIdentity(const std::string& type, const std::string& principal_id,
                                 const std::string& user_name, const std::string& provider);

// A call nobody authenticated (a refused signature, a malformed request).
nlohmann::json AnonymousIdentity();

// The service acting on its own (the organization's background work): {"type":"AWSService",
// "invokedBy":"organizations.amazonaws.com"}.
nlohmann::json ServiceIdentity(const std::string& invoked_by);

}  // namespace gatehouse::audit
