// The timestamp formats (core/time_format.h): ISO 8601 times counted without the C library agree
// with gmtime and strftime over the four-digit years, and the others are theirs.
#include "core/time_format.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <string>

namespace gatehouse {
namespace {

std::string ByTheCLibrary(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST(FormatIsoTime, WritesKnownTimes) {
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(1796540400000), "2026-12-06T07:00:00Z");
  EXPECT_EQ(FormatIsoTime(951782400000), "2000-02-29T00:00:00Z");   // a leap day of a 400th year
  EXPECT_EQ(FormatIsoTime(1796540400999), "2026-12-06T07:00:00Z");  // whole seconds
  EXPECT_EQ(FormatIsoTime(-1), "1969-12-31T23:59:59Z");             // down, before the epoch
  EXPECT_EQ(FormatIsoTime(253402300799000), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoTime(-30610224000000), "1000-01-01T00:00:00Z");
}

TEST(FormatIsoTime, AgreesWithTheCLibraryOverFourDigitYears) {
  // Every day boundary and its neighbours from 1900 to 2200, and random seconds over 1000-9999.
  for (int64_t day = -25567; day <= 84006; ++day) {
    for (int64_t s : {day * 86400 - 1, day * 86400, day * 86400 + 43210}) {
      ASSERT_EQ(FormatIsoTime(s * 1000), ByTheCLibrary(s)) << s;
    }
  }
  std::mt19937_64 random(20261206);
  std::uniform_int_distribution<int64_t> seconds(-30610224000, 253402300799);
  for (int i = 0; i < 200000; ++i) {
    const int64_t s = seconds(random);
    ASSERT_EQ(FormatIsoTime(s * 1000), ByTheCLibrary(s)) << s;
  }
}

TEST(FormatIsoTime, WritesYearsOfOtherLengthsAsTheCLibraryDoes) {
  for (int64_t s : {int64_t{253402300800}, int64_t{-30610224001}, int64_t{-62167219200},
                    int64_t{-62167219201}, int64_t{-999999999999}}) {
    EXPECT_EQ(FormatIsoTime(s * 1000), ByTheCLibrary(s)) << s;
  }
}

TEST(MonthStartMs, FindsTheFirstOfTheMonthAndMovesByMonths) {
  const int64_t dec7 = *ParseIsoTime("2026-12-07T13:22:15.250Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(dec7, 0)), "2026-12-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(dec7, 1)), "2027-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(dec7, 14)), "2028-02-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(dec7, -12)), "2025-12-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(-1, 0)), "1969-12-01T00:00:00Z");
  // The last millisecond of a month is in it; the first of the next is not.
  const int64_t march = *ParseIsoTime("2028-03-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(MonthStartMs(march - 1, 0)), "2028-02-01T00:00:00Z");
  EXPECT_EQ(MonthStartMs(march, 0), march);
  // Every month from 1900 to 2200 agrees with the calendar of the C library.
  int64_t start = MonthStartMs(*ParseIsoTime("1900-01-15T00:00:00Z"), 0);
  for (int i = 0; i < 300 * 12; ++i) {
    const int64_t next = MonthStartMs(start, 1);
    ASSERT_EQ(ByTheCLibrary(next / 1000).substr(8), "01T00:00:00Z") << next;
    ASSERT_EQ(MonthStartMs(next - 1, 0), start);
    start = next;
  }
}

}  // namespace
}  // namespace gatehouse
