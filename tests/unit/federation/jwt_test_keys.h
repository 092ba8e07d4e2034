// Test helpers: key pairs generated with OpenSSL, their JWK form, and ID tokens signed with
// them the way an identity provider signs them (jwt_test.cc, jwk_set_test.cc,
// jwt_signature_test.cc).
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "federation/base64url.h"

namespace gatehouse::federation::testing_support {

using KeyPtr = std::shared_ptr<EVP_PKEY>;

inline KeyPtr Owned(EVP_PKEY* key) {
  if (key == nullptr) throw std::runtime_error("OpenSSL key generation failed");
  return KeyPtr(key, EVP_PKEY_free);
}

inline KeyPtr NewRsaKey(size_t bits) {
  return Owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

// `curve`: "P-256", "P-384", "P-521".
inline KeyPtr NewEcKey(const char* curve) {
  return Owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

// Generating RSA keys is slow under the sanitizers: the tests share these.
struct TestKeys {
  KeyPtr rsa = NewRsaKey(2048);
  KeyPtr rsa_other = NewRsaKey(2048);
  KeyPtr rsa_1024 = NewRsaKey(1024);
  KeyPtr p256 = NewEcKey("P-256");
  KeyPtr p256_other = NewEcKey("P-256");
  KeyPtr p384 = NewEcKey("P-384");
  KeyPtr p521 = NewEcKey("P-521");
};

inline const TestKeys& Keys() {
  static const TestKeys keys;
  return keys;
}

// The big-endian bytes of a BIGNUM parameter, left-padded with zeros to `width` when not 0.
inline std::string BnParam(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error(name);
  int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size);
  BN_free(bn);
  return out;
}

inline bool IsEc(EVP_PKEY* key) { return EVP_PKEY_is_a(key, "EC") == 1; }

// The curve's JWK name and the bytes of a coordinate.
inline std::pair<std::string, int> CurveOf(EVP_PKEY* key) {
  int bits = EVP_PKEY_get_bits(key);
  if (bits == 256) return {"P-256", 32};
  if (bits == 384) return {"P-384", 48};
  return {"P-521", 66};
}

// The public JWK of `key`, with `kid` when not empty.
inline nlohmann::json Jwk(EVP_PKEY* key, const std::string& kid = "") {
  nlohmann::json jwk;
  if (IsEc(key)) {
    auto [crv, width] = CurveOf(key);
    jwk = {{"kty", "EC"},
           {"crv", crv},
           {"x", Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, width))},
           {"y", Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, width))}};
  } else {
    jwk = {{"kty", "RSA"},
           {"n", Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_RSA_N))},
           {"e", Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_RSA_E))}};
  }
  if (!kid.empty()) jwk["kid"] = kid;
  return jwk;
}

inline std::string KeySet(std::initializer_list<nlohmann::json> keys) {
  return nlohmann::json{{"keys", nlohmann::json::array_t(keys)}}.dump();
}

// The digest OpenSSL names for a JWS algorithm ("RS256" → "SHA256").
inline std::string DigestOf(const std::string& alg) { return "SHA" + alg.substr(2); }

// A JWS ECDSA signature (r ‖ s, each `width` bytes) from OpenSSL's DER one.
inline std::string DerToRaw(const std::string& der, int width) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) throw std::runtime_error("d2i_ECDSA_SIG");
  std::string raw(static_cast<size_t>(2 * width), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, width);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + width, width);
  ECDSA_SIG_free(sig);
  return raw;
}

// The JWS signature of `input` under `alg` ("RS256", "PS384", "ES512", …) with `key`, as the
// algorithm defines it. For ES*, the raw form unless `der` is set.
inline std::string Sign(const std::string& alg, EVP_PKEY* key, const std::string& input,
                        bool der = false) {
  std::string digest = DigestOf(alg);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit_ex(ctx, &pctx, digest.c_str(), nullptr, nullptr, key, nullptr) != 1) {
    throw std::runtime_error("EVP_DigestSignInit_ex");
  }
  if (alg[0] == 'P') {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, digest.c_str(), nullptr);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &size, in, input.size());
  std::string sig(size, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &size, in, input.size()) !=
      1) {
    throw std::runtime_error("EVP_DigestSign");
  }
  sig.resize(size);
  EVP_MD_CTX_free(ctx);
  if (alg[0] == 'E' && !der) return DerToRaw(sig, CurveOf(key).second);
  return sig;
}

// HMAC of `input` keyed with `secret`, as an HS256/384/512 token carries it.
inline std::string Hmac(const std::string& alg, const std::string& secret,
                        const std::string& input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t size = 0;
  std::string digest = DigestOf(alg);
  EVP_Q_mac(nullptr, "HMAC", nullptr, digest.c_str(), nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, sizeof out,
            &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

// base64url(header).base64url(claims), the JWS signing input.
inline std::string SigningInput(const nlohmann::json& header, const nlohmann::json& claims) {
  return Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
}

inline std::string Compact(const std::string& signing_input, const std::string& signature) {
  return signing_input + "." + Base64UrlEncode(signature);
}

inline nlohmann::json Header(const std::string& alg, const std::string& kid = "") {
  nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = kid;
  return header;
}

inline nlohmann::json Claims() {
  return {{"iss", "https://idp.example.com"},
          {"sub", "alice"},
          {"aud", "sts.amazonaws.com"},
          {"iat", 1700000000},
          {"exp", 1700003600}};
}

// A token of `alg` signed with `key`, its header naming `kid` when not empty.
inline std::string SignedToken(const std::string& alg, EVP_PKEY* key, const std::string& kid,
                               const nlohmann::json& claims = Claims()) {
  std::string input = SigningInput(Header(alg, kid), claims);
  return Compact(input, Sign(alg, key, input));
}

}  // namespace gatehouse::federation::testing_support
