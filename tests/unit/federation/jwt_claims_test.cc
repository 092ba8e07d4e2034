// CheckJwtTimes, Audiences and StringClaim: validity boundaries with clock skew, NumericDate
// forms, and claims of the wrong type.
#include "federation/jwt_claims.h"

#include <gtest/gtest.h>

#include <limits>

namespace gatehouse::federation {
namespace {

using nlohmann::json;

Jwt WithClaims(json claims) {
  Jwt jwt;
  jwt.claims = std::move(claims);
  return jwt;
}

void ExpectInvalid(const Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), ErrorCode::kInvalidIdentityToken) << status.ToString();
  EXPECT_EQ(status.message(), message);
}

TEST(JwtTimes, ExpiresAtExpPlusSkew) {
  Jwt jwt = WithClaims({{"exp", 1000}});
  EXPECT_TRUE(CheckJwtTimes(jwt, 999, 0).ok());
  Status expired = CheckJwtTimes(jwt, 1000, 0);
  EXPECT_EQ(expired.code(), ErrorCode::kExpiredTokenException);
  EXPECT_EQ(expired.message(),
            "Token expired: current date/time 1000 must be before the expiration date/time 1000");
  EXPECT_TRUE(CheckJwtTimes(jwt, 1299, 300).ok());
  expired = CheckJwtTimes(jwt, 1300, 300);
  EXPECT_EQ(expired.code(), ErrorCode::kExpiredTokenException);
  EXPECT_EQ(expired.message(),
            "Token expired: current date/time 1300 must be before the expiration date/time 1000");
  EXPECT_EQ(Describe(expired.code()).http_status, 400);
}

TEST(JwtTimes, FractionalExpRoundsDown) {
  Jwt jwt = WithClaims({{"exp", 1000.9}});
  EXPECT_TRUE(CheckJwtTimes(jwt, 999, 0).ok());
  Status expired = CheckJwtTimes(jwt, 1000, 0);
  EXPECT_EQ(expired.code(), ErrorCode::kExpiredTokenException);
  EXPECT_EQ(expired.message(),
            "Token expired: current date/time 1000 must be before the expiration date/time 1000");
}

TEST(JwtTimes, ExpIsRequired) {
  ExpectInvalid(CheckJwtTimes(WithClaims({{"iat", 900}}), 950, 0),
                "The ID Token provided has no expiration date/time (exp claim).");
}

TEST(JwtTimes, ExpMustBeANumericDate) {
  const std::string message =
      "The ID Token provided has an invalid exp claim: it must be a number of seconds since the "
      "epoch.";
  for (const json& exp :
       {json("2000"), json(nullptr), json(true), json::array({2000}), json::object(), json(1e300),
        json(-1e300), json(1e29), json(std::numeric_limits<uint64_t>::max()),
        json(std::numeric_limits<int64_t>::min()), json(253402300800)}) {
    ExpectInvalid(CheckJwtTimes(WithClaims({{"exp", exp}}), 0, 0), message);
  }
  // The year 9999's last second is still a date.
  EXPECT_TRUE(CheckJwtTimes(WithClaims({{"exp", 253402300799}}), 0, 0).ok());
  EXPECT_TRUE(CheckJwtTimes(WithClaims({{"exp", 253402300799u}}), 0, 0).ok());
}

TEST(JwtTimes, NotBeforeAllowsSkew) {
  Jwt jwt = WithClaims({{"exp", 5000}, {"nbf", 1100}});
  EXPECT_TRUE(CheckJwtTimes(jwt, 1100, 0).ok());
  EXPECT_TRUE(CheckJwtTimes(jwt, 1040, 60).ok());
  ExpectInvalid(CheckJwtTimes(jwt, 1039, 60),
                "Token not yet valid: current date/time 1039 must not be before the not-before "
                "date/time 1100");
  // A fraction rounds up: the token is valid from the next whole second.
  ExpectInvalid(CheckJwtTimes(WithClaims({{"exp", 5000}, {"nbf", 1000.1}}), 1000, 0),
                "Token not yet valid: current date/time 1000 must not be before the not-before "
                "date/time 1001");
  ExpectInvalid(CheckJwtTimes(WithClaims({{"exp", 5000}, {"nbf", "1000"}}), 1000, 0),
                "The ID Token provided has an invalid nbf claim: it must be a number of seconds "
                "since the epoch.");
}

