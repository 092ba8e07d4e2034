// What AWS reads of a SAML response, for STS's AssumeRoleWithSAML and the console's SAML
// sign-in alike: the response verified against one IAM SAML provider's metadata, and AWS's
// attributes (https://aws.amazon.com/SAML/Attributes/NAME) of the verified assertion — the Role
// pairs, RoleSessionName, SessionDuration. Functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "federation/saml_response.h"
#include "model/federation_entities.h"

namespace gatehouse::services::sts {

// A verified assertion (federation/saml_response.h), as the console names it.
using SamlAssertion = federation::SamlAssertion;

// The audience and recipient AWS's own sign-in endpoint is.
inline constexpr char kSamlSigninUrl[] = "https://signin.aws.amazon.com/saml";

// The values of AWS's attribute `name` (…/SAML/Attributes/NAME); empty when absent.
std::vector<std::string> SamlAttribute(const federation::SamlAssertion& assertion,
                                       std::string_view name);

// One value of the Role attribute: "ROLE-ARN,PROVIDER-ARN", in either order as IdPs write it.
struct SamlRolePair {
  std::string role_arn;
  std::string provider_arn;
};

// The Role attribute's pairs, in the assertion's order; a value that is not two ARNs, one of a
// role and one of a SAML provider, is skipped.
std::vector<SamlRolePair> SamlRolePairs(const federation::SamlAssertion& assertion);

// The SessionDuration attribute's seconds when it is a whole number from 900 to 43200 (AWS's
// bounds for a console session); nullopt when it is absent or outside them.
std::optional<int64_t> SamlSessionDuration(const federation::SamlAssertion& assertion);

// `base64_response` verified against `provider`'s metadata: signed with one of its
// certificates, issued by its entity id, addressed to AWS's sign-in URL or to `public_url`/saml
// (the server's own, when it has one), valid at `now_ms`. federation::VerifySamlResponse's
// errors, and its metadata's.
Result<federation::SamlAssertion> VerifySamlFor(const model::SamlProvider& provider,
                                                std::string_view base64_response,
                                                const std::string& public_url, int64_t now_ms);

}  // namespace gatehouse::services::sts
