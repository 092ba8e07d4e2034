// Whether a verified saml:Assertion is meant for this server, now (SAML 2.0 core §2.5 and the
// Web Browser SSO profile's bearer rules, profiles §4.1.4.3): its Conditions' validity window,
// its audience restrictions, and a bearer SubjectConfirmation for an accepted recipient that has
// not expired. Call only with an assertion a signature verified. Pure; thread-safe.
#pragma once

#include <libxml/tree.h>

#include <cstdint>

#include "core/status.h"
#include "federation/saml_response.h"

namespace gatehouse::federation {

// The time until which the assertion is valid — the earliest of Conditions/@NotOnOrAfter and the
// accepted bearer SubjectConfirmationData/@NotOnOrAfter — when:
// - there is exactly one Conditions; its NotBefore, when present, is <= now + skew; its
//   NotOnOrAfter, when present, is > now - skew (ExpiredTokenException, kSamlExpired, else);
// - it has at least one AudienceRestriction, and each names an accepted audience
//   (kSamlAudienceMissing); its other conditions are OneTimeUse or ProxyRestriction only;
// - the one Subject has a bearer SubjectConfirmation whose SubjectConfirmationData has a
//   NotOnOrAfter > now - skew (ExpiredTokenException when the only ones that match have
//   expired), a NotBefore, when present, <= now + skew, and a Recipient among
//   expect.recipients (any when that list is empty).
// InvalidIdentityToken otherwise, also for a time that is not ISO 8601.
Result<int64_t> CheckAssertionConditions(const xmlNode* assertion, const SamlExpectations& expect);

}  // namespace gatehouse::federation
