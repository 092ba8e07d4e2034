// The answers STS gives about a SAML response that AssumeRoleWithSAML (or the console's SAML
// sign-in) cannot accept, in one place so that the verifier's files and their tests agree.
// AWS's own wording where it is known (the IAM user guide's SAML troubleshooting page and what
// STS answers clients), plain wording of ours otherwise. Pure; thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace gatehouse::federation {

// AWS: no signature, or none that the provider's certificates verify (InvalidIdentityToken).
inline constexpr char kSamlSignatureInvalid[] = "Response signature invalid";
// AWS: the issuer is not the provider's entity id (InvalidIdentityToken).
inline constexpr char kSamlIssuerMismatch[] = "Issuer not present in specified provider";
// AWS: no AudienceRestriction names an audience the server accepts (InvalidIdentityToken).
inline constexpr char kSamlAudienceMissing[] = "Response does not contain the required audience.";
// AWS: the assertion's validity has passed (ExpiredTokenException).
inline constexpr char kSamlExpired[] = "Token must be redeemed within 5 minutes of issuance";
// Ours: the assertion's NotBefore is still ahead (InvalidIdentityToken).
inline constexpr char kSamlNotYetValid[] = "The SAML assertion is not yet valid";
// The prefix of every other refusal (InvalidIdentityToken): "Invalid SAML response: <reason>".
inline constexpr char kSamlInvalidPrefix[] = "Invalid SAML response: ";
// From the API reference's description of IDPRejectedClaim: the response's status is not
// Success, so the identity provider did not sign the user in.
inline constexpr char kSamlRejected[] =
    "The identity provider (IdP) reported that authentication failed.";

inline Status SamlInvalid(const std::string& reason) {
  return Status(ErrorCode::kInvalidIdentityToken, kSamlInvalidPrefix + reason);
}
inline Status SamlSignatureInvalid() {
  return Status(ErrorCode::kInvalidIdentityToken, kSamlSignatureInvalid);
}

}  // namespace gatehouse::federation
