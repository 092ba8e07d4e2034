// VerifySamlResponse on well-formed responses: what it reads from a verified assertion, and each
// check after the signature — status, issuers, destination, the validity window with clock skew,
// audiences, the bearer confirmation and its recipient — with AWS's errors. Also the size bounds
// of SAMLAssertion and concurrent verification.
#include "federation/saml_response.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "saml_test_fixtures.h"

namespace gatehouse::federation {
namespace {

using namespace saml_testing;

const std::string kExpired = "Token must be redeemed within 5 minutes of issuance";
const std::string kNoAudience = "Response does not contain the required audience.";
const std::string kIssuerMismatch = "Issuer not present in specified provider";

void ExpectExpired(const Result<SamlAssertion>& result) {
  ExpectRefused(result, ErrorCode::kExpiredTokenException, kExpired);
}

TEST(SamlResponse, ReadsTheVerifiedAssertion) {
  Result<SamlAssertion> result = Verify(AssertionSigned());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->id, "_assertion1");
  EXPECT_EQ(result->issuer, kIdpEntityId);
  EXPECT_EQ(result->name_id, "alice@example.com");
  EXPECT_EQ(result->name_id_format, kPersistent);
  // The bearer confirmation (now + 5 min) ends before the Conditions (now + 10 min).
  EXPECT_EQ(result->not_on_or_after_ms, kNow + 5 * kMinute);
  EXPECT_EQ(result->session_not_on_or_after_ms, kNow + 60 * kMinute);
  ASSERT_EQ(result->attributes.size(), 2u);
  EXPECT_EQ(result->attributes[0].first, kRoleAttribute);
  EXPECT_EQ(result->attributes[0].second, std::vector<std::string>{kRoleValue});
  EXPECT_EQ(result->attributes[1].first, kSessionNameAttribute);
  EXPECT_EQ(result->attributes[1].second, std::vector<std::string>{"alice"});
}

TEST(SamlResponse, AcceptsAResponseSignatureAnAssertionSignatureOrBoth) {
  EXPECT_TRUE(Verify(AssertionSigned()).ok());
  EXPECT_TRUE(Verify(ResponseSigned()).ok());
  EXPECT_TRUE(Verify(BothSigned()).ok());
}

TEST(SamlResponse, AttributesKeepDocumentOrderAndEveryValue) {
  AssertionSpec a;
  a.attributes = {{"b", {"1", "2", "3"}}, {"a", {}}, {"b", {"4"}}, {"c", {"x &amp; y", ""}}};
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  using Attributes = std::vector<std::pair<std::string, std::vector<std::string>>>;
  EXPECT_EQ(result->attributes,
            (Attributes{{"b", {"1", "2", "3"}}, {"a", {}}, {"b", {"4"}}, {"c", {"x & y", ""}}}));
}

TEST(SamlResponse, AttributeWithoutNameIsRefused) {
  AssertionSpec a;
  a.extra =
      "<saml:AttributeStatement><saml:Attribute><saml:AttributeValue>x</saml:AttributeValue>"
      "</saml:Attribute></saml:AttributeStatement>";
  ExpectInvalid(Verify(AssertionSigned({}, a)), "an Attribute has no Name");
}

TEST(SamlResponse, EncryptedAttributeIsRefused) {
  AssertionSpec a;
  a.extra = "<saml:AttributeStatement><saml:EncryptedAttribute/></saml:AttributeStatement>";
  ExpectInvalid(Verify(AssertionSigned({}, a)), "encrypted attributes are not supported");
}

TEST(SamlResponse, NameIdIsOptionalButUniqueAndNotEncrypted) {
  AssertionSpec a;
  a.name_id_format = "";
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->name_id_format, "");

