// A call's requestParameters and responseElements as CloudTrail writes them: the API's members
// with the first letter lower-cased ("UserName" → "userName", "SAMLMetadataDocument" →
// "sAMLMetadataDocument"), nested structures, lists and maps alike, and nothing secret:
// - members named SecretAccessKey or SessionToken (credentials an answer hands out) are left out;
// - every value whose model shape is marked sensitive (passwords, private keys, the seed and QR
//   code of a virtual MFA device, SAML assertions and web identity tokens, Organizations' emails
//   and account names…) and the one-time MFA codes (AuthenticationCode1/2, TokenCode) become
//   "HIDDEN_DUE_TO_SECURITY_REASONS".
// The walk follows the operation's shape: a value the shape does not describe is left out, so
// nothing reaches an event that the model did not name. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "protocol/model.h"

namespace gatehouse::audit {

inline constexpr char kHidden[] = "HIDDEN_DUE_TO_SECURITY_REASONS";

// `value` (an operation's input or output, as the handlers read and answer it) under `shape`,
// as JSON text in the canonical form (canonical_json.h), written as the walk goes rather than
// built as a tree first; "null" when `value` is empty or not an object, or leaves nothing.
std::string EventElements(const protocol::ServiceModel& model, const protocol::Shape& shape,
                          const nlohmann::json& value);

// "UserName" → "userName": CloudTrail's spelling of a member name.
std::string EventMemberName(std::string_view name);

}  // namespace gatehouse::audit
