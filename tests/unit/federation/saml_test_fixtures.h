// Test helpers for the SAML response verifier: an identity provider's keys and self-signed
// certificates generated with OpenSSL, SAML responses written from a few fields, and XML
// signatures made with xmlsec the way an identity provider makes them (an enveloped signature
// after the signed element's Issuer), so that the tests need no fixture files
// (saml_response_test.cc, saml_signature_test.cc, saml_xml_test.cc).
#pragma once

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/crypto.h"
#include "core/time_format.h"
#include "federation/saml_response.h"
#include "federation/saml_signature.h"
#include "federation/saml_xml.h"

namespace gatehouse::federation::saml_testing {

inline constexpr char kIdpEntityId[] = "https://idp.example.com/metadata";
inline constexpr char kSignIn[] = "https://signin.aws.amazon.com/saml";
inline constexpr char kPersistent[] = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
inline constexpr char kBearer[] = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
inline constexpr char kSuccess[] = "urn:oasis:names:tc:SAML:2.0:status:Success";
inline constexpr char kRoleAttribute[] = "https://aws.amazon.com/SAML/Attributes/Role";
inline constexpr char kSessionNameAttribute[] =
    "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
inline constexpr char kRoleValue[] =
    "arn:aws:iam::123456789012:role/admins,arn:aws:iam::123456789012:saml-provider/Okta";

inline constexpr int64_t kNow = 1700000000000;  // 2023-11-14T22:13:20Z
inline constexpr int64_t kMinute = 60 * 1000;

// A key pair and its self-signed certificate (DER).
struct Identity {
  std::shared_ptr<EVP_PKEY> key;
  std::string certificate;
};

inline std::string SelfSignedCertificate(EVP_PKEY* key, const char* common_name) {
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), X509_free);
  if (!cert) throw std::runtime_error("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3650L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) throw std::runtime_error("X509_sign");
  int size = i2d_X509(cert.get(), nullptr);
  std::string der(static_cast<size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(cert.get(), &out);
  return der;
}

inline Identity NewIdentity(EVP_PKEY* key, const char* common_name) {
  if (key == nullptr) throw std::runtime_error("key generation failed");
  Identity identity{std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), ""};
  identity.certificate = SelfSignedCertificate(key, common_name);
  return identity;
}

// Generating keys is slow under the sanitizers: the tests share these.
struct Identities {
  Identity idp = NewIdentity(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), "idp");
  Identity idp_next = NewIdentity(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), "idp2");
  Identity attacker =
      NewIdentity(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), "attacker");
  Identity idp_ec = NewIdentity(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), "idp-ec");
};

inline const Identities& Ids() {
  static const Identities ids = [] {
    if (!InitXmlSec().ok()) throw std::runtime_error("xmlsec");
    return Identities();
  }();
  return ids;
}

// The fields of one saml:Assertion. Text fields are written as they are: they may hold markup.
struct AssertionSpec {
  std::string id = "_assertion1";
  std::string version = "2.0";
  std::string issuer = kIdpEntityId;
  std::string name_id = "alice@example.com";
  std::string name_id_format = kPersistent;
  std::string method = kBearer;
  std::string recipient = kSignIn;
  std::optional<int64_t> bearer_not_on_or_after = kNow + 5 * kMinute;
  bool conditions = true;
  std::optional<int64_t> not_before = kNow - kMinute;
  std::optional<int64_t> not_on_or_after = kNow + 10 * kMinute;
  std::vector<std::vector<std::string>> audience_restrictions = {{kSignIn}};
  std::string extra_conditions;
  std::optional<int64_t> session_not_on_or_after = kNow + 60 * kMinute;
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes = {
      {kRoleAttribute, {kRoleValue}}, {kSessionNameAttribute, {"alice"}}};
  std::string extra;  // more markup at the end of the assertion
};

// The fields of the samlp:Response around it.
struct ResponseSpec {
  std::string id = "_response1";
  std::string version = "2.0";
  std::string issuer = kIdpEntityId;  // "": no Issuer
  std::string destination = kSignIn;  // "": no Destination
  std::string status = kSuccess;
  std::string extensions;  // the content of a samlp:Extensions; "": none
};

