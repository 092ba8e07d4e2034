// The signature of a SAML response under attack: signature wrapping (a signed assertion moved
// where the reader does not look, a second assertion, a Reference to another element, duplicate
// IDs), signatures removed, altered content, other keys with their certificates in KeyInfo,
// comments inside values, and algorithms outside the accepted lists (SHA-1, HMAC, inclusive
// canonicalization, extra references). Each is refused with AWS's "Response signature invalid"
// or a structural error; the accepted algorithms and key rotation verify.
#include "federation/saml_signature.h"

#include <gtest/gtest.h>

#include "saml_test_fixtures.h"

namespace gatehouse::federation {
namespace {

using namespace saml_testing;

// An unsigned assertion that claims an administrator.
std::string EvilAssertion(const std::string& id = "_evil") {
  AssertionSpec evil;
  evil.id = id;
  evil.name_id = "admin@example.com";
  return AssertionXml(evil);
}

std::string SignedAssertionMarkup(const std::string& signed_xml) {
  return Between(signed_xml, "<saml:Assertion", "</saml:Assertion>");
}

std::string WithoutSignature(const std::string& signed_xml) {
  return Replace(signed_xml, Between(signed_xml, "<ds:Signature", "</ds:Signature>"), "");
}

TEST(SamlSignature, RemovedSignatureIsRefused) {
  ExpectSignatureInvalid(Verify(WithoutSignature(AssertionSigned())));
  ExpectSignatureInvalid(Verify(WithoutSignature(ResponseSigned())));
  ExpectSignatureInvalid(Verify(ResponseXml()));
}

TEST(SamlSignature, ContentChangedAfterSigningIsRefused) {
  ExpectSignatureInvalid(
      Verify(Replace(AssertionSigned(), "alice@example.com", "admin@example.com")));
  ExpectSignatureInvalid(
      Verify(Replace(ResponseSigned(), "alice@example.com", "admin@example.com")));
  ExpectSignatureInvalid(Verify(Replace(ResponseSigned(), ">alice<", ">admin<")));
}

TEST(SamlSignature, EveryPresentSignatureMustVerify) {
  // The assertion's signature holds, the Response's does not.
  std::string both = BothSigned();
  ExpectSignatureInvalid(Verify(Replace(both, "<samlp:Status>", "<samlp:Status> ")));
  // And the reverse: the provider signed a Response whose assertion another key signed.
  std::string inner = SignElement(ResponseXml(), "_assertion1", SignedBy(Ids().attacker));
  ExpectSignatureInvalid(Verify(SignElement(inner, "_response1")));
}

// (a) The signed assertion moved into Extensions, an unsigned one where a naive reader looks.
TEST(SamlSignature, SignedAssertionMovedIntoExtensionsIsRefused) {
  ResponseSpec r;
  r.extensions = SignedAssertionMarkup(AssertionSigned());
  ExpectInvalid(Verify(ResponseXml(r, EvilAssertion())),
                "the response has more than one assertion");
  // The same with the evil assertion carrying a copy of the signature.
  std::string signed_xml = AssertionSigned();
  std::string signature = Between(signed_xml, "<ds:Signature", "</ds:Signature>");
  std::string evil =
      Replace(EvilAssertion("_assertion1"), "</saml:Issuer>", "</saml:Issuer>" + signature);
  r.extensions = SignedAssertionMarkup(signed_xml);
  ExpectInvalid(Verify(ResponseXml(r, evil)), "an ID is used more than once");
}

// (a) The signed assertion hidden in a ds:Object of the signature an evil assertion carries.
TEST(SamlSignature, SignedAssertionInsideSignatureObjectIsRefused) {
  std::string signed_xml = AssertionSigned();
  std::string signature = Between(signed_xml, "<ds:Signature", "</ds:Signature>");
  std::string original = SignedAssertionMarkup(signed_xml);
  std::string wrapped = Replace(signature, "</ds:Signature>",
                                "<ds:Object>" + original + "</ds:Object></ds:Signature>");
  std::string evil = Replace(EvilAssertion("_evil"), "</saml:Issuer>", "</saml:Issuer>" + wrapped);
  ExpectInvalid(Verify(ResponseXml({}, evil)), "the response has more than one assertion");
}

// (a) A signed Response wrapped by an evil Response: the reader's Response is not the signed one.
TEST(SamlSignature, SignedResponseWrappedInAnotherIsRefused) {
  std::string original = ResponseSigned();
  std::string inner = original.substr(original.find("<samlp:Response"));
  ResponseSpec evil;
  evil.id = "_evil_response";
  evil.extensions = inner;
  ExpectInvalid(Verify(ResponseXml(evil, EvilAssertion())),
                "the response has more than one assertion");
  // Without an assertion of its own, the only assertion is not the root's child.
  ExpectInvalid(Verify(ResponseXml(evil, "")), "the assertion is not a child of the response");
}

// (b) Two assertions, one of them signed, in either order.
TEST(SamlSignature, SecondAssertionBesideASignedOneIsRefused) {
  std::string signed_assertion = SignedAssertionMarkup(AssertionSigned());
  ExpectInvalid(Verify(ResponseXml({}, signed_assertion + EvilAssertion())),
                "the response has more than one assertion");
  ExpectInvalid(Verify(ResponseXml({}, EvilAssertion() + signed_assertion)),
                "the response has more than one assertion");
}

// (c) A signed Response with an assertion added, or its assertion replaced, after signing.
TEST(SamlSignature, AssertionAddedToASignedResponseIsRefused) {
  std::string signed_xml = ResponseSigned();
  ExpectInvalid(
      Verify(Replace(signed_xml, "</samlp:Response>", EvilAssertion() + "</samlp:Response>")),
      "the response has more than one assertion");
  ExpectSignatureInvalid(
      Verify(Replace(signed_xml, SignedAssertionMarkup(signed_xml), EvilAssertion("_assertion1"))));
}

// (d) A signature whose Reference points at an element other than its parent, though the
// provider's key made it: what it covers is not where it sits.
TEST(SamlSignature, ReferenceToAnotherElementIsRefused) {
  Signer signer;
  signer.reference_uri = "#_assertion1";
  ExpectSignatureInvalid(Verify(SignElement(ResponseXml(), "_response1", signer)));
  signer.reference_uri = "#_response1";
  ExpectSignatureInvalid(Verify(SignElement(ResponseXml(), "_assertion1", signer)));
  signer.reference_uri = "";
  ExpectSignatureInvalid(Verify(SignElement(ResponseXml(), "_response1", signer)));
}

// (e) An ID used twice, whatever the attribute that carries it.
TEST(SamlSignature, DuplicateIdsAreRefused) {
  for (const char* attribute : {"ID", "Id", "xml:id"}) {
    ResponseSpec r;
    r.extensions = "<x:Evil xmlns:x=\"urn:x\" " + std::string(attribute) + "=\"_assertion1\"/>";
    ExpectInvalid(Verify(AssertionSigned(r)), "an ID is used more than once");
  }
  ResponseSpec r;
  r.id = "_same";
  AssertionSpec a;
  a.id = "_same";
  ExpectInvalid(Verify(ResponseSigned(r, a)), "an ID is used more than once");
}

// (g) Another key, with its own certificate — or the provider's — in KeyInfo.
TEST(SamlSignature, AnotherKeyIsRefusedWhateverKeyInfoSays) {
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, SignedBy(Ids().attacker))));
  ExpectSignatureInvalid(Verify(ResponseSigned({}, {}, SignedBy(Ids().attacker))));
  Signer claiming = SignedBy(Ids().attacker);
  claiming.embedded = &Ids().idp;
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, claiming)));
}

