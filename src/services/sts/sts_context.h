// What the STS handlers share: the IAM context (state, AWS-managed policy catalog, randomness,
// master key, clock; MFA devices live in IAM) and the session key ring that seals the tokens
// they issue.
#pragma once

#include "federation/oidc_keys.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/sts/session_key_ring.h"

namespace gatehouse::services::sts {

// How long a role session lasts when DurationSeconds is not given (AssumeRole,
// AssumeRoleWithWebIdentity, AssumeRoleWithSAML).
inline constexpr int64_t kDefaultRoleSessionSeconds = 3600;

struct StsContext {
  iam::IamContext& iam;
  SessionKeyRing& keys;
  // The signing keys of OpenID Connect providers (AssumeRoleWithWebIdentity); null: none can be
  // had, and every web identity token is refused.
  federation::OidcKeySource* oidc_keys = nullptr;
  // The URL clients reach the server at (--public-url): its /saml endpoint is an audience and a
  // recipient SAML responses may name, besides AWS's sign-in endpoint. "" when unset.
  std::string public_url;
  // The region the server answers for. In us-east-1 its STS endpoint is the global one
  // (sts.amazonaws.com, whose requests are signed for us-east-1): the tokens it issues are of
  // the version the account's SetSecurityTokenServicePreferences chose. In any other region it
  // is a regional endpoint, whose tokens are version 2.
  std::string region = "us-east-1";
};

// Registers every STS operation.
void RegisterStsOperations(Dispatcher& dispatcher, StsContext& sts);

}  // namespace gatehouse::services::sts