  std::string without = Replace(
      ResponseXml(),
      "<saml:NameID Format=\"" + std::string(kPersistent) + "\">alice@example.com</saml:NameID>",
      "");
  result = Verify(SignElement(without, "_assertion1"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->name_id, "");

  std::string two = Replace(ResponseXml(), "</saml:NameID>",
                            "</saml:NameID><saml:NameID>mallory@example.com</saml:NameID>");
  ExpectInvalid(Verify(SignElement(two, "_assertion1")), "the Subject has more than one NameID");

  std::string encrypted =
      Replace(ResponseXml(), "</saml:NameID>", "</saml:NameID><saml:EncryptedID/>");
  ExpectInvalid(Verify(SignElement(encrypted, "_assertion1")),
                "encrypted identifiers are not supported");
}

TEST(SamlResponse, StatusMustBeSuccess) {
  ResponseSpec r;
  r.status = "urn:oasis:names:tc:SAML:2.0:status:Requester";
  Result<SamlAssertion> result = Verify(ResponseSigned(r));
  ExpectRefused(result, ErrorCode::kIdpRejectedClaim,
                "The identity provider (IdP) reported that authentication failed.");
  EXPECT_EQ(Describe(result.status().code()).http_status, 403);

  std::string no_status = Replace(
      ResponseXml(),
      "<samlp:Status><samlp:StatusCode Value=\"" + std::string(kSuccess) + "\"/></samlp:Status>",
      "");
  ExpectInvalid(Verify(SignElement(no_status, "_assertion1")), "the response must have one Status");
}

TEST(SamlResponse, VersionMustBeTwo) {
  ResponseSpec r;
  r.version = "1.1";
  ExpectInvalid(Verify(AssertionSigned(r)), "the response's Version is not 2.0");
  AssertionSpec a;
  a.version = "1.1";
  ExpectInvalid(Verify(AssertionSigned({}, a)), "the assertion's Version is not 2.0");
}

TEST(SamlResponse, AssertionIssuerMustBeTheProvider) {
  AssertionSpec a;
  a.issuer = "https://other.example.com/metadata";
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ExpectRefused(result, ErrorCode::kInvalidIdentityToken, kIssuerMismatch);
  EXPECT_EQ(Describe(result.status().code()).http_status, 400);
  // A prefix or a padded value is another issuer.
  a.issuer = std::string(kIdpEntityId) + " ";
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken, kIssuerMismatch);
}

TEST(SamlResponse, ResponseIssuerWhenPresentMustBeTheProvider) {
  ResponseSpec r;
  r.issuer = "https://other.example.com/metadata";
  ExpectRefused(Verify(ResponseSigned(r)), ErrorCode::kInvalidIdentityToken, kIssuerMismatch);
  r.issuer = "";
  EXPECT_TRUE(Verify(AssertionSigned(r)).ok());
}

TEST(SamlResponse, DestinationWhenPresentMustBeARecipient) {
  ResponseSpec r;
  r.destination = "https://elsewhere.example.com/acs";
  ExpectInvalid(Verify(ResponseSigned(r)), "the response's Destination is not this server");
  r.destination = "";
  EXPECT_TRUE(Verify(ResponseSigned(r)).ok());
  // No recipients configured: any destination.
  r.destination = "https://elsewhere.example.com/acs";
  SamlExpectations any = Expect();
  any.recipients.clear();
  AssertionSpec a;
  a.recipient = "https://elsewhere.example.com/acs";
  EXPECT_TRUE(Verify(ResponseSigned(r, a), any).ok());
}

TEST(SamlResponse, NotBeforeAllowsTheSkew) {
  AssertionSpec a;
  a.not_before = kNow + 5 * kMinute;
  EXPECT_TRUE(Verify(AssertionSigned({}, a)).ok());
  a.not_before = kNow + 5 * kMinute + 1000;
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken,
                "The SAML assertion is not yet valid");
}

TEST(SamlResponse, ConditionsNotOnOrAfterAllowsTheSkew) {
  AssertionSpec a;
  a.bearer_not_on_or_after = kNow + 60 * kMinute;
  a.not_on_or_after = kNow - 5 * kMinute + 1000;
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->not_on_or_after_ms, kNow - 5 * kMinute + 1000);
  a.not_on_or_after = kNow - 5 * kMinute;
  result = Verify(AssertionSigned({}, a));
  ExpectExpired(result);
  EXPECT_EQ(Describe(result.status().code()).code, "ExpiredTokenException");
  EXPECT_EQ(Describe(result.status().code()).http_status, 400);
}

TEST(SamlResponse, TimesMustBeIsoTimes) {
  std::string xml = Replace(ResponseXml(), "NotBefore=\"" + Time(kNow - kMinute) + "\"",
                            "NotBefore=\"yesterday\"");
  ExpectInvalid(Verify(SignElement(xml, "_assertion1")), "NotBefore of Conditions is not a time");
  xml = Replace(ResponseXml(), "SessionNotOnOrAfter=\"" + Time(kNow + 60 * kMinute) + "\"",
                "SessionNotOnOrAfter=\"soon\"");
  ExpectInvalid(Verify(SignElement(xml, "_assertion1")),
                "SessionNotOnOrAfter of AuthnStatement is not a time");
}