TEST(SamlSignature, KeyInfoIsNeitherNeededNorTrusted) {
  Signer bare;
  bare.embed_certificate = false;
  EXPECT_TRUE(Verify(AssertionSigned({}, {}, bare)).ok());
  Signer misleading;
  misleading.embedded = &Ids().attacker;
  EXPECT_TRUE(Verify(AssertionSigned({}, {}, misleading)).ok());
}

TEST(SamlSignature, AnyCertificateOfTheProviderVerifies) {
  SamlExpectations rotated = Expect();
  rotated.idp_certificates = {Ids().idp_next.certificate, Ids().idp.certificate};
  EXPECT_TRUE(Verify(AssertionSigned(), rotated).ok());
  EXPECT_TRUE(Verify(AssertionSigned({}, {}, SignedBy(Ids().idp_next)), rotated).ok());
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, SignedBy(Ids().idp_next))));
  SamlExpectations none = Expect();
  none.idp_certificates = {};
  ExpectSignatureInvalid(Verify(AssertionSigned(), none));
  none.idp_certificates = {"not a certificate"};
  ExpectSignatureInvalid(Verify(AssertionSigned(), none));
}

// (h) A comment inside a value: the signature (exclusive c14n without comments) still verifies,
// and the reader takes all of the text, not the part before the comment.
TEST(SamlSignature, CommentInsideAValueDoesNotCutItShort) {
  AssertionSpec a;
  a.name_id = "admin@example.com.evil.com";
  a.attributes = {{kSessionNameAttribute, {"admin.evil"}}};
  std::string signed_xml = AssertionSigned({}, a);
  std::string injected =
      Replace(signed_xml, "admin@example.com.evil.com", "admin@example.com<!---->.evil.com");
  injected = Replace(injected, ">admin.evil<", ">admin<!-- -->.evil<");
  Result<SamlAssertion> result = Verify(injected);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->name_id, "admin@example.com.evil.com");
  EXPECT_EQ(result->attributes[0].second, std::vector<std::string>{"admin.evil"});
  // A same-document Reference "#id" drops comments before any canonicalization (XML Signature
  // §4.4.3.3), so canonicalizing with comments changes nothing: the reader must read it all.
  Signer with_comments;
  with_comments.transforms = {[] { return xmlSecTransformEnvelopedId; },
                              [] { return xmlSecTransformExclC14NWithCommentsId; }};
  signed_xml = AssertionSigned({}, a, with_comments);
  result = Verify(
      Replace(signed_xml, "admin@example.com.evil.com", "admin@example.com<!---->.evil.com"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->name_id, "admin@example.com.evil.com");
}

