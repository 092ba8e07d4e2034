#include "policy/condition_values.h"

#include <gtest/gtest.h>

namespace gatehouse::policy {
namespace {

int64_t Seconds(std::string_view text) {
  std::optional<Instant> instant = ParseDate(text);
  EXPECT_TRUE(instant.has_value()) << text;
  return instant ? instant->seconds : -1;
}

TEST(ParseDateTest, IsoAndEpochForms) {
  EXPECT_EQ(Seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Seconds("2020-01-01"), 1577836800);
  EXPECT_EQ(Seconds("2020-1-1"), 1577836800);
  EXPECT_EQ(Seconds("2020-01"), 1577836800);
  EXPECT_EQ(Seconds("2020-01-01T01:00:00+01:00"), 1577836800);
  EXPECT_EQ(Seconds("2020-01-01T01:00+01"), 1577836800);
  EXPECT_EQ(Seconds("2019-12-31T23:00:00-01:00"), 1577836800);
  EXPECT_EQ(Seconds("2020-01-01t1"), 1577840400);
  EXPECT_EQ(Seconds("2020-01-01T"), 1577836800);
  EXPECT_EQ(Seconds("1577836800"), 1577836800);
  EXPECT_EQ(Seconds("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseDate("2020-01-01T00:00:00.25Z")->nanos, 250000000);
  EXPECT_LT(*ParseDate("2020-01-01T00:00:00.1Z"), *ParseDate("2020-01-01T00:00:00.2Z"));
}

TEST(ParseDateTest, RefusesWhatIamRefuses) {
  for (std::string_view bad :
       {"yesterday", "", "2020-13-01", "2020-01-32", "234-13", "2020-01-01T24:00:00Z",
        "2016-12-13t2:00:00.593194+1", "2016-12-13t2:00:00.1999999999+10:59", "9223372036854775808",
        "20200101T000000Z", "2020-01-01T00:00:00Zjunk"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
  }
}

TEST(ParseNumberTest, Forms) {
  EXPECT_EQ(ParseNumber("10"), 10.0);
  EXPECT_EQ(ParseNumber("-1.5"), -1.5);
  EXPECT_FALSE(ParseNumber("ten"));
  EXPECT_FALSE(ParseNumber(""));
}

TEST(IpNetworkTest, V4AndV6) {
  auto net = IpNetwork::Parse("203.0.113.0/24");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->Contains(*IpNetwork::Parse("203.0.113.9")));
  EXPECT_FALSE(net->Contains(*IpNetwork::Parse("203.0.114.9")));
  auto v6 = IpNetwork::Parse("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->Contains(*IpNetwork::Parse("2001:db8:1::5")));
  EXPECT_FALSE(v6->Contains(*IpNetwork::Parse("203.0.113.9")));
  EXPECT_TRUE(IpNetwork::Parse("10.0.0.0/9")->Contains(*IpNetwork::Parse("10.127.0.1")));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/9")->Contains(*IpNetwork::Parse("10.128.0.1")));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/33"));
  EXPECT_FALSE(IpNetwork::Parse("not-an-ip"));
}

}  // namespace
}  // namespace gatehouse::policy
