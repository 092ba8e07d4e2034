#include "app/public_url.h"

#include <gtest/gtest.h>

namespace gatehouse::app {
namespace {

TEST(PublicUrlTest, AcceptsSchemeHostAndPort) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://iam.example.com", "https://iam.example.com"},
      {"https://iam.example.com/", "https://iam.example.com"},
      {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
      {"https://IAM.Example.COM:443/", "https://iam.example.com:443"},
      {"http://[2001:db8::1]:4566", "http://[2001:db8::1]:4566"},
      {"http://[::1]", "http://[::1]"},
      {"http://gatehouse", "http://gatehouse"},
  };
  for (const auto& [given, normalized] : cases) {
    Result<std::string> url = NormalizePublicUrl(given);
    ASSERT_TRUE(url.ok()) << given << ": " << url.status().message();
    EXPECT_EQ(*url, normalized);
  }
}

TEST(PublicUrlTest, RefusesEverythingElse) {
  for (const char* bad : {"",
                          "iam.example.com",
                          "ftp://iam.example.com",
                          "HTTPS://iam.example.com",
                          "https://",
                          "https:///",
                          "https://iam.example.com/console",
                          "https://iam.example.com/?x=1",
                          "https://iam.example.com?x=1",
                          "https://iam.example.com#top",
                          "https://user:pass@iam.example.com",
                          "https://iam.example.com:",
                          "https://iam.example.com:0",
                          "https://iam.example.com:65536",
                          "https://iam.example.com:44a",
                          "https://iam example.com",
                          "https://iam.example.com\r\nX: y",
                          "https://[2001:db8::1",
                          "https://[not-v6]:80",
                          "https://2001:db8::1",
                          "https://-iam.example.com",
                          "https://iam.example.com//"}) {
    Result<std::string> url = NormalizePublicUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.status().code(), ErrorCode::kInvalidParameterValue);
      EXPECT_NE(url.status().message().find("--public-url"), std::string::npos);
    }
  }
  EXPECT_FALSE(NormalizePublicUrl("https://" + std::string(5000, 'a')).ok());
}

}  // namespace
}  // namespace gatehouse::app