inline std::string Time(int64_t ms) { return FormatIsoTime(ms); }

inline std::string AssertionXml(const AssertionSpec& a) {
  std::string xml = "<saml:Assertion ID=\"" + a.id + "\" Version=\"" + a.version +
                    "\" IssueInstant=\"" + Time(kNow) + "\">\n";
  xml += "  <saml:Issuer>" + a.issuer + "</saml:Issuer>\n";
  xml += "  <saml:Subject>\n";
  xml += "    <saml:NameID Format=\"" + a.name_id_format + "\">" + a.name_id + "</saml:NameID>\n";
  xml += "    <saml:SubjectConfirmation Method=\"" + a.method + "\">\n";
  xml += "      <saml:SubjectConfirmationData";
  if (a.bearer_not_on_or_after) xml += " NotOnOrAfter=\"" + Time(*a.bearer_not_on_or_after) + "\"";
  if (!a.recipient.empty()) xml += " Recipient=\"" + a.recipient + "\"";
  xml += "/>\n    </saml:SubjectConfirmation>\n  </saml:Subject>\n";
  if (a.conditions) {
    xml += "  <saml:Conditions";
    if (a.not_before) xml += " NotBefore=\"" + Time(*a.not_before) + "\"";
    if (a.not_on_or_after) xml += " NotOnOrAfter=\"" + Time(*a.not_on_or_after) + "\"";
    xml += ">\n";
    for (const auto& restriction : a.audience_restrictions) {
      xml += "    <saml:AudienceRestriction>";
      for (const auto& audience : restriction) {
        xml += "<saml:Audience>" + audience + "</saml:Audience>";
      }
      xml += "</saml:AudienceRestriction>\n";
    }
    xml += a.extra_conditions + "  </saml:Conditions>\n";
  }
  xml += "  <saml:AuthnStatement AuthnInstant=\"" + Time(kNow) + "\"";
  if (a.session_not_on_or_after) {
    xml += " SessionNotOnOrAfter=\"" + Time(*a.session_not_on_or_after) + "\"";
  }
  xml +=
      "><saml:AuthnContext><saml:AuthnContextClassRef>"
      "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
      "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\n";
  xml += "  <saml:AttributeStatement>\n";
  for (const auto& [name, values] : a.attributes) {
    xml += "    <saml:Attribute Name=\"" + name + "\">";
    for (const auto& value : values)
      xml += "<saml:AttributeValue>" + value + "</saml:AttributeValue>";
    xml += "</saml:Attribute>\n";
  }
  xml += "  </saml:AttributeStatement>\n" + a.extra + "</saml:Assertion>";
  return xml;
}

// A samlp:Response holding `assertions` (markup) after its Status.
inline std::string ResponseXml(const ResponseSpec& r, const std::string& assertions) {
  std::string xml =
      "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
      "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
      r.id + "\" Version=\"" + r.version + "\" IssueInstant=\"" + Time(kNow) + "\"";
  if (!r.destination.empty()) xml += " Destination=\"" + r.destination + "\"";
  xml += ">\n";
  if (!r.issuer.empty()) xml += "<saml:Issuer>" + r.issuer + "</saml:Issuer>\n";
  if (!r.extensions.empty()) xml += "<samlp:Extensions>" + r.extensions + "</samlp:Extensions>\n";
  xml += "<samlp:Status><samlp:StatusCode Value=\"" + r.status + "\"/></samlp:Status>\n";
  xml += assertions + "\n</samlp:Response>\n";
  return xml;
}

inline std::string ResponseXml(const ResponseSpec& r = {}, const AssertionSpec& a = {}) {
  return ResponseXml(r, AssertionXml(a));
}

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

inline Doc ParseForSigning(const std::string& xml) {
  Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "test.xml", nullptr,
                        XML_PARSE_NONET));
  if (!doc) throw std::runtime_error("test XML is not well-formed");
  return doc;
}

