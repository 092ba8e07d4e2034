#include "federation/jwt_signature.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "core/openssl_ptr.h"

namespace gatehouse::federation {
namespace {

constexpr std::string_view kBadSignature = "The signature of the ID Token could not be verified.";

enum class Scheme { kRsaPkcs1, kRsaPss, kEcdsa };

struct JwsAlgorithm {
  std::string_view name;
  Scheme scheme;
  const char* digest;      // OpenSSL's name of the hash
  std::string_view curve;  // ECDSA: the only curve the algorithm is defined on
  size_t coordinate_size;  // ECDSA: bytes of r and of s in the JWS signature
};

// The one list of accepted algorithms (RFC 7518 §3.1).
constexpr JwsAlgorithm kAlgorithms[] = {
    {"RS256", Scheme::kRsaPkcs1, "SHA256", "", 0},
    {"RS384", Scheme::kRsaPkcs1, "SHA384", "", 0},
    {"RS512", Scheme::kRsaPkcs1, "SHA512", "", 0},
    {"PS256", Scheme::kRsaPss, "SHA256", "", 0},
    {"PS384", Scheme::kRsaPss, "SHA384", "", 0},
    {"PS512", Scheme::kRsaPss, "SHA512", "", 0},
    {"ES256", Scheme::kEcdsa, "SHA256", "P-256", 32},
    {"ES384", Scheme::kEcdsa, "SHA384", "P-384", 48},
    {"ES512", Scheme::kEcdsa, "SHA512", "P-521", 66},
};

const JwsAlgorithm* FindAlgorithm(std::string_view name) {
  auto it = std::find_if(std::begin(kAlgorithms), std::end(kAlgorithms),
                         [&](const JwsAlgorithm& a) { return a.name == name; });
  return it == std::end(kAlgorithms) ? nullptr : it;
}

// Whether `key` may verify signatures of `alg`: its type and curve are the algorithm's, and its
// own "alg", when it has one, is this one.
bool Suits(const Jwk& key, const JwsAlgorithm& alg) {
  if (!key.alg.empty() && key.alg != alg.name) return false;
  if (alg.scheme == Scheme::kEcdsa) return key.type == JwkType::kEc && key.curve == alg.curve;
  return key.type == JwkType::kRsa;
}

// Whether `key` is one the token asks for: the one with its kid, or any when it names none.
bool Named(const Jwk& key, const Jwt& jwt) { return jwt.kid.empty() || key.kid == jwt.kid; }

// A JWS ECDSA signature is r ‖ s, each as wide as the curve's order; OpenSSL verifies the DER
// ECDSA-Sig-Value. "" when `raw` is not that wide.
std::string EcdsaRawToDer(std::string_view raw, size_t coordinate_size) {
  if (raw.size() != 2 * coordinate_size) return "";
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(coordinate_size), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + coordinate_size, static_cast<int>(coordinate_size), nullptr);
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return "";
  }
  // ECDSA_SIG_set0 took r and s.
  int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return "";
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) return "";
  return der;
}

// Sets the RSA padding of a verification: PKCS #1 v1.5, or PSS with MGF1 of the same hash and a
// salt exactly as long as the hash (RFC 7518 §3.5).
bool SetRsaPadding(EVP_PKEY_CTX* ctx, const JwsAlgorithm& alg) {
  if (alg.scheme == Scheme::kRsaPkcs1) {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  }
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, alg.digest, nullptr) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1;
}

bool VerifyWithKey(const Jwt& jwt, const JwsAlgorithm& alg, const Jwk& key) {
  std::string signature;
  if (alg.scheme == Scheme::kEcdsa) {
    signature = EcdsaRawToDer(jwt.signature, alg.coordinate_size);
    if (signature.empty()) return false;
  } else {
    if (jwt.signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.key.get()))) {
      return false;
    }
    signature = jwt.signature;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pkey_ctx, alg.digest, nullptr, nullptr,
                                      key.key.get(), nullptr) != 1) {
    return false;
  }
  if (alg.scheme != Scheme::kEcdsa && !SetRsaPadding(pkey_ctx, alg)) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(jwt.signing_input.data()),
                          jwt.signing_input.size()) == 1;
}

bool AnyKeyVerifies(const Jwt& jwt, const JwsAlgorithm& alg, const JwkSet& keys) {
  for (const Jwk& key : keys.keys()) {
    if (Named(key, jwt) && Suits(key, alg) && VerifyWithKey(jwt, alg, key)) return true;
  }
  return false;
}

}  // namespace

bool SigningKeyMissing(const Jwt& jwt, const JwkSet& keys) {
  const JwsAlgorithm* alg = FindAlgorithm(jwt.alg);
  if (alg == nullptr) return false;
  if (!jwt.kid.empty()) return !keys.Has(jwt.kid);
  return std::none_of(keys.keys().begin(), keys.keys().end(),
                      [&](const Jwk& key) { return Suits(key, *alg); });
}

Status VerifyJwtSignature(const Jwt& jwt, const JwkSet& keys) {
  const JwsAlgorithm* alg = FindAlgorithm(jwt.alg);
  if (alg == nullptr) return Status(ErrorCode::kInvalidIdentityToken, std::string(kBadSignature));
  if (SigningKeyMissing(jwt, keys)) {
    return Status(ErrorCode::kInvalidIdentityToken, std::string(kNoVerificationKeyMessage));
  }
  bool verified = AnyKeyVerifies(jwt, *alg, keys);
  // A failed verification leaves OpenSSL's reasons on this thread's error queue.
  ERR_clear_error();
  if (!verified) return Status(ErrorCode::kInvalidIdentityToken, std::string(kBadSignature));
  return Status::Ok();
}

}  // namespace gatehouse::federation
