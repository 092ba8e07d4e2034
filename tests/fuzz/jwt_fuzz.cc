// libFuzzer target: arbitrary bytes as an OpenID Connect ID token and as a JSON Web Key Set.
// The first input byte picks the shape: a token as sent (ParseJwt), a token built from raw
// header JSON, payload JSON and signature bytes (so that mutations reach the JSON and the claims
// instead of breaking base64url), or a key set document (JwkSet::Parse, then a fixed token
// checked against it). Tokens that parse go through the claim readers and VerifyJwtSignature
// with a fixed key set. Two more shapes test the server's own signer: arbitrary claims JSON,
// signed and then verified with the signer's published key (a token that does not verify is a
// finding), and arbitrary bytes as a signing key's PEM. Any crash, sanitizer report or hang is a
// finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "federation/base64url.h"
#include "federation/jwk_set.h"
#include "federation/jwt.h"
#include "federation/jwt_claims.h"
#include "federation/jwt_signature.h"
#include "federation/jwt_signer.h"

using namespace gatehouse;
using namespace gatehouse::federation;

namespace {

// An RSA key (kid "rsa", alg RS256), a P-256 key (kid "ec") and a P-384 key without kid; the
// seeds hold tokens these keys signed.
constexpr const char* kJwks =
    R"({"keys":[{"alg":"RS256","e":"AQAB","kid":"rsa","kty":"RSA","n":"u-oJU-2XpUr7TAoFiPY_H948)"
    R"(wn0GjTKfMAU2suR0aQLr-4Jk1XwRD-BWr28LNOtub1Eq7HJqOD5KUT4dNgDuu5pRFYvPkON9-pmLBT5tAqRKs-bD)"
    R"(EnyFYC3LcXXz5HqCSxBUmLH8zHf7ZVeTHo0GkQVrltThKN4C_NqhS-ihmdXJth_dTMrLIY9hJeJuwhzn6p_iVd2p)"
    R"(p_GrjamXHerpZp8Nj0B-vBWkkcAuTY0FTclU1iG--SRII7q0kaItUsOWCMl7QNE5Odb38FZwOufajKaQe9PUEn8B)"
    R"(unITMg-pnxcP2IJsKzZeuejv4Gorycbn-CA8hsr-H4yHhMcIM_7ikQ","use":"sig"},{"crv":"P-256","kid)"
    R"(":"ec","kty":"EC","x":"bc7H4Gc0--eutpRKM-cXBJSYpIxORCMzrqnA5S2w8b8","y":"1jvQyIphmQxSqmX)"
    R"(GSuunQSQ8353j407M8dkR1uueVis"},{"crv":"P-384","kty":"EC","x":"cKRjPeGN0O5m03W7ErgF-jNEaO)"
    R"(4SCe6Ge06Rvk6KrQjOwNHqBmmXe1kN7wKErdrn","y":"z_bcyA8ySSAQ8MP3On9vD5C0aDL0w56EpcclRaAqcTs)"
    R"(XHYlLm6sY1Y6RdTtCzqBA"}]})";

constexpr const char* kToken =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjIiwidHlwIjoiSldUIn0."
    "eyJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSIsImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJpc3MiOiJodH"
    "RwczovL2lkcC5leGFtcGxlLmNvbSIsInN1YiI6ImFsaWNlIn0.E2Nf2EkiDDkX252FGKhBq3MX_"
    "lxvyA9iI9t4WSsdINelqobKYtWtrqxTIyyT9ATyqtouyzu5JKr4oxz2Aa_T3w";

const JwkSet& FixedKeys() {
  static const JwkSet keys = *JwkSet::Parse(kJwks);
  return keys;
}

void CheckToken(std::string_view token, const JwkSet& keys) {
  Result<Jwt> jwt = ParseJwt(token);
  if (!jwt.ok()) return;
  (void)SigningKeyMissing(*jwt, keys);
  (void)VerifyJwtSignature(*jwt, keys);
  (void)CheckJwtTimes(*jwt, 1700000000, 300);
  (void)Audiences(*jwt);
  (void)StringClaim(*jwt, "sub");
}

const JwtSigner& FixedSigner() {
  static const JwtSigner signer =
      *JwtSigner::FromPem(SigningAlgorithm::kEs384, *GenerateSigningKey(SigningAlgorithm::kEs384));
  return signer;
}

// Claims the server's signer signs must verify with its published key, whatever they hold.
void SignAndVerify(const std::string& text) {
  nlohmann::json claims = nlohmann::json::parse(text, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return;
  Result<std::string> token = FixedSigner().Sign(claims);
  if (!token.ok()) std::abort();
  Result<JwkSet> keys =
      JwkSet::Parse(nlohmann::json{{"keys", {FixedSigner().public_jwk()}}}.dump());
  Result<Jwt> jwt = ParseJwt(*token);
  if (token->size() <= kMaxJwtSize &&
      (!keys.ok() || !jwt.ok() || !VerifyJwtSignature(*jwt, *keys).ok())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<uint8_t>(0, 4)) {
    case 0: {
      std::string token = fdp.ConsumeRemainingBytesAsString();
      CheckToken(token, FixedKeys());
      break;
    }
    case 1: {
      std::string header = fdp.ConsumeRandomLengthString(4000);
      std::string payload = fdp.ConsumeRandomLengthString(16000);
      std::string signature = fdp.ConsumeRemainingBytesAsString();
      CheckToken(Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." +
                     Base64UrlEncode(signature),
                 FixedKeys());
      break;
    }
    case 2: {
      Result<JwkSet> keys = JwkSet::Parse(fdp.ConsumeRemainingBytesAsString());
      if (keys.ok()) CheckToken(kToken, *keys);
      break;
    }
    case 3:
      SignAndVerify(fdp.ConsumeRemainingBytesAsString());
      break;
    default: {
      const auto alg = fdp.ConsumeBool() ? SigningAlgorithm::kRs256 : SigningAlgorithm::kEs384;
      Result<JwtSigner> signer = JwtSigner::FromPem(alg, fdp.ConsumeRemainingBytesAsString());
      if (signer.ok()) (void)signer->Sign(nlohmann::json{{"sub", "x"}});
      break;
    }
  }
  return 0;
}
