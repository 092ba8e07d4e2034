#include "services/sts/saml_sign_in.h"

#include <set>

#include "federation/saml_metadata.h"
#include "services/iam/saml_providers.h"
#include "services/sts/role_target.h"
#include "services/sts/used_assertions.h"

namespace gatehouse::services::sts {
namespace {

// The pairs of `assertion` whose provider holds `metadata` in the role's account.
std::vector<SamlRolePair> PairsOf(const store::Directory& dir,
                                  const federation::SamlAssertion& assertion,
                                  const std::string& metadata) {
  std::vector<SamlRolePair> pairs;
  for (SamlRolePair& pair : SamlRolePairs(assertion)) {
    std::optional<RoleTarget> target = FindRoleTarget(dir, pair.role_arn);
    if (!target) continue;
    auto named = iam::FindSamlProvider(dir, target->account, pair.provider_arn);
    if (named.ok() && (*named)->metadata == metadata) pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace

Result<SamlSignIn> VerifySamlSignIn(const store::Directory& dir, const std::string& base64_response,
                                    const std::string& public_url, int64_t now_ms) {
  // Unverified: only to choose whose keys to verify with.
  ASSIGN_OR_RETURN(std::string issuer, federation::ClaimedSamlIssuer(base64_response));
  std::set<std::string> tried;
  Status last(ErrorCode::kInvalidIdentityToken, "No identity provider of this server issued it.");
  for (const auto& provider : dir.Scan<model::SamlProvider>("")) {
    if (provider->metadata.find(issuer) == std::string::npos) continue;
    if (!tried.insert(provider->metadata).second) continue;
    Result<federation::SamlMetadata> metadata = federation::ParseSamlMetadata(provider->metadata);
    if (!metadata.ok() || metadata->entity_id != issuer) continue;
    Result<federation::SamlAssertion> assertion =
        VerifySamlFor(*provider, base64_response, public_url, now_ms);
    if (!assertion.ok()) {
      last = assertion.status();
      continue;
    }
    if (AssertionSpent(dir, *assertion)) {
      return Status(ErrorCode::kInvalidIdentityToken, "The SAML assertion has already been used.");
    }
    std::vector<SamlRolePair> pairs = PairsOf(dir, *assertion, provider->metadata);
    return SamlSignIn{std::move(*assertion), std::move(pairs)};
  }
  return last;
}

}  // namespace gatehouse::services::sts
