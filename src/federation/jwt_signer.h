// Signing of JSON Web Tokens (RFC 7519, JWS compact serialization, RFC 7515 §7.1) with the keys
// of the server's own token issuers: RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys) and
// ES384 (ECDSA on P-384 with SHA-384, the signature as r ‖ s, 48 bytes each). A key is made with
// GenerateSigningKey, kept as a PKCS #8 PEM private key, and published as a public JWK (RFC 7517)
// whose kid is its RFC 7638 thumbprint, so that the same key has the same kid on every server.
// A JwtSigner is immutable; OpenSSL allows one key to sign from several threads at once.
// Thread-safe.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::federation {

enum class SigningAlgorithm { kRs256, kEs384 };

// "RS256" or "ES384" → the algorithm; nullopt for any other spelling.
std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view name);
std::string_view SigningAlgorithmName(SigningAlgorithm alg);

// A new private key for `alg`, as PKCS #8 PEM.
Result<std::string> GenerateSigningKey(SigningAlgorithm alg);

class JwtSigner {
 public:
  // The signer of PKCS #8 PEM `pem`, which must hold a key of `alg`'s type (and curve);
  // InternalFailure otherwise.
  static Result<JwtSigner> FromPem(SigningAlgorithm alg, std::string_view pem);

  SigningAlgorithm algorithm() const { return alg_; }
  const std::string& kid() const { return kid_; }
  // The public key as a JWK: kty, kid, use "sig", alg, and n and e (RSA) or crv, x and y (EC).
  const nlohmann::json& public_jwk() const { return jwk_; }

  // header.payload.signature of `claims` (a JSON object), the header
  // {"alg", "kid", "typ": "JWT"}.
  Result<std::string> Sign(const nlohmann::json& claims) const;

 private:
  JwtSigner() = default;

  SigningAlgorithm alg_ = SigningAlgorithm::kRs256;
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
  nlohmann::json jwk_;
};

}  // namespace gatehouse::federation