TEST(SamlResponse, ConditionsAreRequiredForTheAudience) {
  AssertionSpec a;
  a.conditions = false;
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken, kNoAudience);
}

TEST(SamlResponse, EveryAudienceRestrictionMustNameAnAcceptedAudience) {
  AssertionSpec a;
  a.audience_restrictions = {};
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken, kNoAudience);
  a.audience_restrictions = {{"https://other.example.com"}};
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken, kNoAudience);
  a.audience_restrictions = {{kSignIn}, {"https://other.example.com"}};
  ExpectRefused(Verify(AssertionSigned({}, a)), ErrorCode::kInvalidIdentityToken, kNoAudience);
  a.audience_restrictions = {{"https://other.example.com", "urn:amazon:webservices"}, {kSignIn}};
  EXPECT_TRUE(Verify(AssertionSigned({}, a)).ok());
}

TEST(SamlResponse, OnlyUnderstoodConditionsAreAccepted) {
  AssertionSpec a;
  a.extra_conditions = "<saml:OneTimeUse/><saml:ProxyRestriction Count=\"0\"/>";
  EXPECT_TRUE(Verify(AssertionSigned({}, a)).ok());
  a.extra_conditions = "<saml:Condition xmlns:x=\"urn:x\"/>";
  ExpectInvalid(Verify(AssertionSigned({}, a)), "the assertion has an unknown condition");
}

TEST(SamlResponse, BearerConfirmationIsRequired) {
  AssertionSpec a;
  a.method = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
  ExpectInvalid(Verify(AssertionSigned({}, a)),
                "the assertion has no bearer SubjectConfirmation for this server");
  a = AssertionSpec();
  a.bearer_not_on_or_after = std::nullopt;
  ExpectInvalid(Verify(AssertionSigned({}, a)),
                "the assertion has no bearer SubjectConfirmation for this server");
}

TEST(SamlResponse, BearerConfirmationExpiresWithTheSkew) {
  AssertionSpec a;
  a.bearer_not_on_or_after = kNow - 5 * kMinute + 1000;
  EXPECT_TRUE(Verify(AssertionSigned({}, a)).ok());
  a.bearer_not_on_or_after = kNow - 5 * kMinute;
  ExpectExpired(Verify(AssertionSigned({}, a)));
}

TEST(SamlResponse, RecipientMustBeAccepted) {
  AssertionSpec a;
  a.recipient = "https://elsewhere.example.com/acs";
  ExpectInvalid(Verify(AssertionSigned({}, a)),
                "the assertion has no bearer SubjectConfirmation for this server");
  a.recipient = "";
  ExpectInvalid(Verify(AssertionSigned({}, a)),
                "the assertion has no bearer SubjectConfirmation for this server");
  SamlExpectations any = Expect();
  any.recipients.clear();
  EXPECT_TRUE(Verify(AssertionSigned({}, a), any).ok());
}

TEST(SamlResponse, AnAcceptedConfirmationAmongOthersIsUsed) {
  std::string second = "<saml:SubjectConfirmation Method=\"" + std::string(kBearer) +
                       "\"><saml:SubjectConfirmationData NotOnOrAfter=\"" +
                       Time(kNow + 2 * kMinute) + "\" Recipient=\"" + kSignIn +
                       "\"/></saml:SubjectConfirmation>";
  AssertionSpec a;
  a.recipient = "https://elsewhere.example.com/acs";
  std::string xml = Replace(ResponseXml({}, a), "</saml:Subject>", second + "</saml:Subject>");
  Result<SamlAssertion> result = Verify(SignElement(xml, "_assertion1"));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->not_on_or_after_ms, kNow + 2 * kMinute);
}

