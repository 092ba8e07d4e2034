#include "http/trusted_proxies.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace gatehouse::http {
namespace {

TrustedProxies Trust(std::string_view list) {
  Result<TrustedProxies> parsed = TrustedProxies::Parse(list);
  EXPECT_TRUE(parsed.ok()) << list;
  return parsed.ok() ? *parsed : TrustedProxies();
}

HttpRequest From(std::string peer, std::vector<std::pair<std::string, std::string>> headers,
                 bool secure = false) {
  HttpRequest request;
  request.method = "GET";
  request.target = "/";
  request.headers = std::move(headers);
  request.remote_address = std::move(peer);
  request.secure = secure;
  return request;
}

std::string ClientAddress(const TrustedProxies& proxies, std::string peer,
                          std::vector<std::pair<std::string, std::string>> headers) {
  return proxies.ClientOf(From(std::move(peer), std::move(headers))).address;
}

TEST(TrustedProxiesTest, ParsesRangesAndSingleAddresses) {
  TrustedProxies proxies = Trust("10.0.0.0/8, 192.0.2.7 2001:db8::/32,::1");
  EXPECT_TRUE(proxies.Contains("10.1.2.3"));
  EXPECT_TRUE(proxies.Contains("192.0.2.7"));
  EXPECT_FALSE(proxies.Contains("192.0.2.8"));
  EXPECT_TRUE(proxies.Contains("2001:db8:1::5"));
  EXPECT_FALSE(proxies.Contains("2001:db9::5"));
  EXPECT_TRUE(proxies.Contains("::1"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  // A dual-stack listener prints IPv4 peers mapped into IPv6.
  EXPECT_TRUE(proxies.Contains("::ffff:10.9.9.9"));
  EXPECT_FALSE(proxies.Contains("not an address"));
  EXPECT_FALSE(proxies.Contains(""));
}

TEST(TrustedProxiesTest, HostBitsInARangeAreIgnoredAndZeroPrefixTrustsAll) {
  EXPECT_TRUE(Trust("10.1.2.3/8").Contains("10.200.0.1"));
  EXPECT_TRUE(Trust("0.0.0.0/0").Contains("203.0.113.9"));
  EXPECT_FALSE(Trust("0.0.0.0/0").Contains("2001:db8::1"));
  EXPECT_TRUE(Trust("::ffff:10.0.0.0/104").Contains("10.3.3.3"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNotARange) {
  for (const char* bad :
       {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "example.com",
        "10.0.0.256", "fe80::1%eth0", "10.0.0/8", "::ffff:10.0.0.0/8", "1.2.3.4/0008"}) {
    Result<TrustedProxies> parsed = TrustedProxies::Parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find(bad), std::string::npos);
    }
  }
  Result<TrustedProxies> none = TrustedProxies::Parse(" , ");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(TrustedProxiesTest, AnUntrustedPeerIsTheClientWhateverItSends) {
  TrustedProxies proxies = Trust("10.0.0.1");
  HttpRequest request =
      From("203.0.113.9", {{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-Proto", "https"}});
  TrustedProxies::Client client = proxies.ClientOf(request);
  EXPECT_EQ(client.address, "203.0.113.9");
  EXPECT_FALSE(client.secure);
  // Trusting no one: nothing is believed either.
  client = TrustedProxies().ClientOf(request);
  EXPECT_EQ(client.address, "203.0.113.9");
  EXPECT_FALSE(client.secure);
}

TEST(TrustedProxiesTest, ATrustedProxyNamesTheClient) {
  TrustedProxies proxies = Trust("10.0.0.0/8");
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "203.0.113.9"}}),
            "203.0.113.9");
  // No header: the proxy's own request.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"x-forwarded-for", ""}}), "10.0.0.1");
}

TEST(TrustedProxiesTest, WalksFromTheRightOverTrustedHops) {
  TrustedProxies proxies = Trust("10.0.0.0/8");
  // client → 10.0.0.2 → 10.0.0.3 → us (peer 10.0.0.1).
  EXPECT_EQ(
      ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "203.0.113.9, 10.0.0.2,10.0.0.3"}}),
      "203.0.113.9");
  // Every hop trusted: the left-most is the client.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "10.0.0.7, 10.0.0.2"}}),
            "10.0.0.7");
  // Repeated fields are one list, in order.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1",
                          {{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-For", "10.0.0.2"}}),
            "203.0.113.9");
  // Empty list elements are skipped.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", ",203.0.113.9,, "}}),
            "203.0.113.9");
}

