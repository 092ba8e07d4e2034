// The console's SAML sign-in (console/console_saml.cc), its part that reads SAML: a response
// posted to /saml checked against the IAM SAML providers, of any account, whose metadata names
// the issuer it claims — each distinct metadata document tried once, so that a forged POST costs
// at most one verification per such identity provider — and not spent already; and the Role
// pairs it may sign in to. The sign-in itself is sts:AssumeRoleWithSAML, through the
// dispatcher. Functions of the directory; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "services/sts/saml_attributes.h"
#include "store/directory.h"

namespace gatehouse::services::sts {

struct SamlSignIn {
  federation::SamlAssertion assertion;
  // The Role pairs whose provider exists in the role's account and holds the metadata that
  // verified the response (no other could ever verify it), in the assertion's order.
  std::vector<SamlRolePair> pairs;
};

// `base64_response` verified as above at `now_ms`, for this server's `public_url`;
// InvalidIdentityToken (or the verifier's other errors) when no provider's metadata verifies
// it or it was exchanged already.
Result<SamlSignIn> VerifySamlSignIn(const store::Directory& directory,
                                    const std::string& base64_response,
                                    const std::string& public_url, int64_t now_ms);

}  // namespace gatehouse::services::sts