TEST(SamlResponse, SessionNotOnOrAfterIsTheEarliestAndInTheFuture) {
  AssertionSpec a;
  a.extra = "<saml:AuthnStatement AuthnInstant=\"" + Time(kNow) + "\" SessionNotOnOrAfter=\"" +
            Time(kNow + 30 * kMinute) + "\"/>";
  Result<SamlAssertion> result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->session_not_on_or_after_ms, kNow + 30 * kMinute);
  a = AssertionSpec();
  a.session_not_on_or_after = std::nullopt;
  result = Verify(AssertionSigned({}, a));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->session_not_on_or_after_ms.has_value());
  a.session_not_on_or_after = kNow;
  ExpectExpired(Verify(AssertionSigned({}, a)));
}

TEST(SamlResponse, SizeIsBoundedBeforeDecoding) {
  ExpectInvalid(VerifySamlResponse("abc", Expect()),
                "SAMLAssertion must be 4 to 100000 characters long");
  ExpectInvalid(VerifySamlResponse(std::string(100001, 'A'), Expect()),
                "SAMLAssertion must be 4 to 100000 characters long");
  ExpectInvalid(VerifySamlResponse(std::string(100000, 'A'), Expect()),
                "the document is not well-formed XML");
  ExpectInvalid(VerifySamlResponse("not base64!", Expect()), "SAMLAssertion is not base64");
}

TEST(SamlResponse, Base64MayBeWrapped) {
  std::string encoded = Base64Encode(AssertionSigned());
  std::string wrapped;
  for (size_t i = 0; i < encoded.size(); i += 76) wrapped += encoded.substr(i, 76) + "\r\n";
  EXPECT_TRUE(VerifySamlResponse(wrapped, Expect()).ok());
}

TEST(SamlResponse, RootMustBeAResponse) {
  std::string assertion = AssertionXml({});
  std::string xml = "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"" +
                    assertion.substr(std::string("<saml:Assertion").size());
  ExpectInvalid(Verify(SignElement(xml, "_assertion1")), "the document is not a SAML 2.0 Response");
}

TEST(SamlResponse, ExactlyOneAssertionIsRequired) {
  ExpectInvalid(Verify(SignElement(ResponseXml({}, std::string()), "_response1")),
                "the response has no assertion");
  std::string encrypted = ResponseXml({}, "<saml:EncryptedAssertion/>");
  ExpectInvalid(Verify(SignElement(encrypted, "_response1")),
                "encrypted assertions are not supported");
}

TEST(SamlResponse, ConcurrentVerificationsAreIndependent) {
  const std::string good = Base64Encode(AssertionSigned());
  const std::string bad = Base64Encode(AssertionSigned({}, {}, SignedBy(Ids().attacker)));
  const SamlExpectations expect = Expect();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        if (!VerifySamlResponse(good, expect).ok()) ++failures;
        if (VerifySamlResponse(bad, expect).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(SamlResponse, ClaimedIssuerIsTheResponsesElseTheAssertions) {
  Result<std::string> issuer = ClaimedSamlIssuer(Base64Encode(ResponseXml()));
  ASSERT_TRUE(issuer.ok()) << issuer.status().ToString();
  EXPECT_EQ(*issuer, kIdpEntityId);
  // Unsigned and unverified: only a hint of which keys to try.
  ResponseSpec no_issuer;
  no_issuer.issuer = "";
  AssertionSpec a;
  a.issuer = "https://other.example.com/idp";
  issuer = ClaimedSamlIssuer(Base64Encode(ResponseXml(no_issuer, a)));
  ASSERT_TRUE(issuer.ok()) << issuer.status().ToString();
  EXPECT_EQ(*issuer, "https://other.example.com/idp");
}

TEST(SamlResponse, ClaimedIssuerRefusesWhatCannotNameOne) {
  ResponseSpec no_issuer;
  no_issuer.issuer = "";
  AssertionSpec second;
  second.id = "_assertion2";
  const std::string two_assertions =
      ResponseXml(no_issuer, AssertionXml({}) + AssertionXml(second));
  for (const std::string& base64 :
       {std::string("****"), Base64Encode("<not-xml"), Base64Encode("<a>no response</a>"),
        Base64Encode("<!DOCTYPE x><x/>"), Base64Encode(two_assertions)}) {
    Result<std::string> issuer = ClaimedSamlIssuer(base64);
    EXPECT_FALSE(issuer.ok()) << base64;
    if (!issuer.ok()) {
      EXPECT_EQ(issuer.status().code(), ErrorCode::kInvalidIdentityToken);
    }
  }
}

}  // namespace
}  // namespace gatehouse::federation
