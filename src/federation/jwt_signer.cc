#include "federation/jwt_signer.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/openssl_ptr.h"
#include "federation/base64url.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;

constexpr int kRsaBits = 2048;
constexpr const char* kEcGroup = "secp384r1";  // P-384
constexpr size_t kEs384CoordinateSize = 48;

Status SigningError(std::string_view what) {
  ERR_clear_error();
  return Status(ErrorCode::kInternalFailure, "token signing key: " + std::string(what));
}

const char* DigestOf(SigningAlgorithm alg) {
  return alg == SigningAlgorithm::kRs256 ? "SHA256" : "SHA384";
}

// The bytes of `n`, big-endian, left-padded with zeros to `width` bytes (0: no padding).
std::string BignumBytes(const BIGNUM* n, size_t width) {
  size_t size = width != 0 ? width : static_cast<size_t>(BN_num_bytes(n));
  std::string out(size, '\0');
  if (BN_bn2binpad(n, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) < 0) {
    return "";
  }
  return out;
}

// Parameter `name` of `key` as base64url of its big-endian bytes; "" when it has none.
std::string BignumParam(EVP_PKEY* key, const char* name, size_t width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return "";
  BignumPtr n(raw);
  std::string bytes = BignumBytes(n.get(), width);
  return bytes.empty() ? "" : Base64UrlEncode(bytes);
}

// Whether `key` is one `alg` signs with: RSA of at least kRsaBits, or EC on P-384.
bool KeySuits(EVP_PKEY* key, SigningAlgorithm alg) {
  if (alg == SigningAlgorithm::kRs256) {
    return EVP_PKEY_is_a(key, "RSA") == 1 && EVP_PKEY_get_bits(key) >= kRsaBits;
  }
  char group[64] = {};
  size_t length = 0;
  return EVP_PKEY_is_a(key, "EC") == 1 &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                        &length) == 1 &&
         std::string_view(group, length) == kEcGroup;
}

// The public members of `key`'s JWK that its RFC 7638 thumbprint covers.
json ThumbprintMembers(EVP_PKEY* key, SigningAlgorithm alg) {
  if (alg == SigningAlgorithm::kRs256) {
    return json{{"kty", "RSA"},
                {"n", BignumParam(key, OSSL_PKEY_PARAM_RSA_N, 0)},
                {"e", BignumParam(key, OSSL_PKEY_PARAM_RSA_E, 0)}};
  }
  return json{{"kty", "EC"},
              {"crv", "P-384"},
              {"x", BignumParam(key, OSSL_PKEY_PARAM_EC_PUB_X, kEs384CoordinateSize)},
              {"y", BignumParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, kEs384CoordinateSize)}};
}

// RFC 7638: SHA-256 of the required members, keys sorted, no whitespace (nlohmann's objects are
// sorted and dump without any).
std::string Thumbprint(const json& members) {
  return Base64UrlEncode(AsBytes(Sha256(members.dump())));
}

// OpenSSL's DER ECDSA-Sig-Value as JWS wants it: r ‖ s, each `width` bytes. "" when malformed.
std::string EcdsaDerToRaw(const std::string& der, size_t width) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return "";
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string rb = BignumBytes(r, width);
  std::string sb = BignumBytes(s, width);
  return rb.empty() || sb.empty() ? "" : rb + sb;
}

// Never prompts for a passphrase: an encrypted key simply fails to load.
int NoPassphrase(char*, int, int, void*) { return 0; }

}  // namespace

std::optional<SigningAlgorithm> ParseSigningAlgorithm(std::string_view name) {
  if (name == "RS256") return SigningAlgorithm::kRs256;
  if (name == "ES384") return SigningAlgorithm::kEs384;
  return std::nullopt;
}

std::string_view SigningAlgorithmName(SigningAlgorithm alg) {
  return alg == SigningAlgorithm::kRs256 ? "RS256" : "ES384";
}

Result<std::string> GenerateSigningKey(SigningAlgorithm alg) {
  EvpPkeyPtr key(alg == SigningAlgorithm::kRs256
                     ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kRsaBits))
                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kEcGroup));
  if (!key) return SigningError("could not be generated");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1) {
    return SigningError("could not be encoded");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0) return SigningError("could not be encoded");
  return std::string(data, static_cast<size_t>(length));
}

Result<JwtSigner> JwtSigner::FromPem(SigningAlgorithm alg, std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return SigningError("could not be read");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (raw == nullptr) return SigningError("is not a PEM private key");
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  if (!KeySuits(key.get(), alg)) {
    return SigningError("is not a key for " + std::string(SigningAlgorithmName(alg)));
  }
  JwtSigner signer;
  signer.alg_ = alg;
  signer.key_ = std::move(key);
  json members = ThumbprintMembers(signer.key_.get(), alg);
  for (const auto& [name, value] : members.items()) {
    if (value.get_ref<const std::string&>().empty()) return SigningError("has no public part");
  }
  signer.kid_ = Thumbprint(members);
  signer.jwk_ = members;
  signer.jwk_["kid"] = signer.kid_;
  signer.jwk_["use"] = "sig";
  signer.jwk_["alg"] = std::string(SigningAlgorithmName(alg));
  return signer;
}

Result<std::string> JwtSigner::Sign(const json& claims) const {
  const json header{{"alg", SigningAlgorithmName(alg_)}, {"kid", kid_}, {"typ", "JWT"}};
  const std::string input =
      Base64UrlEncode(header.dump()) + "." +
      Base64UrlEncode(claims.dump(-1, ' ', false, json::error_handler_t::replace));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, DigestOf(alg_), nullptr, nullptr, key_.get(),
                            nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) {
    return SigningError("could not sign");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     input.size()) != 1) {
    return SigningError("could not sign");
  }
  signature.resize(length);
  if (alg_ == SigningAlgorithm::kEs384) {
    signature = EcdsaDerToRaw(signature, kEs384CoordinateSize);
    if (signature.empty()) return SigningError("made a malformed signature");
  }
  return input + "." + Base64UrlEncode(signature);
}

}  // namespace gatehouse::federation
