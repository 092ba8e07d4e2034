#include "federation/saml_response.h"

#include <libxml/tree.h>
#include <libxml/valid.h>

#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/crypto.h"
#include "federation/saml_assertion.h"
#include "federation/saml_errors.h"
#include "federation/saml_signature.h"
#include "federation/saml_xml.h"

namespace gatehouse::federation {
namespace {

constexpr char kSuccess[] = "urn:oasis:names:tc:SAML:2.0:status:Success";

// The XML of the base64 text `text`, whose whitespace (line breaks some providers add) is
// skipped.
Result<std::string> Decode(std::string_view text) {
  if (text.size() < kMinSamlResponseSize || text.size() > kMaxSamlResponseSize) {
    return SamlInvalid("SAMLAssertion must be 4 to 100000 characters long");
  }
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact.push_back(c);
  }
  std::optional<std::string> xml = Base64Decode(compact);
  if (!xml || xml->empty()) return SamlInvalid("SAMLAssertion is not base64");
  return std::move(*xml);
}

// Attributes that name an element by ID in the vocabularies a SAML message mixes: SAML's "ID",
// XML Signature's "Id" and xml:id. No two elements may share a value, whatever the attribute.
bool IsIdAttribute(const xmlAttr* attribute) {
  return xmlStrEqual(attribute->name, BAD_CAST "ID") ||
         xmlStrEqual(attribute->name, BAD_CAST "Id") || xmlStrEqual(attribute->name, BAD_CAST "id");
}

std::string AttributeText(const xmlAttr* attribute) {
  xmlChar* value = xmlNodeListGetString(attribute->doc, attribute->children, 1);
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

// The one saml:Assertion of the document, after checking that the whole document holds no
// EncryptedAssertion, exactly one Assertion — a direct child of `response` — and no ID twice.
Result<xmlNode*> OnlyAssertion(xmlNode* response) {
  std::vector<xmlNode*> assertions;
  bool encrypted = false;
  bool duplicate_id = false;
  std::unordered_set<std::string> ids;
  ForEachElement(response, [&](xmlNode* element, int) {
    if (IsElement(element, kSamlAssertionNs, "Assertion")) assertions.push_back(element);
    if (IsElement(element, kSamlAssertionNs, "EncryptedAssertion")) encrypted = true;
    for (const xmlAttr* a = element->properties; a != nullptr; a = a->next) {
      if (IsIdAttribute(a) && !ids.insert(AttributeText(a)).second) duplicate_id = true;
    }
  });
  if (encrypted) return SamlInvalid("encrypted assertions are not supported");
  if (duplicate_id) return SamlInvalid("an ID is used more than once");
  if (assertions.empty()) return SamlInvalid("the response has no assertion");
  if (assertions.size() > 1) return SamlInvalid("the response has more than one assertion");
  if (assertions[0]->parent != response) {
    return SamlInvalid("the assertion is not a child of the response");
  }
  return assertions[0];
}

// Registers the ID attribute of `element` as the document's XML ID, which is what a signature's
// Reference "#ID" resolves through.
Status RegisterId(xmlDoc* doc, xmlNode* element) {
  xmlAttr* attribute = xmlHasNsProp(element, BAD_CAST "ID", nullptr);
  if (attribute == nullptr) {
    return SamlInvalid(std::string("the ") + reinterpret_cast<const char*>(element->name) +
                       " has no ID");
  }
  std::string id = AttributeText(attribute);
  if (id.empty() || xmlAddID(nullptr, doc, BAD_CAST id.c_str(), attribute) == nullptr) {
    return SamlInvalid("an ID is empty or used more than once");
  }
  return Status::Ok();
}

// The ds:Signature that is a direct child of `element`; null when it has none.
Result<xmlNode*> DirectSignature(const xmlNode* element) {
  std::vector<xmlNode*> signatures = ChildElements(element, kXmlDsigNs, "Signature");
  if (signatures.size() > 1) return SamlSignatureInvalid();
  return signatures.empty() ? nullptr : signatures[0];
}

// The assertion to read, reached only through what a signature verified: the signed Assertion
// itself, or the one Assertion child of the signed Response. Every signature present on the
// Response or the Assertion must verify, and at least one must be present.
Result<const xmlNode*> VerifiedAssertion(xmlDoc* doc, xmlNode* response, xmlNode* assertion,
                                         const SamlExpectations& expect) {
  ASSIGN_OR_RETURN(xmlNode * response_signature, DirectSignature(response));
  ASSIGN_OR_RETURN(xmlNode * assertion_signature, DirectSignature(assertion));
  if (response_signature == nullptr && assertion_signature == nullptr) {
    return SamlSignatureInvalid();
  }
  const xmlNode* verified = nullptr;
  if (assertion_signature != nullptr) {
    RETURN_IF_ERROR(VerifyEnvelopedSignature(doc, assertion_signature, expect.idp_certificates));
    verified = assertion_signature->parent;
  }
  if (response_signature != nullptr) {
    RETURN_IF_ERROR(VerifyEnvelopedSignature(doc, response_signature, expect.idp_certificates));
    if (verified == nullptr) {
      std::vector<xmlNode*> children =
          ChildElements(response_signature->parent, kSamlAssertionNs, "Assertion");
      if (children.size() != 1) return SamlInvalid("the response must hold one assertion");
      verified = children[0];
    }
  }
  return verified;
}

bool Accepted(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// The Response's own fields: version, status, issuer and destination.
Status CheckResponse(const xmlNode* response, const SamlExpectations& expect) {
  if (AttributeValue(response, "Version") != "2.0") {
    return SamlInvalid("the response's Version is not 2.0");
  }
  std::vector<xmlNode*> statuses = ChildElements(response, kSamlProtocolNs, "Status");
  if (statuses.size() != 1) return SamlInvalid("the response must have one Status");
  std::vector<xmlNode*> codes = ChildElements(statuses[0], kSamlProtocolNs, "StatusCode");
  if (codes.size() != 1 || AttributeValue(codes[0], "Value") != kSuccess) {
    return Status(ErrorCode::kIdpRejectedClaim, kSamlRejected);
  }
  std::vector<xmlNode*> issuers = ChildElements(response, kSamlAssertionNs, "Issuer");
  if (issuers.size() > 1 ||
      (issuers.size() == 1 && TextContent(issuers[0]) != expect.idp_entity_id)) {
    return Status(ErrorCode::kInvalidIdentityToken, kSamlIssuerMismatch);
  }
  std::optional<std::string> destination = AttributeValue(response, "Destination");
  if (destination && !Accepted(expect.recipients, *destination)) {
    return SamlInvalid("the response's Destination is not this server");
  }
  return Status::Ok();
}

}  // namespace

Result<SamlAssertion> VerifySamlResponse(std::string_view base64_response,
                                         const SamlExpectations& expect) {
  RETURN_IF_ERROR(InitXmlSec());
  ASSIGN_OR_RETURN(std::string xml, Decode(base64_response));
  ASSIGN_OR_RETURN(XmlDocPtr doc, ParseSamlXml(xml));
  xmlNode* response = xmlDocGetRootElement(doc.get());
  if (!IsElement(response, kSamlProtocolNs, "Response")) {
    return SamlInvalid("the document is not a SAML 2.0 Response");
  }
  ASSIGN_OR_RETURN(xmlNode * assertion, OnlyAssertion(response));
  RETURN_IF_ERROR(RegisterId(doc.get(), response));
  RETURN_IF_ERROR(RegisterId(doc.get(), assertion));
  ASSIGN_OR_RETURN(const xmlNode* verified,
                   VerifiedAssertion(doc.get(), response, assertion, expect));
  RETURN_IF_ERROR(CheckResponse(response, expect));
  return ReadVerifiedAssertion(verified, expect);
}

Result<std::string> ClaimedSamlIssuer(std::string_view base64_response) {
  ASSIGN_OR_RETURN(std::string xml, Decode(base64_response));
  ASSIGN_OR_RETURN(XmlDocPtr doc, ParseSamlXml(xml));
  xmlNode* response = xmlDocGetRootElement(doc.get());
  if (!IsElement(response, kSamlProtocolNs, "Response")) {
    return SamlInvalid("the document is not a SAML 2.0 Response");
  }
  std::vector<xmlNode*> issuers = ChildElements(response, kSamlAssertionNs, "Issuer");
  if (issuers.empty()) {
    std::vector<xmlNode*> assertions = ChildElements(response, kSamlAssertionNs, "Assertion");
    if (assertions.size() == 1) {
      issuers = ChildElements(assertions.front(), kSamlAssertionNs, "Issuer");
    }
  }
  if (issuers.size() != 1) return SamlInvalid("the response names no single issuer");
  return TextContent(issuers.front());
}

}  // namespace gatehouse::federation
