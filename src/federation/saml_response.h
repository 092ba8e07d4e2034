// A SAML 2.0 Response as STS's AssumeRoleWithSAML receives it (SAMLAssertion: the base64 of the
// whole samlp:Response) and as the console's SAML sign-in will: verified against one identity
// provider's metadata, and the assertion it vouches for read out.
//
// The verification defends against XML signature wrapping by construction: the document must
// hold exactly one saml:Assertion, a direct child of the Response; every XML ID in it is unique;
// each signature must cover, by its single Reference, the element it is a direct child of; and
// the assertion is read only through the element a signature verified (the signed Assertion
// itself, or the one Assertion child of the signed Response), never found again by a search.
// Text values are all of an element's text (a comment inside a NameID cannot cut it short).
// Encrypted assertions are not supported yet and are refused.
//
// Pure: no I/O, no clock (the caller passes the time); thread-safe — each call parses its own
// document and verifies with its own xmlsec context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

// AssumeRoleWithSAML's bounds on SAMLAssertion, in characters of base64 (the API model's).
inline constexpr size_t kMinSamlResponseSize = 4;
inline constexpr size_t kMaxSamlResponseSize = 100000;

// What the server requires of a response: from the SAML provider's metadata, and its own.
struct SamlExpectations {
  std::vector<std::string> idp_certificates;  // DER X.509 certificates: the signing keys
  std::string idp_entity_id;                  // the metadata's entityID: the only Issuer accepted
  std::vector<std::string> audiences;   // accepted Audience values ("https://signin.aws.amazon.com/
                                        // saml", "urn:amazon:webservices", the server's own URL)
  std::vector<std::string> recipients;  // accepted SubjectConfirmationData Recipient and Response
                                        // Destination values; empty: any
  int64_t now_ms = 0;                   // the current time, milliseconds since the epoch
  int64_t skew_ms = 5 * 60 * 1000;      // clock difference allowed with the provider, either way
};

// The verified assertion's content.
struct SamlAssertion {
  std::string id;       // the Assertion's ID (with not_on_or_after_ms, the replay cache's key)
  std::string issuer;   // its Issuer: the provider's entity id
  std::string name_id;  // Subject/NameID's text; "" when the Subject has no NameID
  std::string name_id_format;  // NameID's Format; "" when it has none (unspecified)
  // The earliest of Conditions/@NotOnOrAfter and the accepted bearer SubjectConfirmationData's
  // NotOnOrAfter: until when a replay cache must remember the ID.
  int64_t not_on_or_after_ms = 0;
  // The earliest AuthnStatement/@SessionNotOnOrAfter, when one has it (always in the future).
  std::optional<int64_t> session_not_on_or_after_ms;
  // Each Attribute's Name and the texts of its AttributeValues, in document order.
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes;
};

// The assertion of the base64 SAML response `base64_response` (whitespace between base64
// characters allowed) when it passes every check of `expect`:
// - its size is within kMinSamlResponseSize..kMaxSamlResponseSize before decoding; it decodes
//   to well-formed XML without a DOCTYPE (saml_xml.h); its root is a samlp:Response of version
//   2.0 with exactly one saml:Assertion, a direct child, and no EncryptedAssertion; IDs unique;
// - the Response's and/or the Assertion's enveloped signature (saml_signature.h) verifies with
//   one of expect.idp_certificates; every signature present must verify;
// - the Response's StatusCode is Success (else IDPRejectedClaim), its Issuer (when present) and
//   the Assertion's Issuer are expect.idp_entity_id, its Destination (when present) an accepted
//   recipient;
// - the assertion's conditions hold at expect.now_ms (saml_conditions.h).
// Errors: ExpiredTokenException when the assertion's time has passed; IDPRejectedClaim for a
// response whose status is not Success; InvalidIdentityToken for everything else, with the
// messages of saml_errors.h.
Result<SamlAssertion> VerifySamlResponse(std::string_view base64_response,
                                         const SamlExpectations& expect);

// The Issuer the response claims (its own, else its one Assertion's), NOT verified: only for
// choosing which provider's keys to verify it with, as a service provider picks the identity
// provider a response comes from. InvalidIdentityToken when the response cannot be read or
// names no single issuer.
Result<std::string> ClaimedSamlIssuer(std::string_view base64_response);

}  // namespace gatehouse::federation
