// ParseJwt: the compact JWS form, strict base64url, the header's rules, and inputs built to hurt
// (oversized tokens, deep nesting, huge numbers, duplicate members).
#include "federation/jwt.h"

#include <gtest/gtest.h>

#include <string>

#include "federation/base64url.h"
#include "jwt_test_keys.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;
using testing_support::Claims;
using testing_support::Header;

const std::string kNotAJwt =
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access "
    "Token)";

std::string Part(const std::string& text) { return Base64UrlEncode(text); }

std::string Token(const json& header, const json& claims, const std::string& signature = "sig") {
  return Part(header.dump()) + "." + Part(claims.dump()) + "." + Part(signature);
}

void ExpectNotAJwt(std::string_view token) {
  Result<Jwt> jwt = ParseJwt(token);
  ASSERT_FALSE(jwt.ok()) << token.substr(0, 200);
  EXPECT_EQ(jwt.status().code(), ErrorCode::kInvalidIdentityToken);
  EXPECT_EQ(jwt.status().message(), kNotAJwt);
}

TEST(JwtParse, TakesATokenApart) {
  std::string header = Part(Header("RS256", "key-1").dump());
  std::string payload = Part(Claims().dump());
  Result<Jwt> jwt = ParseJwt(header + "." + payload + "." + Part("\x01\x02\xff"));
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  EXPECT_EQ(jwt->alg, "RS256");
  EXPECT_EQ(jwt->kid, "key-1");
  EXPECT_EQ(jwt->header["typ"], "JWT");
  EXPECT_EQ(jwt->claims, Claims());
  EXPECT_EQ(jwt->signing_input, header + "." + payload);
  EXPECT_EQ(jwt->signature, "\x01\x02\xff");
}

TEST(JwtParse, KidIsOptionalAndTypIgnored) {
  Result<Jwt> jwt = ParseJwt(Token({{"alg", "ES256"}, {"typ", 7}}, Claims()));
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  EXPECT_EQ(jwt->alg, "ES256");
  EXPECT_EQ(jwt->kid, "");
}

TEST(JwtParse, AnEmptySignaturePartParses) {
  // "alg": "none" tokens look like this; VerifyJwtSignature is what refuses them.
  Result<Jwt> jwt = ParseJwt(Part(R"({"alg":"none"})") + "." + Part("{}") + ".");
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  EXPECT_EQ(jwt->alg, "none");
  EXPECT_EQ(jwt->signature, "");
}

TEST(JwtParse, RefusesAnythingButThreeParts) {
  std::string h = Part(Header("RS256").dump()), p = Part(Claims().dump()), s = Part("sig");
  for (const std::string& token :
       {std::string(), std::string("not a token"), std::string("."), std::string(".."),
        std::string("..."), h, h + "." + p, h + p + s, h + "." + p + "." + s + "." + s,
        h + "." + p + "." + s + "." + s + "." + s, "." + h + "." + p + "." + s}) {
    ExpectNotAJwt(token);
  }
}

TEST(JwtParse, RefusesPadding) {
  // {"alg":"RS256"} is 15 bytes: its base64url needs one '=' in padded form.
  std::string header = Part(R"({"alg":"RS256"})");
  ASSERT_EQ(header.size() % 4, 0u);
  std::string payload = Part(R"({"a":1})");  // 7 bytes: 10 characters, "==" when padded
  ASSERT_EQ(payload.size() % 4, 2u);
  ExpectNotAJwt(header + "." + payload + "==.c2ln");
  ExpectNotAJwt(header + "." + payload + ".c2ln=");
  ExpectNotAJwt(header + "=." + payload + ".c2ln");
  EXPECT_TRUE(ParseJwt(header + "." + payload + ".c2ln").ok());
}

TEST(JwtParse, RefusesCharactersOutsideBase64url) {
  std::string h = Part(Header("RS256").dump()), p = Part(Claims().dump());
  const std::vector<std::string> outside = {"+",  "/", " ", "\n",   "\r",
                                            "\t", "%", "*", "\x80", std::string(1, '\0')};
  for (const std::string& bad : outside) {
    ExpectNotAJwt(h + "." + p + ".c2" + bad + "ln");
    ExpectNotAJwt(h + bad + "." + p + ".c2ln");
  }
  // Standard base64 of bytes that base64url spells with '-' and '_'.
  ExpectNotAJwt(h + "." + p + ".+/+/");
  EXPECT_TRUE(ParseJwt(h + "." + p + ".-_-_").ok());
}

TEST(JwtParse, RefusesImpossibleLengthsAndNonCanonicalBits) {
  std::string h = Part(Header("RS256").dump()), p = Part(Claims().dump());
  ExpectNotAJwt(h + "." + p + ".A");      // one character encodes no byte
  ExpectNotAJwt(h + "." + p + ".AAAAA");  // nor do five
  ExpectNotAJwt(h + "." + p + ".AB");     // "AA" with an unused bit set
  ExpectNotAJwt(h + "." + p + ".AAB");    // "AAA" with an unused bit set
  EXPECT_TRUE(ParseJwt(h + "." + p + ".AA").ok());
  EXPECT_TRUE(ParseJwt(h + "." + p + ".AAA").ok());
}

