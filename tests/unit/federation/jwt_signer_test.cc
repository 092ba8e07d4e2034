// JwtSigner: keys made for each algorithm sign tokens that the verifier of identity providers'
// tokens (jwt_signature.h) accepts with the published JWK alone; the kid is the key's RFC 7638
// thumbprint; a key of the wrong type, size or curve, an encrypted key and garbage are refused.
#include "federation/jwt_signer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "core/crypto.h"
#include "core/openssl_ptr.h"
#include "federation/base64url.h"
#include "federation/jwk_set.h"
#include "federation/jwt.h"
#include "federation/jwt_signature.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;

JwtSigner MakeSigner(SigningAlgorithm alg) {
  Result<std::string> pem = GenerateSigningKey(alg);
  EXPECT_TRUE(pem.ok()) << pem.status().ToString();
  Result<JwtSigner> signer = JwtSigner::FromPem(alg, pem.ok() ? *pem : "");
  EXPECT_TRUE(signer.ok()) << signer.status().ToString();
  return std::move(signer).value();
}

Status Verify(const std::string& token, const json& jwk) {
  Result<Jwt> jwt = ParseJwt(token);
  if (!jwt.ok()) return jwt.status();
  Result<JwkSet> keys = JwkSet::Parse(json{{"keys", json::array({jwk})}}.dump());
  if (!keys.ok()) return keys.status();
  return VerifyJwtSignature(*jwt, *keys);
}

std::string PemOf(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

TEST(JwtSignerTest, AlgorithmsAreSpelledAsJwsSpellsThem) {
  EXPECT_EQ(ParseSigningAlgorithm("RS256"), SigningAlgorithm::kRs256);
  EXPECT_EQ(ParseSigningAlgorithm("ES384"), SigningAlgorithm::kEs384);
  for (const char* other : {"rs256", "ES256", "HS256", "none", "", "RS256 "}) {
    EXPECT_FALSE(ParseSigningAlgorithm(other).has_value()) << other;
  }
  EXPECT_EQ(SigningAlgorithmName(SigningAlgorithm::kEs384), "ES384");
}

TEST(JwtSignerTest, EachAlgorithmSignsWhatTheVerifierAcceptsWithThePublishedKey) {
  for (SigningAlgorithm alg : {SigningAlgorithm::kRs256, SigningAlgorithm::kEs384}) {
    JwtSigner signer = MakeSigner(alg);
    const json claims{{"iss", "https://issuer.example"}, {"sub", "arn:aws:iam::1:user/a"}};
    Result<std::string> token = signer.Sign(claims);
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    EXPECT_TRUE(Verify(*token, signer.public_jwk()).ok()) << SigningAlgorithmName(alg);

    Result<Jwt> jwt = ParseJwt(*token);
    ASSERT_TRUE(jwt.ok());
    EXPECT_EQ(jwt->claims, claims);
    EXPECT_EQ(jwt->header,
              (json{{"alg", SigningAlgorithmName(alg)}, {"kid", signer.kid()}, {"typ", "JWT"}}));
    // ES384: r ‖ s, 48 bytes each; RS256: as long as the 2048-bit modulus.
    EXPECT_EQ(jwt->signature.size(), alg == SigningAlgorithm::kEs384 ? 96u : 256u);
  }
}

TEST(JwtSignerTest, AnotherKeyOrAnAlteredTokenDoesNotVerify) {
  JwtSigner signer = MakeSigner(SigningAlgorithm::kEs384);
  JwtSigner other = MakeSigner(SigningAlgorithm::kEs384);
  Result<std::string> token = signer.Sign(json{{"sub", "a"}});
  ASSERT_TRUE(token.ok());
  json other_key = other.public_jwk();
  other_key["kid"] = signer.kid();
  EXPECT_FALSE(Verify(*token, other_key).ok());

  std::string altered = *token;
  size_t dot = altered.find('.');
  altered.replace(dot + 1, altered.find('.', dot + 1) - dot - 1,
                  Base64UrlEncode(json{{"sub", "b"}}.dump()));
  EXPECT_FALSE(Verify(altered, signer.public_jwk()).ok());
}

TEST(JwtSignerTest, TheKidIsTheRfc7638ThumbprintOfThePublicKey) {
  for (SigningAlgorithm alg : {SigningAlgorithm::kRs256, SigningAlgorithm::kEs384}) {
    JwtSigner signer = MakeSigner(alg);
    const json& jwk = signer.public_jwk();
    json required = alg == SigningAlgorithm::kRs256
                        ? json{{"e", jwk["e"]}, {"kty", "RSA"}, {"n", jwk["n"]}}
                        : json{{"crv", "P-384"}, {"kty", "EC"}, {"x", jwk["x"]}, {"y", jwk["y"]}};
    EXPECT_EQ(signer.kid(), Base64UrlEncode(AsBytes(Sha256(required.dump()))));
    EXPECT_EQ(jwk["use"], "sig");
    EXPECT_EQ(jwk["alg"], SigningAlgorithmName(alg));
    EXPECT_FALSE(jwk.contains("d")) << "the private part is never published";
  }
  // The same PEM gives the same kid: every server names a shared key alike.
  Result<std::string> pem = GenerateSigningKey(SigningAlgorithm::kEs384);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(JwtSigner::FromPem(SigningAlgorithm::kEs384, *pem)->kid(),
            JwtSigner::FromPem(SigningAlgorithm::kEs384, *pem)->kid());
  EXPECT_EQ(MakeSigner(SigningAlgorithm::kEs384).public_jwk()["x"].get<std::string>().size(), 64u);
}

TEST(JwtSignerTest, KeysOfTheWrongTypeSizeOrCurveAreRefused) {
  Result<std::string> rsa = GenerateSigningKey(SigningAlgorithm::kRs256);
  Result<std::string> ec = GenerateSigningKey(SigningAlgorithm::kEs384);
  ASSERT_TRUE(rsa.ok() && ec.ok());
  EXPECT_FALSE(JwtSigner::FromPem(SigningAlgorithm::kEs384, *rsa).ok());
  EXPECT_FALSE(JwtSigner::FromPem(SigningAlgorithm::kRs256, *ec).ok());

  EvpPkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
  EXPECT_FALSE(JwtSigner::FromPem(SigningAlgorithm::kRs256, PemOf(small.get())).ok());
  EvpPkeyPtr p256(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_FALSE(JwtSigner::FromPem(SigningAlgorithm::kEs384, PemOf(p256.get())).ok());
}

TEST(JwtSignerTest, EncryptedKeysAndGarbageAreRefusedWithoutPrompting) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  BioPtr bio(BIO_new(BIO_s_mem()));
  char passphrase[] = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), passphrase, 6,
                                          nullptr, nullptr),
            1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  EXPECT_FALSE(
      JwtSigner::FromPem(SigningAlgorithm::kEs384, std::string(data, static_cast<size_t>(length)))
          .ok());
  for (const char* garbage :
       {"", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a key"}) {
    EXPECT_FALSE(JwtSigner::FromPem(SigningAlgorithm::kRs256, garbage).ok());
  }
}

TEST(JwtSignerTest, ClaimsThatAreNotValidUtf8AreSignedNotThrown) {
  JwtSigner signer = MakeSigner(SigningAlgorithm::kEs384);
  Result<std::string> token = signer.Sign(json{{"tag", std::string("\xff\xfe", 2)}});
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(Verify(*token, signer.public_jwk()).ok());
}

}  // namespace
}  // namespace gatehouse::federation