inline std::string Serialize(xmlDoc* doc) {
  xmlChar* buffer = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc, &buffer, &size);
  std::string out(reinterpret_cast<const char*>(buffer), static_cast<size_t>(size));
  xmlFree(buffer);
  return out;
}

// The element whose ID attribute is `id`, after registering every ID attribute of the document
// as an XML ID (what a Reference "#id" resolves through).
inline xmlNode* RegisterIdsAndFind(xmlDoc* doc, const std::string& id) {
  xmlNode* found = nullptr;
  ForEachElement(xmlDocGetRootElement(doc), [&](xmlNode* element, int) {
    xmlAttr* attribute = xmlHasNsProp(element, BAD_CAST "ID", nullptr);
    if (attribute == nullptr) return;
    xmlChar* value = xmlNodeListGetString(doc, attribute->children, 1);
    if (xmlGetID(doc, value) == nullptr) xmlAddID(nullptr, doc, value, attribute);
    if (found == nullptr && xmlStrEqual(value, BAD_CAST id.c_str())) found = element;
    xmlFree(value);
  });
  if (found == nullptr) throw std::runtime_error("no element with ID " + id);
  return found;
}

// How to sign: the key, the algorithms, what the Reference points at and what KeyInfo carries.
struct Signer {
  const Identity* identity = nullptr;  // null: Ids().idp
  xmlSecTransformId (*method)() = [] { return xmlSecTransformRsaSha256Id; };
  xmlSecTransformId (*digest)() = [] { return xmlSecTransformSha256Id; };
  xmlSecTransformId (*c14n)() = [] { return xmlSecTransformExclC14NId; };
  std::vector<xmlSecTransformId (*)()> transforms = {[] { return xmlSecTransformEnvelopedId; },
                                                     [] { return xmlSecTransformExclC14NId; }};
  std::optional<std::string> reference_uri;  // nullopt: "#" + the signed element's ID
  int references = 1;                        // the same Reference this many times
  bool embed_certificate = true;             // the signer's certificate in KeyInfo/X509Data
  const Identity* embedded = nullptr;        // embed this certificate instead of the signer's
  std::string hmac_secret;                   // not empty: an HMAC key of these bytes
};

// A Signer with `identity`'s key and every other default.
inline Signer SignedBy(const Identity& identity) {
  Signer signer;
  signer.identity = &identity;
  return signer;
}

inline xmlSecKeyPtr SigningKey(const Signer& signer) {
  if (!signer.hmac_secret.empty()) {
    return xmlSecKeyReadMemory(xmlSecKeyDataHmacId,
                               reinterpret_cast<const xmlSecByte*>(signer.hmac_secret.data()),
                               static_cast<xmlSecSize>(signer.hmac_secret.size()));
  }
  const Identity& identity = signer.identity != nullptr ? *signer.identity : Ids().idp;
  EVP_PKEY_up_ref(identity.key.get());
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(identity.key.get());
  xmlSecKeyPtr key = xmlSecKeyCreate();
  xmlSecKeySetValue(key, data);
  const Identity& embedded = signer.embedded != nullptr ? *signer.embedded : identity;
  if (signer.embed_certificate) {
    xmlSecCryptoAppKeyCertLoadMemory(
        key, reinterpret_cast<const xmlSecByte*>(embedded.certificate.data()),
        static_cast<xmlSecSize>(embedded.certificate.size()), xmlSecKeyDataFormatCertDer);
  }
  return key;
}

