#include "policy/condition_values.h"

#include <gtest/gtest.h>

namespace gatehouse::policy {
namespace {

TEST(ParseDateTest, Forms) {
  EXPECT_EQ(ParseDate("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseDate("2020-01-01"), 1577836800000);
  EXPECT_EQ(ParseDate("2020-01-01T01:00:00+01:00"), 1577836800000);
  EXPECT_EQ(ParseDate("2020-01-01T00:00:00.250Z"), 1577836800250);
  EXPECT_EQ(ParseDate("1577836800"), 1577836800000);
  EXPECT_EQ(ParseDate("20200101T000000Z"), 1577836800000);
  EXPECT_FALSE(ParseDate("yesterday"));
  EXPECT_FALSE(ParseDate("2020-13-01"));
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