TEST(JwtParse, HeaderAndPayloadAreJsonObjects) {
  std::string ok_h = Part(Header("RS256").dump()), ok_p = Part(Claims().dump());
  for (const std::string& bad :
       {std::string("[]"), std::string("\"x\""), std::string("1"), std::string("null"),
        std::string(""), std::string("{"), std::string("{\"a\":1} x"), std::string("{\"a\":1}{}"),
        std::string("{'a':1}"), std::string("{\"a\":\"\xff\"}"),
        std::string("{\"a\":1}\0{\"a\":2}", 15)}) {
    ExpectNotAJwt(Part(bad) + "." + ok_p + ".c2ln");
    ExpectNotAJwt(ok_h + "." + Part(bad) + ".c2ln");
  }
}

TEST(JwtParse, AlgMustBeAStringAndKidAStringWhenPresent) {
  ExpectNotAJwt(Token({{"typ", "JWT"}}, Claims()));
  ExpectNotAJwt(Token({{"alg", nullptr}}, Claims()));
  ExpectNotAJwt(Token({{"alg", 256}}, Claims()));
  ExpectNotAJwt(Token({{"alg", json::array({"RS256"})}}, Claims()));
  ExpectNotAJwt(Token({{"alg", "RS256"}, {"kid", 1}}, Claims()));
  ExpectNotAJwt(Token({{"alg", "RS256"}, {"kid", nullptr}}, Claims()));
}

TEST(JwtParse, RefusesCriticalHeaderParameters) {
  for (const json& crit : {json::array({"b64"}), json::array(), json("exp")}) {
    Result<Jwt> jwt = ParseJwt(Token({{"alg", "RS256"}, {"crit", crit}, {"b64", false}}, Claims()));
    ASSERT_FALSE(jwt.ok());
    EXPECT_EQ(jwt.status().code(), ErrorCode::kInvalidIdentityToken);
    EXPECT_EQ(jwt.status().message(),
              "The ID Token provided has critical header parameters (crit), which are not "
              "supported.");
  }
}

TEST(JwtParse, RefusesMembersNamedTwice) {
  std::string p = Part(Claims().dump());
  ExpectNotAJwt(Part(R"({"alg":"none","alg":"RS256"})") + "." + p + ".c2ln");
  ExpectNotAJwt(Part(R"({"alg":"RS256"})") + "." + Part(R"({"sub":"alice","sub":"admin"})") +
                ".c2ln");
  ExpectNotAJwt(Part(R"({"alg":"RS256"})") + "." + Part(R"({"a":{"b":1,"b":2}})") + ".c2ln");
  // The same name in different objects is fine.
  EXPECT_TRUE(
      ParseJwt(Part(R"({"alg":"RS256"})") + "." + Part(R"({"b":{"b":{"b":1}}})") + ".c2ln").ok());
}

TEST(JwtParse, SizeLimitIs20000Bytes) {
  // Grow a claim until the signature part's length leaves both 20000 and 20001 bytes reachable
  // with canonical base64url ("A" carries only zero bits).
  std::string h = Part(Header("RS256").dump());
  for (size_t pad = 0;; ++pad) {
    json claims = Claims();
    claims["pad"] = std::string(pad + 14000, 'x');
    std::string input = h + "." + Part(claims.dump()) + ".";
    size_t sig_length = kMaxJwtSize - input.size();
    if (sig_length % 4 != 2 && sig_length % 4 != 3) continue;
    std::string token = input + std::string(sig_length, 'A');
    ASSERT_EQ(token.size(), 20000u);
    Result<Jwt> jwt = ParseJwt(token);
    EXPECT_TRUE(jwt.ok()) << jwt.status().ToString();
    ExpectNotAJwt(token + "A");  // 20001 bytes, otherwise a valid token
    break;
  }
}

TEST(JwtParse, DeepNestingIsRefusedWithoutRecursion) {
  std::string h = Part(Header("RS256").dump());
  // As deep as a 20000-byte token can hold: 15000 '[' characters.
  ExpectNotAJwt(h + "." + Part(std::string(14900, '[')) + ".c2ln");
  ExpectNotAJwt(h + "." + Part(std::string(7000, '[') + std::string(7000, ']')) + ".c2ln");
  ExpectNotAJwt(h + "." + Part("{\"a\":" + std::string(7000, '{')) + ".c2ln");
  // The payload object is depth 1: 31 arrays inside it reach the bound of 32, 32 pass it.
  auto nested = [](int arrays) {
    return "{\"a\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  };
  EXPECT_TRUE(ParseJwt(h + "." + Part(nested(31)) + ".c2ln").ok());
  ExpectNotAJwt(h + "." + Part(nested(32)) + ".c2ln");
  ExpectNotAJwt(
      Part("{\"alg\":\"RS256\",\"x\":" + std::string(40, '[') + std::string(40, ']') + "}") + "." +
      Part("{}") + ".c2ln");
}

TEST(JwtParse, HugeNumbersParseOrAreRefusedWithoutCrashing) {
  std::string h = Part(Header("RS256").dump());
  ExpectNotAJwt(h + "." + Part(R"({"exp":1e999})") + ".c2ln");  // overflows to infinity
  ExpectNotAJwt(h + "." + Part(R"({"exp":-1e999})") + ".c2ln");
  Result<Jwt> big = ParseJwt(h + "." + Part("{\"exp\":" + std::string(5000, '9') + "}") + ".c2ln");
  ASSERT_FALSE(big.ok());  // 5000 digits overflow a double too
  Result<Jwt> wide =
      ParseJwt(h + "." + Part(R"({"exp":123456789012345678901234567890})") + ".c2ln");
  ASSERT_TRUE(wide.ok());  // a finite double; CheckJwtTimes refuses it (jwt_claims_test.cc)
  EXPECT_TRUE(wide->claims["exp"].is_number_float());
}

}  // namespace
}  // namespace gatehouse::federation