TEST(JwtTimes, IssuedInTheFutureIsRefused) {
  Jwt jwt = WithClaims({{"exp", 5000}, {"iat", 1100}});
  EXPECT_TRUE(CheckJwtTimes(jwt, 1100, 0).ok());
  EXPECT_TRUE(CheckJwtTimes(jwt, 1000, 100).ok());
  ExpectInvalid(CheckJwtTimes(jwt, 999, 100),
                "Token issued in the future: current date/time 999 must not be before the issue "
                "date/time 1100");
  ExpectInvalid(CheckJwtTimes(WithClaims({{"exp", 5000}, {"iat", nullptr}}), 1000, 0),
                "The ID Token provided has an invalid iat claim: it must be a number of seconds "
                "since the epoch.");
}

TEST(JwtTimes, ExpiryIsCheckedFirst) {
  Status status = CheckJwtTimes(WithClaims({{"exp", 10}, {"nbf", 5000}}), 100, 0);
  EXPECT_EQ(status.code(), ErrorCode::kExpiredTokenException);
}

TEST(JwtTimes, ExtremeClocksDoNotOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  Jwt jwt = WithClaims({{"exp", 253402300799}, {"nbf", -253402300799}, {"iat", 0}});
  EXPECT_EQ(CheckJwtTimes(jwt, kMax, kMax).code(), ErrorCode::kExpiredTokenException);
  EXPECT_EQ(CheckJwtTimes(jwt, kMax, 0).code(), ErrorCode::kExpiredTokenException);
  EXPECT_TRUE(CheckJwtTimes(jwt, 0, kMax).ok());
  EXPECT_EQ(CheckJwtTimes(jwt, kMin, kMin).code(), ErrorCode::kInvalidIdentityToken);
  EXPECT_EQ(CheckJwtTimes(jwt, 0, kMin).code(), ErrorCode::kExpiredTokenException);
}

TEST(JwtClaims, AudiencesFromAStringOrAnArrayOfStrings) {
  EXPECT_EQ(Audiences(WithClaims({{"aud", "a"}})), std::vector<std::string>{"a"});
  EXPECT_EQ(Audiences(WithClaims({{"aud", {"a", "b"}}})), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Audiences(WithClaims({{"aud", json::array()}})).empty());
  EXPECT_TRUE(Audiences(WithClaims({{"sub", "a"}})).empty());
  EXPECT_TRUE(Audiences(WithClaims({{"aud", 1}})).empty());
  EXPECT_TRUE(Audiences(WithClaims({{"aud", {{"a", "b"}}}})).empty());
  // One entry of the wrong type spoils the claim: no audience at all rather than some.
  EXPECT_TRUE(Audiences(WithClaims({{"aud", json::array({"a", 1})}})).empty());
  EXPECT_TRUE(Audiences(WithClaims({{"aud", json::array({"a", json::array({"b"})})}})).empty());
}

TEST(JwtClaims, StringClaimOnlyReturnsStrings) {
  Jwt jwt = WithClaims({{"iss", "https://idp"}, {"sub", 42}, {"email", nullptr}});
  EXPECT_EQ(StringClaim(jwt, "iss"), "https://idp");
  EXPECT_EQ(StringClaim(jwt, "sub"), std::nullopt);
  EXPECT_EQ(StringClaim(jwt, "email"), std::nullopt);
  EXPECT_EQ(StringClaim(jwt, "azp"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::federation