TEST(TrustedProxiesTest, WhatAClientWroteAtTheLeftIsNeverBelieved) {
  TrustedProxies proxies = Trust("10.0.0.0/8");
  // The client sent "X-Forwarded-For: 1.2.3.4" (or a trusted-looking 10.0.0.5); the proxy
  // appended the address it saw.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "1.2.3.4, 203.0.113.9"}}),
            "203.0.113.9");
  EXPECT_EQ(
      ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "1.2.3.4, 10.0.0.5, 203.0.113.9"}}),
      "203.0.113.9");
  // Garbage left of the client is never read.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "<script>, 203.0.113.9"}}),
            "203.0.113.9");
}

TEST(TrustedProxiesTest, IPv6ClientsAndProxies) {
  TrustedProxies proxies = Trust("2001:db8:ffff::/48, 10.0.0.1");
  EXPECT_EQ(ClientAddress(proxies, "2001:db8:ffff::1", {{"X-Forwarded-For", "2001:DB8:0::7"}}),
            "2001:db8::7");
  EXPECT_EQ(ClientAddress(proxies, "2001:db8:ffff::1",
                          {{"X-Forwarded-For", "2001:db8::7, 10.0.0.1, 2001:db8:ffff::2"}}),
            "2001:db8::7");
  // An IPv4 proxy seen by a dual-stack listener; an IPv4 client written as mapped IPv6.
  EXPECT_EQ(ClientAddress(proxies, "::ffff:10.0.0.1", {{"X-Forwarded-For", "::ffff:203.0.113.9"}}),
            "203.0.113.9");
  // Brackets and ports, as some proxies write them.
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "[2001:db8::7]:443"}}),
            "2001:db8::7");
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "[2001:db8::7]"}}),
            "2001:db8::7");
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", "203.0.113.9:5123"}}),
            "203.0.113.9");
}

TEST(TrustedProxiesTest, MalformedHeadersFallBackToThePeer) {
  TrustedProxies proxies = Trust("10.0.0.0/8");
  for (const char* bad : {"unknown", "203.0.113.9 203.0.113.10", "203.0.113", "1.2.3.4, garbage",
                          "::g", "[2001:db8::7", "[2001:db8::7]x", "[203.0.113.9]", "203.0.113.9:",
                          "203.0.113.9:http", "fe80::1%eth0", "1.2.3.4, 10.0.0.2, 10.0.0.999",
                          "\x01\xff", "2001:db8::7:443:1:2:3:4:5:6"}) {
    EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", bad}}), "10.0.0.1") << bad;
  }
  std::string huge(20000, '9');
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", huge}}), "10.0.0.1");
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "10.0.0.2, ";
  many += "203.0.113.9";
  EXPECT_EQ(ClientAddress(proxies, "10.0.0.1", {{"X-Forwarded-For", many}}), "203.0.113.9");
}

TEST(TrustedProxiesTest, ForwardedProtoFromATrustedProxy) {
  TrustedProxies proxies = Trust("10.0.0.1");
  auto secure = [&](std::vector<std::pair<std::string, std::string>> headers, bool tls) {
    return proxies.ClientOf(From("10.0.0.1", std::move(headers), tls)).secure;
  };
  EXPECT_TRUE(secure({{"X-Forwarded-Proto", "https"}}, false));
  EXPECT_TRUE(secure({{"x-forwarded-proto", " HTTPS "}}, false));
  // TLS to us, plain HTTP from the client to the proxy: not secure transport.
  EXPECT_FALSE(secure({{"X-Forwarded-Proto", "http"}}, true));
  // No header, an unknown scheme, or more than one value: the connection's own.
  EXPECT_FALSE(secure({}, false));
  EXPECT_TRUE(secure({}, true));
  EXPECT_FALSE(secure({{"X-Forwarded-Proto", "wss"}}, false));
  EXPECT_FALSE(secure({{"X-Forwarded-Proto", "https, http"}}, false));
  EXPECT_FALSE(secure({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Proto", "https"}}, false));
}

}  // namespace
}  // namespace gatehouse::http
