// Reading the registered claims of a parsed ID token (RFC 7519 §4.1): its validity period and
// its audiences, plus plain string claims (iss, sub, …). Read these only from a token whose
// signature VerifyJwtSignature accepted. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "federation/jwt.h"

namespace gatehouse::federation {

// Checks the token's validity period at `now_s` (epoch seconds), allowing `skew_s` seconds of
// clock difference with the identity provider either way:
// - "exp" is required; the token has expired when now_s >= exp + skew_s
//   (ExpiredTokenException with AWS's "Token expired: current date/time …" wording);
// - "nbf", when present, must be <= now_s + skew_s;
// - "iat", when present, must be <= now_s + skew_s (a token is not issued in the future).
// Each is a NumericDate: a JSON number of seconds, integer or not; a fraction shortens the
// validity period (exp rounds down, nbf and iat round up). Anything else — a string, a value
// beyond the year 9999 — is InvalidIdentityToken. Arithmetic saturates: no input overflows.
Status CheckJwtTimes(const Jwt& jwt, int64_t now_s, int64_t skew_s);

// The token's audiences: "aud" as one string or an array of strings. Empty when "aud" is
// absent or anything else (an array holding a non-string too), so that no audience matches.
std::vector<std::string> Audiences(const Jwt& jwt);

// The claim `name` when it is a string; nullopt when absent or of another type.
std::optional<std::string> StringClaim(const Jwt& jwt, std::string_view name);

}  // namespace gatehouse::federation
