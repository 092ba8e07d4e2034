// A SAML 2.0 identity provider's metadata document (an md:EntityDescriptor), as IAM's
// CreateSAMLProvider and UpdateSAMLProvider take it: the IdP's entity id, the X.509
// certificates its IDPSSODescriptor names for signing (what assertions from it are verified
// with), and the document's validUntil. The parser reads no DTD, expands no entity and fetches
// nothing: a document with a DOCTYPE is refused. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

struct SamlMetadata {
  std::string entity_id;
  std::vector<std::string> signing_certificates;  // DER, each a parseable X.509 certificate
  std::optional<int64_t> valid_until_ms;
};

// AWS's answer to a document it cannot use.
inline constexpr char kBadSamlMetadata[] = "Could not parse metadata";

// The metadata of `xml`; InvalidInput (kBadSamlMetadata) when it is not well-formed XML, has a
// DOCTYPE, is not an EntityDescriptor with an entityID and an IDPSSODescriptor, names no signing
// certificate, or names one that is not an X.509 certificate.
Result<SamlMetadata> ParseSamlMetadata(std::string_view xml);

}  // namespace gatehouse::federation