// `xml` with the element of ID `id` signed: an enveloped ds:Signature inserted after its Issuer
// (first when it has none).
inline std::string SignElement(const std::string& xml, const std::string& id,
                               const Signer& signer = {}) {
  Doc doc = ParseForSigning(xml);
  xmlNode* element = RegisterIdsAndFind(doc.get(), id);
  xmlNode* signature = xmlSecTmplSignatureCreateNsPref(doc.get(), signer.c14n(), signer.method(),
                                                       nullptr, BAD_CAST "ds");
  std::string uri = signer.reference_uri.value_or("#" + id);
  for (int i = 0; i < signer.references; ++i) {
    xmlNode* reference = xmlSecTmplSignatureAddReference(signature, signer.digest(), nullptr,
                                                         BAD_CAST uri.c_str(), nullptr);
    for (auto transform : signer.transforms)
      xmlSecTmplReferenceAddTransform(reference, transform());
  }
  if (signer.embed_certificate && signer.hmac_secret.empty()) {
    xmlNode* key_info = xmlSecTmplSignatureEnsureKeyInfo(signature, nullptr);
    xmlSecTmplX509DataAddCertificate(xmlSecTmplKeyInfoAddX509Data(key_info));
  }
  std::vector<xmlNode*> issuers = ChildElements(element, kSamlAssertionNs, "Issuer");
  if (!issuers.empty()) {
    xmlAddNextSibling(issuers[0], signature);
  } else if (element->children != nullptr) {
    xmlAddPrevSibling(element->children, signature);
  } else {
    xmlAddChild(element, signature);
  }
  std::unique_ptr<xmlSecDSigCtx, void (*)(xmlSecDSigCtx*)> ctx(xmlSecDSigCtxCreate(nullptr),
                                                               xmlSecDSigCtxDestroy);
  ctx->signKey = SigningKey(signer);
  if (ctx->signKey == nullptr || xmlSecDSigCtxSign(ctx.get(), signature) < 0) {
    throw std::runtime_error("xmlsec could not sign");
  }
  return Serialize(doc.get());
}

// The default response with its Assertion signed, its Response signed, or both.
inline std::string AssertionSigned(const ResponseSpec& r = {}, const AssertionSpec& a = {},
                                   const Signer& signer = {}) {
  return SignElement(ResponseXml(r, a), a.id, signer);
}
inline std::string ResponseSigned(const ResponseSpec& r = {}, const AssertionSpec& a = {},
                                  const Signer& signer = {}) {
  return SignElement(ResponseXml(r, a), r.id, signer);
}
inline std::string BothSigned(const ResponseSpec& r = {}, const AssertionSpec& a = {}) {
  return SignElement(SignElement(ResponseXml(r, a), a.id), r.id);
}

inline SamlExpectations Expect() {
  SamlExpectations expect;
  expect.idp_certificates = {Ids().idp.certificate};
  expect.idp_entity_id = kIdpEntityId;
  expect.audiences = {kSignIn, "urn:amazon:webservices"};
  expect.recipients = {kSignIn};
  expect.now_ms = kNow;
  return expect;
}

inline Result<SamlAssertion> Verify(const std::string& xml,
                                    const SamlExpectations& expect = Expect()) {
  return VerifySamlResponse(Base64Encode(xml), expect);
}

// `text` with the first `from` replaced by `to`; throws when `from` is absent, so that a test
// never passes by altering nothing.
inline std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("not found: " + from);
  return text.replace(at, from.size(), to);
}

// The markup from the first `open` to the end of the first `close` after it.
inline std::string Between(const std::string& text, const std::string& open,
                           const std::string& close) {
  size_t begin = text.find(open);
  size_t end = text.find(close, begin);
  if (begin == std::string::npos || end == std::string::npos) throw std::runtime_error(open);
  return text.substr(begin, end + close.size() - begin);
}

inline void ExpectRefused(const Result<SamlAssertion>& result, ErrorCode code,
                          const std::string& message) {
  ASSERT_FALSE(result.ok()) << "accepted";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_EQ(result.status().message(), message);
}

inline void ExpectInvalid(const Result<SamlAssertion>& result, const std::string& reason) {
  ExpectRefused(result, ErrorCode::kInvalidIdentityToken, "Invalid SAML response: " + reason);
}

inline void ExpectSignatureInvalid(const Result<SamlAssertion>& result) {
  ExpectRefused(result, ErrorCode::kInvalidIdentityToken, "Response signature invalid");
}

}  // namespace gatehouse::federation::saml_testing