TEST(SamlSignature, CdataInsideAValueIsPartOfIt) {
  AssertionSpec a;
  a.name_id = "alice<![CDATA[@example.com]]>";
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->name_id, "alice@example.com");
}

TEST(SamlSignature, AcceptedAlgorithmsVerify) {
  using Id = xmlSecTransformId (*)();
  for (Id method : {Id([] { return xmlSecTransformRsaSha256Id; }),
                    Id([] { return xmlSecTransformRsaSha384Id; }),
                    Id([] { return xmlSecTransformRsaSha512Id; })}) {
    for (Id digest :
         {Id([] { return xmlSecTransformSha256Id; }), Id([] { return xmlSecTransformSha384Id; }),
          Id([] { return xmlSecTransformSha512Id; })}) {
      Signer signer;
      signer.method = method;
      signer.digest = digest;
      EXPECT_TRUE(Verify(AssertionSigned({}, {}, signer)).ok()) << method()->name << digest()->name;
    }
  }
  SamlExpectations ec = Expect();
  ec.idp_certificates = {Ids().idp_ec.certificate};
  for (Id method : {Id([] { return xmlSecTransformEcdsaSha256Id; }),
                    Id([] { return xmlSecTransformEcdsaSha384Id; }),
                    Id([] { return xmlSecTransformEcdsaSha512Id; })}) {
    Signer signer = SignedBy(Ids().idp_ec);
    signer.method = method;
    EXPECT_TRUE(Verify(ResponseSigned({}, {}, signer), ec).ok()) << method()->name;
  }
  // An RSA signature does not verify with the EC key, nor the reverse.
  ExpectSignatureInvalid(Verify(AssertionSigned(), ec));
  Signer ecdsa = SignedBy(Ids().idp_ec);
  ecdsa.method = [] { return xmlSecTransformEcdsaSha256Id; };
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, ecdsa)));
}

