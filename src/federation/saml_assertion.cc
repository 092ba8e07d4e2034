#include "federation/saml_assertion.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time_format.h"
#include "federation/saml_conditions.h"
#include "federation/saml_errors.h"
#include "federation/saml_xml.h"

namespace gatehouse::federation {
namespace {

using Attributes = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The Issuer's text, which must be the provider's entity id.
Result<std::string> ReadIssuer(const xmlNode* assertion, const SamlExpectations& expect) {
  std::vector<xmlNode*> issuers = ChildElements(assertion, kSamlAssertionNs, "Issuer");
  if (issuers.size() != 1 || TextContent(issuers[0]) != expect.idp_entity_id) {
    return Status(ErrorCode::kInvalidIdentityToken, kSamlIssuerMismatch);
  }
  return TextContent(issuers[0]);
}

// The NameID of the Subject (whose uniqueness CheckAssertionConditions has checked) into `out`.
Status ReadNameId(const xmlNode* assertion, SamlAssertion& out) {
  std::vector<xmlNode*> subjects = ChildElements(assertion, kSamlAssertionNs, "Subject");
  if (subjects.size() != 1) return SamlInvalid("the assertion must have one Subject");
  if (!ChildElements(subjects[0], kSamlAssertionNs, "EncryptedID").empty()) {
    return SamlInvalid("encrypted identifiers are not supported");
  }
  std::vector<xmlNode*> names = ChildElements(subjects[0], kSamlAssertionNs, "NameID");
  if (names.size() > 1) return SamlInvalid("the Subject has more than one NameID");
  if (names.empty()) return Status::Ok();
  out.name_id = TextContent(names[0]);
  out.name_id_format = AttributeValue(names[0], "Format").value_or("");
  return Status::Ok();
}

// The earliest SessionNotOnOrAfter of the AuthnStatements, when any has one.
Result<std::optional<int64_t>> ReadSessionEnd(const xmlNode* assertion,
                                              const SamlExpectations& expect) {
  std::optional<int64_t> earliest;
  for (const xmlNode* statement : ChildElements(assertion, kSamlAssertionNs, "AuthnStatement")) {
    std::optional<std::string> text = AttributeValue(statement, "SessionNotOnOrAfter");
    if (!text) continue;
    std::optional<int64_t> end = ParseIsoTime(*text);
    if (!end) return SamlInvalid("SessionNotOnOrAfter of AuthnStatement is not a time");
    earliest = earliest ? std::min(*earliest, *end) : *end;
  }
  // A session that has already ended cannot start.
  if (earliest && *earliest <= expect.now_ms) {
    return Status(ErrorCode::kExpiredTokenException, kSamlExpired);
  }
  return earliest;
}

// One Attribute: its Name and the full text of each AttributeValue.
Result<std::pair<std::string, std::vector<std::string>>> ReadAttribute(const xmlNode* attribute) {
  std::optional<std::string> name = AttributeValue(attribute, "Name");
  if (!name || name->empty()) return SamlInvalid("an Attribute has no Name");
  std::vector<std::string> values;
  for (const xmlNode* value : ChildElements(attribute, kSamlAssertionNs, "AttributeValue")) {
    values.push_back(TextContent(value));
  }
  return std::make_pair(std::move(*name), std::move(values));
}

// The attributes of every AttributeStatement, in document order.
Result<Attributes> ReadAttributes(const xmlNode* assertion) {
  Attributes out;
  for (const xmlNode* statement :
       ChildElements(assertion, kSamlAssertionNs, "AttributeStatement")) {
    if (!ChildElements(statement, kSamlAssertionNs, "EncryptedAttribute").empty()) {
      return SamlInvalid("encrypted attributes are not supported");
    }
    for (const xmlNode* attribute : ChildElements(statement, kSamlAssertionNs, "Attribute")) {
      ASSIGN_OR_RETURN(auto entry, ReadAttribute(attribute));
      out.push_back(std::move(entry));
    }
  }
  return out;
}

}  // namespace

Result<SamlAssertion> ReadVerifiedAssertion(const xmlNode* assertion,
                                            const SamlExpectations& expect) {
  SamlAssertion out;
  if (AttributeValue(assertion, "Version") != "2.0") {
    return SamlInvalid("the assertion's Version is not 2.0");
  }
  out.id = AttributeValue(assertion, "ID").value_or("");
  if (out.id.empty()) return SamlInvalid("the assertion has no ID");
  ASSIGN_OR_RETURN(out.issuer, ReadIssuer(assertion, expect));
  ASSIGN_OR_RETURN(out.not_on_or_after_ms, CheckAssertionConditions(assertion, expect));
  RETURN_IF_ERROR(ReadNameId(assertion, out));
  ASSIGN_OR_RETURN(out.session_not_on_or_after_ms, ReadSessionEnd(assertion, expect));
  ASSIGN_OR_RETURN(out.attributes, ReadAttributes(assertion));
  return out;
}

}  // namespace gatehouse::federation
