// Verification of an ID token's JWS signature with its identity provider's key set.
// Only asymmetric algorithms are accepted — RS256/384/512 (RSASSA-PKCS1-v1_5), PS256/384/512
// (RSASSA-PSS, MGF1 with the same hash, salt as long as the hash) and ES256/384/512 (ECDSA on
// P-256, P-384, P-521) — and the token's "alg" is checked against this list before any key is
// looked at, so that "none" and the HMAC algorithms (whose "key" an attacker could take from the
// provider's public key) never verify anything. A key verifies only the algorithms of its own
// type and curve, and only its own "alg" when it names one (no key confusion).
// Pure functions; thread-safe.
#pragma once

#include "core/status.h"
#include "federation/jwk_set.h"
#include "federation/jwt.h"

namespace gatehouse::federation {

// OK when a key of `keys` that may verify `jwt.alg` verifies jwt's signature over its signing
// input. The keys tried: those whose kid is the token's, when it has one; every key otherwise.
// InvalidIdentityToken in every other case:
// - with AWS's kNoVerificationKeyMessage when SigningKeyMissing(jwt, keys);
// - with "The signature of the ID Token could not be verified." otherwise (unsupported alg,
//   a key of the wrong type, curve or alg, a signature of the wrong length, a wrong signature).
Status VerifyJwtSignature(const Jwt& jwt, const JwkSet& keys);

// Whether `keys` lacks the key that could verify `jwt`: the alg is supported and either the
// token names a kid no key has, or it names none and no key suits the alg. Fetching the
// provider's key set again may then help (it may have rotated keys); in any other failure it
// cannot.
bool SigningKeyMissing(const Jwt& jwt, const JwkSet& keys);

}  // namespace gatehouse::federation
