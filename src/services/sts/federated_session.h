// What the federated role assumptions (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) share: the
// trust policy's view of the request, with the identity provider as the principal; the trust
// policy's decision on the operation and, for session tags and a source identity, on
// sts:TagSession and sts:SetSourceIdentity; the session's length; and the role session itself.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authz/authorizer.h"
#include "core/status.h"
#include "model/iam_entities.h"
#include "services/dispatcher.h"
#include "services/sts/role_target.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_context.h"

namespace gatehouse::services::sts {

using ContextKeys = std::vector<std::pair<std::string, std::vector<std::string>>>;

// Who asks, and for what: the provider's ARN as the principal, the role, and the provider's own
// condition keys (URL:sub, saml:iss …).
struct FederatedRequest {
  std::string provider_arn;
  const RoleTarget* target = nullptr;
  std::string role_arn;
  std::string session_name;
  ContextKeys provider_keys;
};

// The request as the role's trust policy sees it: `who`, with the session's name, tags,
// transitive tag keys and source identity as condition keys.
authz::AuthzRequest FederatedTrustRequest(const OperationContext& c, const FederatedRequest& who,
                                          const SessionInputs& inputs,
                                          const std::string& source_identity);

// The trust policy allows `action`, and sts:TagSession and sts:SetSourceIdentity when the
// session has tags or a source identity; an AccessDenied becomes `refusal` (AWS's "Not
// authorized to perform …").
Status AuthorizeFederatedTrust(const OperationContext& c, authz::AuthzRequest az,
                               std::string_view action, bool tags, bool source_identity,
                               const Status& refusal);

// Session tags an identity provider asserted (`tag_inputs`: Tags and TransitiveTagKeys as
// AssumeRole takes them), checked as AssumeRole's members are — the model's lengths and
// patterns, at most 50 tags — and without the reserved prefix aws:. InvalidIdentityToken
// otherwise: the provider's assertion, not the caller's input, is at fault.
Status CheckProviderTags(const OperationContext& c, const nlohmann::json& tag_inputs,
                         const std::string& session_name);

// Whether `identity` is a source identity AWS takes: 2 to 64 of [\w+=,.@-].
bool IsValidSourceIdentity(std::string_view identity);

// DurationSeconds (default an hour) within the role's MaxSessionDuration; ValidationError in
// AWS's words otherwise.
Result<int64_t> RoleSessionDuration(const OperationContext& c, const model::Role& role);

// The role's session: {Credentials, AssumedRoleUser[, PackedPolicySize][, SourceIdentity]}.
Result<nlohmann::json> IssueRoleSession(StsContext& sts, const model::Role& role,
                                        const std::string& session_name,
                                        const SessionInputs& inputs,
                                        const std::string& source_identity, int64_t duration);

}  // namespace gatehouse::services::sts
