// TOTP against RFC 6238 Appendix B (SHA-1) and the matching rules MFA devices rely on.
#include "auth/totp.h"

#include <gtest/gtest.h>

namespace gatehouse::auth {
namespace {

const std::string kRfcSeed = "12345678901234567890";

TEST(Totp, Rfc6238AppendixBSha1Vectors) {
  const std::pair<int64_t, std::string> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(TotpCode(kRfcSeed, TotpStep(time), 8), code) << time;
  }
}

TEST(Totp, SixDigitCodesAreTheLowDigits) {
  EXPECT_EQ(TotpCode(kRfcSeed, TotpStep(59)), "287082");
  EXPECT_EQ(TotpCode(kRfcSeed, TotpStep(1111111109)), "081804");
}

TEST(Totp, MatchesWithinOneStepEitherSide) {
  const int64_t now = TotpStep(1111111111);
  for (int64_t step : {now - 1, now, now + 1}) {
    EXPECT_EQ(MatchTotpStep(kRfcSeed, TotpCode(kRfcSeed, step), now, 1, 0), step);
  }
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, TotpCode(kRfcSeed, now - 2), now, 1, 0));
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, TotpCode(kRfcSeed, now + 2), now, 1, 0));
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, "000000x", now, 1, 0));
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, "", now, 1, 0));
}

TEST(Totp, RefusesStepsAlreadyAccepted) {
  const int64_t now = TotpStep(1234567890);
  std::string code = TotpCode(kRfcSeed, now);
  EXPECT_EQ(MatchTotpStep(kRfcSeed, code, now, 1, now - 1), now);
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, code, now, 1, now));
  EXPECT_FALSE(MatchTotpStep(kRfcSeed, code, now, 1, now + 1));
}

TEST(Totp, ConsecutiveCodes) {
  const int64_t now = TotpStep(2000000000);
  std::string a = TotpCode(kRfcSeed, now - 1), b = TotpCode(kRfcSeed, now);
  EXPECT_EQ(MatchConsecutiveTotp(kRfcSeed, a, b, now, 1, 0), now - 1);
  EXPECT_FALSE(MatchConsecutiveTotp(kRfcSeed, b, a, now, 1, 0));             // wrong order
  EXPECT_FALSE(MatchConsecutiveTotp(kRfcSeed, a, a, now, 1, 0));             // same code twice
  EXPECT_FALSE(MatchConsecutiveTotp(kRfcSeed, a, b, now + 5, 1, 0));         // too old
  EXPECT_FALSE(MatchConsecutiveTotp(kRfcSeed, a, b, now, 1, now - 1));       // already used
  EXPECT_EQ(MatchConsecutiveTotp(kRfcSeed, a, b, now + 5, 10, 0), now - 1);  // wider window
}

TEST(Totp, Base32OfRfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY======");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ=");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI======");
  EXPECT_EQ(Base32Encode(std::string(40, '\xff')).size(), 64u);
}

}  // namespace
}  // namespace gatehouse::auth
