// IAM's OpenID Connect providers: the issuers whose ID tokens AssumeRoleWithWebIdentity accepts
// for an account. A provider is named by its URL as IAM keeps it, without "https://"
// ("token.example.com/tenant"): in its ARN, in a role trust policy's Federated principal and in
// the condition keys of the tokens it issues.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/federation_entities.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

inline constexpr size_t kOidcProvidersPerAccount = 100;
inline constexpr size_t kClientIdsPerOidcProvider = 100;
inline constexpr size_t kThumbprintsPerOidcProvider = 5;

// `url` ("https://Token.Example.com/tenant/") as IAM keeps it ("token.example.com/tenant"): the
// scheme dropped, the host lower-cased, no trailing '/'. InvalidInput, in AWS's words, for a
// URL that is not https:// or has a query, fragment, user name or empty host. A port is
// accepted (AWS advises against one; self-hosted issuers often have one).
Result<std::string> CanonicalOidcUrl(std::string_view url);

// The caller's provider named by `arn`; NoSuchEntity in AWS's words when the account has none
// of that name, whatever account the ARN names.
Result<std::shared_ptr<const model::OidcProvider>> FindOidcProvider(const store::Directory& dir,
                                                                    std::string_view account,
                                                                    std::string_view arn);

// The ARN of the provider `url` would be in `account` (for authorizing
// CreateOpenIDConnectProvider); the ARN of the raw input when it is not a valid URL, so that a
// refusal still names it.
std::string OidcProviderArnFor(std::string_view account, std::string_view url);

void RegisterOidcProviderOperations(Dispatcher& dispatcher, IamContext& iam);

}  // namespace gatehouse::services::iam
