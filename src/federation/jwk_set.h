// An identity provider's JSON Web Key Set (RFC 7517 §5), the document its jwks_uri serves: the
// public keys that may sign its ID tokens. Only signing keys gatehouse can verify with are kept:
// RSA keys of 2048 to 8192 bits and EC keys on P-256, P-384 or P-521 whose point is on the
// curve. Every other entry — symmetric ("oct") keys above all, which must never verify a token,
// encryption keys (use other than "sig", key_ops without "verify"), unknown types, malformed
// members — is skipped, so that one odd key does not lock out the provider's others.
// A JwkSet is immutable once parsed; copies share the OpenSSL keys, which OpenSSL allows to be
// used for verification from several threads at once. Thread-safe.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

// Documents larger than this are refused unread.
inline constexpr size_t kMaxJwksSize = 1 << 20;
// Keys kept from one document, and entries of "keys" looked at: the rest are ignored, which
// bounds the parse's work and the cost of trying every key on a token without "kid".
inline constexpr size_t kMaxJwksKeys = 100;
inline constexpr size_t kMaxJwksEntries = 1000;
inline constexpr int kMinRsaModulusBits = 2048;
inline constexpr int kMaxRsaModulusBits = 8192;

// AWS's answer when no verification key can be had from the identity provider (the two spaces
// are AWS's).
inline constexpr std::string_view kNoVerificationKeyMessage =
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements";

enum class JwkType { kRsa, kEc };

// One verification key of a set.
struct Jwk {
  std::string kid;  // "" when the key has none
  std::string alg;  // the key's own "alg" ("RS256", …); "" when it names none
  JwkType type = JwkType::kRsa;
  std::string curve;              // "P-256", "P-384" or "P-521" for kEc; "" for kRsa
  int bits = 0;                   // the modulus's bits (kRsa) or the curve's field size (kEc)
  std::shared_ptr<EVP_PKEY> key;  // the public key; never null
};

class JwkSet {
 public:
  JwkSet() = default;  // no keys

  // The usable keys of the JWKS document `json`, in document order. InvalidIdentityToken with
  // kNoVerificationKeyMessage only when the document is larger than kMaxJwksSize or is not a
  // JSON object with a "keys" array; a set of no usable keys is not an error.
  static Result<JwkSet> Parse(std::string_view json);

  size_t size() const { return keys_.size(); }
  const std::vector<Jwk>& keys() const { return keys_; }

  // The first key whose kid is exactly `kid`; nullptr when none is (or `kid` is empty).
  const Jwk* Find(std::string_view kid) const;
  // Whether some key has exactly this kid: a token naming a kid the set lacks may be signed with
  // a key the provider added since the set was fetched, worth one fetch of the set again.
  bool Has(std::string_view kid) const { return Find(kid) != nullptr; }

 private:
  std::vector<Jwk> keys_;
};

}  // namespace gatehouse::federation
