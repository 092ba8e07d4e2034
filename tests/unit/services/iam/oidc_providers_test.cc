// An OpenID Connect provider's URL as IAM keeps it, and the refusals of URLs IAM does not take.
#include "services/iam/oidc_providers.h"

#include <gtest/gtest.h>

namespace gatehouse::services::iam {
namespace {

TEST(OidcProviderUrl, KeptWithoutSchemeWithTheHostLowerCased) {
  EXPECT_EQ(*CanonicalOidcUrl("https://token.actions.githubusercontent.com"),
            "token.actions.githubusercontent.com");
  EXPECT_EQ(*CanonicalOidcUrl("HTTPS://Token.Example.COM/Tenant/A/"), "token.example.com/Tenant/A");
  EXPECT_EQ(*CanonicalOidcUrl("https://127.0.0.1:8443/realms/x"), "127.0.0.1:8443/realms/x");
  EXPECT_EQ(*CanonicalOidcUrl("https://issuer.example.com///"), "issuer.example.com");
}

TEST(OidcProviderUrl, RefusesWhatIsNotAnHttpsIssuer) {
  EXPECT_EQ(CanonicalOidcUrl("http://issuer.example.com").status().message(),
            "Invalid Open ID Connect Provider URL. The URL must begin with https://.");
  for (const char* url :
       {"https://", "https:///path", "https://a.example.com?x=1", "https://a.example.com/#x",
        "https://user@a.example.com", "https://a b.example.com", "https://a.example.com/\x01",
        "https://a.example.com\\evil", "https://\xc3\xa9.example.com"}) {
    Result<std::string> r = CanonicalOidcUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput) << url;
    EXPECT_EQ(r.status().message(), "Invalid Open ID Connect Provider URL.") << url;
  }
}

TEST(OidcProviderUrl, TheArnOfAUrl) {
  EXPECT_EQ(OidcProviderArnFor("111111111111", "https://Issuer.example.com/x"),
            "arn:aws:iam::111111111111:oidc-provider/issuer.example.com/x");
}

}  // namespace
}  // namespace gatehouse::services::iam
