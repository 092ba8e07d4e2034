// SAML metadata as CreateSAMLProvider takes it: the entity id, the signing certificates and
// validUntil of a well-formed document, and the refusal of everything else — DOCTYPEs (entity
// expansion, external entities), other roots, documents without a usable signing certificate.
#include "federation/saml_metadata.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::federation {
namespace {

// A self-signed P-256 certificate for CN=idp.example.com.
const std::string kCert =
    "MIIBjDCCATGgAwIBAgIUXqN4j+Tn/"
    "MKnjVbGUTvgD1qdSqEwCgYIKoZIzj0EAwIwGjEYMBYGA1UEAwwPaWRwLmV4YW1wbGUuY29tMCAXDTI2MTIwNTE5NDEyNFo"
    "YDzIxMjYxMTExMTk0MTI0WjAaMRgwFgYDVQQDDA9pZHAuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCA"
    "ARUlhEdOz5MBWgdbz6xAd9e6JiJ1mKrgbk5+sJjtn39AXxbQ/+7yZ+KFc4pJ8FTn5/"
    "ZEi5w8+ox+zAe6py5AOwpo1MwUTAdBgNVHQ4EFgQUc9m3AYynZ6xSF9Ga+"
    "ibQByYrG60wHwYDVR0jBBgwFoAUc9m3AYynZ6xSF9Ga+ibQByYrG60wDwYDVR0TAQH/BAUwAwEB/"
    "zAKBggqhkjOPQQDAgNJADBGAiEAzy2BvmsFVFPBQZ1tVJlE5g+"
    "AibQALmSqcdqx2NqbwLcCIQCo9tkq1sLHfio5CZz1L63YEUO6VE4Z38geP3iWpCSGUw==";

std::string KeyDescriptor(const std::string& use, const std::string& cert = kCert) {
  return "<md:KeyDescriptor" + (use.empty() ? "" : " use=\"" + use + "\"") +
         "><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + cert +
         "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>";
}

std::string Metadata(const std::string& keys, const std::string& attributes = "") {
  return R"(<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" )"
         R"(xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/x")" +
         attributes + "><md:IDPSSODescriptor>" + keys +
         "</md:IDPSSODescriptor></md:EntityDescriptor>";
}

TEST(SamlMetadata, ReadsTheEntityTheSigningCertificatesAndValidUntil) {
  std::string wrapped = kCert.substr(0, 64) + "\n  " + kCert.substr(64);
  auto m = ParseSamlMetadata(
      Metadata(KeyDescriptor("signing") + KeyDescriptor("encryption") + KeyDescriptor("", wrapped),
               R"( validUntil="2030-01-02T03:04:05Z")"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->entity_id, "https://idp.example.com/x");
  EXPECT_EQ(m->signing_certificates.size(), 2u);  // the encryption key is not for signing
  EXPECT_EQ(m->signing_certificates[0], m->signing_certificates[1]);
  ASSERT_TRUE(m->valid_until_ms.has_value());
  EXPECT_EQ(*m->valid_until_ms, 1893553445000);
  EXPECT_FALSE(ParseSamlMetadata(Metadata(KeyDescriptor("signing")))->valid_until_ms);
}

TEST(SamlMetadata, RefusesWhatItCannotUse) {
  const std::string good = Metadata(KeyDescriptor("signing"));
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE md [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
      "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>" +
      good.substr(0, good.find("><md:IDPSSO")) + " ID=\"&b;\"" +
      good.substr(good.find("><md:IDPSSO"));
  const std::string external =
      "<?xml version=\"1.0\"?><!DOCTYPE md [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + good;
  const std::string cases[] = {
      "",
      "not xml at all",
      good.substr(0, good.size() - 5),  // not well-formed
      laughs,
      external,
      R"(<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>)",
      R"(<EntityDescriptor entityID="x"><IDPSSODescriptor/></EntityDescriptor>)",  // no namespace
      Metadata(""),                                            // no signing certificate
      Metadata(KeyDescriptor("encryption")),                   // only an encryption key
      Metadata(KeyDescriptor("signing", "bm90IGEgY2VydA==")),  // base64, but not a certificate
      Metadata(KeyDescriptor("signing", "!!!")),
      Metadata(KeyDescriptor("signing"), R"( validUntil="next year")"),
      R"(<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"><md:IDPSSODescriptor/></md:EntityDescriptor>)",
  };
  for (const std::string& xml : cases) {
    auto m = ParseSamlMetadata(xml);
    ASSERT_FALSE(m.ok()) << xml;
    EXPECT_EQ(m.status().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(m.status().message(), kBadSamlMetadata);
  }
  EXPECT_TRUE(ParseSamlMetadata(good).ok());
}

}  // namespace
}  // namespace gatehouse::federation
