#include "federation/jwk_set.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "core/openssl_ptr.h"
#include "federation/base64url.h"
#include "federation/strict_json.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;

// A key set is an array of flat objects; nothing legitimate nests deeper.
constexpr int kMaxJwksJsonDepth = 16;
// RSA public exponents are small (65537, sometimes 3); a huge one only slows verification, and
// OpenSSL refuses exponents beyond 64 bits for large moduli anyway.
constexpr int kMaxRsaExponentBits = 64;

struct Curve {
  std::string_view crv;    // the JWK name
  const char* group;       // OpenSSL's name
  size_t coordinate_size;  // bytes of x and of y (RFC 7518 §6.2.1.2: always full length)
  int bits;
};

constexpr Curve kCurves[] = {
    {"P-256", "prime256v1", 32, 256},
    {"P-384", "secp384r1", 48, 384},
    {"P-521", "secp521r1", 66, 521},
};

Status NoVerificationKey() {
  return Status(ErrorCode::kInvalidIdentityToken, std::string(kNoVerificationKeyMessage));
}

// The member `name` when it is a string; nullopt when absent or not a string. `present` says
// whether the member exists at all.
std::optional<std::string> StringMember(const json& object, const char* name, bool* present) {
  auto member = object.find(name);
  *present = member != object.end();
  if (!*present || !member->is_string()) return std::nullopt;
  return member->get<std::string>();
}

// The decoded bytes of a required base64url member.
std::optional<std::string> BytesMember(const json& object, const char* name) {
  bool present = false;
  std::optional<std::string> text = StringMember(object, name, &present);
  if (!text) return std::nullopt;
  return Base64UrlDecode(*text);
}

// Whether the key is meant for verifying signatures: "use", when present, is "sig", and
// "key_ops", when present, is an array of strings holding "verify".
bool IsForSignatures(const json& entry) {
  bool present = false;
  std::optional<std::string> use = StringMember(entry, "use", &present);
  if (present && use != "sig") return false;
  auto ops = entry.find("key_ops");
  if (ops == entry.end()) return true;
  if (!ops->is_array()) return false;
  bool verify = false;
  for (const json& op : *ops) {
    if (!op.is_string()) return false;
    verify = verify || op.get<std::string>() == "verify";
  }
  return verify;
}

BignumPtr ToBignum(std::string_view bytes) {
  return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()), nullptr));
}

// A public key of `type` ("RSA", "EC") from the parameters `builder` holds.
EvpPkeyPtr PublicKeyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return EvpPkeyPtr(key);
}

std::optional<Jwk> ReadRsaKey(const json& entry) {
  std::optional<std::string> n_bytes = BytesMember(entry, "n");
  std::optional<std::string> e_bytes = BytesMember(entry, "e");
  if (!n_bytes || !e_bytes) return std::nullopt;
  // Bounds before any arithmetic: a modulus of more bytes than the largest allowed, even with
  // leading zeros, is not worth converting.
  if (n_bytes->size() > kMaxRsaModulusBits / 8 + 8 || e_bytes->size() > 64) return std::nullopt;
  BignumPtr n = ToBignum(*n_bytes);
  BignumPtr e = ToBignum(*e_bytes);
  if (!n || !e) return std::nullopt;
  int bits = BN_num_bits(n.get());
  if (bits < kMinRsaModulusBits || bits > kMaxRsaModulusBits || !BN_is_odd(n.get())) {
    return std::nullopt;
  }
  if (!BN_is_odd(e.get()) || BN_is_one(e.get()) || BN_num_bits(e.get()) > kMaxRsaExponentBits) {
    return std::nullopt;
  }
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return std::nullopt;
  }
  EvpPkeyPtr key = PublicKeyFromParams("RSA", builder.get());
  if (!key) return std::nullopt;
  Jwk jwk;
  jwk.type = JwkType::kRsa;
  jwk.bits = bits;
  jwk.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  return jwk;
}

// Whether OpenSSL finds `key`'s point valid: on its curve, not the point at infinity, of the
// group's order. An off-curve point invites invalid-curve attacks on whoever uses it.
bool IsValidEcPoint(EVP_PKEY* key) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

std::optional<Jwk> ReadEcKey(const json& entry) {
  bool present = false;
  std::optional<std::string> crv = StringMember(entry, "crv", &present);
  if (!crv) return std::nullopt;
  auto curve = std::find_if(std::begin(kCurves), std::end(kCurves),
                            [&](const Curve& c) { return c.crv == *crv; });
  if (curve == std::end(kCurves)) return std::nullopt;
  std::optional<std::string> x = BytesMember(entry, "x");
  std::optional<std::string> y = BytesMember(entry, "y");
  if (!x || !y || x->size() != curve->coordinate_size || y->size() != curve->coordinate_size) {
    return std::nullopt;
  }
  std::string point = "\x04" + *x + *y;  // uncompressed SEC 1 form
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve->group, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return std::nullopt;
  }
  EvpPkeyPtr key = PublicKeyFromParams("EC", builder.get());
  if (!key || !IsValidEcPoint(key.get())) return std::nullopt;
  Jwk jwk;
  jwk.type = JwkType::kEc;
  jwk.curve = std::string(curve->crv);
  jwk.bits = curve->bits;
  jwk.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  return jwk;
}

// The key an entry of "keys" describes, when it is one gatehouse may verify with.
std::optional<Jwk> ReadJwk(const json& entry) {
  if (!entry.is_object() || !IsForSignatures(entry)) return std::nullopt;
  bool kid_present = false, alg_present = false, kty_present = false;
  std::optional<std::string> kid = StringMember(entry, "kid", &kid_present);
  std::optional<std::string> alg = StringMember(entry, "alg", &alg_present);
  std::optional<std::string> kty = StringMember(entry, "kty", &kty_present);
  // An empty "alg" would read as none named, which no key meant.
  if ((kid_present && !kid) || (alg_present && (!alg || alg->empty())) || !kty) {
    return std::nullopt;
  }
  std::optional<Jwk> jwk;
  if (*kty == "RSA") jwk = ReadRsaKey(entry);
  if (*kty == "EC") jwk = ReadEcKey(entry);
  if (!jwk) return std::nullopt;
  jwk->kid = kid.value_or("");
  jwk->alg = alg.value_or("");
  return jwk;
}

}  // namespace

Result<JwkSet> JwkSet::Parse(std::string_view text) {
  if (text.size() > kMaxJwksSize) return NoVerificationKey();
  std::optional<json> document = ParseStrictJson(text, kMaxJwksJsonDepth);
  if (!document || !document->is_object()) return NoVerificationKey();
  auto keys = document->find("keys");
  if (keys == document->end() || !keys->is_array()) return NoVerificationKey();
  JwkSet set;
  size_t examined = 0;
  for (const json& entry : *keys) {
    if (set.keys_.size() >= kMaxJwksKeys || examined++ >= kMaxJwksEntries) break;
    if (std::optional<Jwk> jwk = ReadJwk(entry)) set.keys_.push_back(std::move(*jwk));
  }
  // Refused keys leave OpenSSL's reasons on this thread's error queue; they are not news.
  ERR_clear_error();
  return set;
}

const Jwk* JwkSet::Find(std::string_view kid) const {
  if (kid.empty()) return nullptr;
  for (const Jwk& jwk : keys_) {
    if (jwk.kid == kid) return &jwk;
  }
  return nullptr;
}

}  // namespace gatehouse::federation