// (j) SHA-1, in the signature method or the digest, is refused.
TEST(SamlSignature, Sha1IsRefused) {
  Signer sha1_method;
  sha1_method.method = [] { return xmlSecTransformRsaSha1Id; };
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, sha1_method)));
  ExpectSignatureInvalid(Verify(ResponseSigned({}, {}, sha1_method)));
  Signer sha1_digest;
  sha1_digest.digest = [] { return xmlSecTransformSha1Id; };
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, sha1_digest)));
}

// HMAC keyed with the provider's public certificate, which an attacker knows.
TEST(SamlSignature, HmacIsRefused) {
  Signer hmac;
  hmac.method = [] { return xmlSecTransformHmacSha256Id; };
  hmac.hmac_secret = Ids().idp.certificate;
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, hmac)));
}

TEST(SamlSignature, OnlyExclusiveCanonicalizationAndEnvelopedTransforms) {
  Signer inclusive;
  inclusive.c14n = [] { return xmlSecTransformInclC14NId; };
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, inclusive)));
  Signer inclusive_transform;
  inclusive_transform.transforms = {[] { return xmlSecTransformEnvelopedId; },
                                    [] { return xmlSecTransformInclC14NId; }};
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, inclusive_transform)));
  Signer three;
  three.transforms = {[] { return xmlSecTransformEnvelopedId; },
                      [] { return xmlSecTransformExclC14NId; },
                      [] { return xmlSecTransformExclC14NId; }};
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, three)));
  // Transforms that compute (XPath, XSLT) or decode are refused before anything runs.
  const std::string exclusive =
      "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
  for (const char* algorithm : {"http://www.w3.org/TR/1999/REC-xpath-19991116",
                                "http://www.w3.org/TR/1999/REC-xslt-19991116",
                                "http://www.w3.org/2000/09/xmldsig#base64"}) {
    std::string other = "<ds:Transform Algorithm=\"" + std::string(algorithm) + "\"/>";
    ExpectSignatureInvalid(Verify(Replace(AssertionSigned(), exclusive, other)));
  }
}

TEST(SamlSignature, ExactlyOneReferenceIsAccepted) {
  Signer two;
  two.references = 2;
  ExpectSignatureInvalid(Verify(AssertionSigned({}, {}, two)));
}

TEST(SamlSignature, ObjectInsideTheSignatureIsRefused) {
  std::string signed_xml = AssertionSigned();
  ExpectSignatureInvalid(
      Verify(Replace(signed_xml, "</ds:KeyInfo>", "</ds:KeyInfo><ds:Object>x</ds:Object>")));
}

TEST(SamlSignature, OneSignaturePerElement) {
  std::string signed_xml = AssertionSigned();
  std::string signature = Between(signed_xml, "<ds:Signature", "</ds:Signature>");
  ExpectSignatureInvalid(Verify(Replace(signed_xml, signature, signature + signature)));
}

// xmlsec resolves "#id" through an XPointer built from the id: only plain names are used.
TEST(SamlSignature, IdsWithOtherCharactersAreRefused) {
  AssertionSpec a;
  a.id = "urn:id:1";
  ExpectSignatureInvalid(Verify(AssertionSigned({}, a)));
  a.id = "1abc";
  ExpectSignatureInvalid(Verify(AssertionSigned({}, a)));
}

}  // namespace
}  // namespace gatehouse::federation
