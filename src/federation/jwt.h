// An OpenID Connect ID token as AssumeRoleWithWebIdentity receives it: a JSON Web Token in JWS
// compact serialization (RFC 7519, RFC 7515 §7.1), header.payload.signature, each part base64url
// without padding. ParseJwt only takes the token apart; nothing in a parsed Jwt is trusted until
// VerifyJwtSignature (jwt_signature.h) accepts it and the claims are checked (jwt_claims.h).
// Header parameters that point at keys (jwk, jku, x5c, x5u) are never used: keys come only from
// the identity provider's key set. Values; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::federation {

// AWS's bound on AssumeRoleWithWebIdentity's WebIdentityToken.
inline constexpr size_t kMaxJwtSize = 20000;
// How deep the header's and the claims' JSON may nest; ID tokens' claims are flat or nearly.
inline constexpr int kMaxJwtJsonDepth = 32;

struct Jwt {
  nlohmann::json header;      // a JSON object
  nlohmann::json claims;      // a JSON object (the payload)
  std::string signing_input;  // the first two parts as received, joined by '.': what is signed
  std::string signature;      // the decoded bytes of the third part
  std::string alg;            // the header's "alg", unchecked here
  std::string kid;            // the header's "kid"; "" when it has none (or an empty one)
};

// The parts of `token`, or InvalidIdentityToken when it is larger than kMaxJwtSize, is not
// three canonical base64url parts, its header or payload is not a JSON object (each member named
// once, nesting at most kMaxJwtJsonDepth), "alg" is not a string, "kid" is present but not a
// string, or the header has "crit" (no extension is understood, so RFC 7515 §4.1.11 requires
// refusing it).
Result<Jwt> ParseJwt(std::string_view token);

}  // namespace gatehouse::federation
