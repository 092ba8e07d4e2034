// Reading a verified saml:Assertion into a SamlAssertion: its ID, Issuer (which must be the
// provider's), the Subject's NameID, the earliest SessionNotOnOrAfter of its AuthnStatements and
// its attributes, after CheckAssertionConditions (saml_conditions.h) accepted it. Call only with
// the element a signature verified (or the one Assertion child of a verified Response): nothing
// here searches the document. Pure; thread-safe.
#pragma once

#include <libxml/tree.h>

#include "core/status.h"
#include "federation/saml_response.h"

namespace gatehouse::federation {

// The content of `assertion`, or:
// - InvalidIdentityToken when its Version is not "2.0", its ID is empty, its Subject has more
//   than one NameID or an EncryptedID, an Attribute has no Name, or it holds an
//   EncryptedAttribute (encrypted content is not supported);
// - InvalidIdentityToken with kSamlIssuerMismatch when its Issuer is not expect.idp_entity_id;
// - ExpiredTokenException (kSamlExpired) when a SessionNotOnOrAfter is not after expect.now_ms;
// - CheckAssertionConditions' errors.
Result<SamlAssertion> ReadVerifiedAssertion(const xmlNode* assertion,
                                            const SamlExpectations& expect);

}  // namespace gatehouse::federation
