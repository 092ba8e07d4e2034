// sts:AssumeRoleWithWebIdentity, accepted unsigned as AWS accepts it: the caller proves itself
// with an OpenID Connect ID token. The token's issuer must be an IAM OpenID Connect provider of
// the role's account, its audience (or authorized party) one of the provider's client ids, its
// times current, and its signature one of the provider's keys (federation/). Then the role's
// trust policy alone decides, for the principal {"Federated": PROVIDER-ARN}, with the condition
// keys the token gives (URL:aud, URL:sub, URL:amr, URL:oaud), its session tags
// (https://aws.amazon.com/tags: sts:TagSession) and source identity (sts:SetSourceIdentity).
#include <optional>

#include "core/strings.h"
#include "federation/jwt.h"
#include "federation/jwt_claims.h"
#include "federation/jwt_signature.h"
#include "services/iam/oidc_providers.h"
#include "services/outbound_issuer.h"
#include "services/sts/federated_session.h"
#include "services/sts/role_target.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr int64_t kClockSkewSeconds = 120;
constexpr char kTagsClaim[] = "https://aws.amazon.com/tags";
constexpr char kSourceIdentityClaim[] = "https://aws.amazon.com/source_identity";

Status InvalidToken(std::string message) {
  return Status(ErrorCode::kInvalidIdentityToken, std::move(message));
}

Status NotAuthorized() {
  return Status(ErrorCode::kAccessDenied,
                "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

// A claim that is a string or a list of strings, as a list.
std::vector<std::string> StringsClaim(const federation::Jwt& jwt, const char* name) {
  std::vector<std::string> out;
  auto it = jwt.claims.find(name);
  if (it == jwt.claims.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array()) {
    for (const json& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

// What the token says about who may use it, once checked against the provider.
struct Audience {
  std::string matched;            // the client id that let the token in (Audience)
  std::vector<std::string> aud;   // URL:aud
  std::vector<std::string> oaud;  // URL:oaud (the aud claim, when azp matched instead)
};

// The token's aud must name one of the provider's client ids; failing that, its azp may
// (an ID token issued to one client for another, as Google's are).
Result<Audience> CheckAudience(const federation::Jwt& jwt, const model::OidcProvider& provider) {
  auto listed = [&](const std::string& id) {
    return std::find(provider.client_ids.begin(), provider.client_ids.end(), id) !=
           provider.client_ids.end();
  };
  Audience out;
  std::vector<std::string> aud = federation::Audiences(jwt);
  for (const std::string& a : aud) {
    if (listed(a)) {
      out.matched = a;
      out.aud = aud;
      return out;
    }
  }
  if (std::optional<std::string> azp = federation::StringClaim(jwt, "azp"); azp && listed(*azp)) {
    out.matched = *azp;
    out.aud = {*azp};
    out.oaud = aud;
    return out;
  }
  return InvalidToken("Incorrect token audience");
}

// The provider's keys verify the token's signature; keys missing the token's kid are fetched
// again once.
Status VerifySignature(StsContext& sts, const federation::Jwt& jwt,
                       const model::OidcProvider& provider) {
  if (sts.oidc_keys == nullptr) {
    return InvalidToken(std::string(federation::kNoVerificationKeyMessage));
  }
  federation::OidcProviderRef ref{provider.url, provider.thumbprints};
  ASSIGN_OR_RETURN(federation::JwkSet keys, sts.oidc_keys->Keys(ref, false));
  if (federation::SigningKeyMissing(jwt, keys)) {
    ASSIGN_OR_RETURN(keys, sts.oidc_keys->Keys(ref, true));
  }
  return federation::VerifyJwtSignature(jwt, keys);
}

// The session tags of the token's https://aws.amazon.com/tags claim, as AssumeRole's Tags and
// TransitiveTagKeys inputs (so that they are checked and packed alike).
Result<json> TagInputs(const federation::Jwt& jwt) {
  json out = json::object();
  auto claim = jwt.claims.find(kTagsClaim);
  if (claim == jwt.claims.end()) return out;
  if (!claim->is_object()) return InvalidToken("The session tags in the token are not valid.");
  json tags = json::array();
  if (auto principal = claim->find("principal_tags"); principal != claim->end()) {
    if (!principal->is_object())
      return InvalidToken("The session tags in the token are not valid.");
    for (const auto& [key, values] : principal->items()) {
      // Each tag's value is a list of one string.
      if (!values.is_array() || values.size() != 1 || !values[0].is_string() || key.empty() ||
          key.size() > 128 || values[0].get<std::string>().size() > 256) {
        return InvalidToken("The session tags in the token are not valid.");
      }
      tags.push_back({{"Key", key}, {"Value", values[0]}});
    }
  }
  if (tags.size() > 50) return InvalidToken("The session tags in the token are not valid.");
  if (!tags.empty()) out["Tags"] = std::move(tags);
  if (auto keys = claim->find("transitive_tag_keys"); keys != claim->end()) {
    if (!keys->is_array()) return InvalidToken("The session tags in the token are not valid.");
    for (const json& k : *keys) {
      if (!k.is_string()) return InvalidToken("The session tags in the token are not valid.");
    }
    out["TransitiveTagKeys"] = *keys;
  }
  return out;
}

// The provider's condition keys: the token's audiences, subject and authentication methods.
ContextKeys ProviderKeys(const model::OidcProvider& provider, const federation::Jwt& jwt,
                         const Audience& audience) {
  const std::string& url = provider.url;
  ContextKeys keys = {{url + ":aud", audience.aud}};
  if (!audience.oaud.empty()) keys.push_back({url + ":oaud", audience.oaud});
  if (auto sub = federation::StringClaim(jwt, "sub")) keys.push_back({url + ":sub", {*sub}});
  if (auto amr = StringsClaim(jwt, "amr"); !amr.empty()) keys.push_back({url + ":amr", amr});
  return keys;
}

// Whether `url` (as IAM keeps URLs) is one of this server's own outbound token issuers, whose
// tokens AWS does not accept for federation into AWS.
bool IsOutboundIssuer(const StsContext& sts, const std::string& url) {
  Result<std::string> issuers =
      iam::CanonicalOidcUrl(OutboundIssuerUrl(sts.iam.base_url ? sts.iam.base_url() : "", "x"));
  return issuers.ok() && url.starts_with(issuers->substr(0, issuers->size() - 1));
}

// The issuer's provider in the role's account (the token's iss, as IAM keeps URLs).
Result<std::shared_ptr<const model::OidcProvider>> IssuerProvider(StsContext& sts,
                                                                  const federation::Jwt& jwt,
                                                                  const std::string& account) {
  std::optional<std::string> iss = federation::StringClaim(jwt, "iss");
  if (!iss) return InvalidToken("Missing a required claim: iss");
  Result<std::string> url = iam::CanonicalOidcUrl(*iss);
  std::shared_ptr<const model::OidcProvider> provider;
  if (url.ok() && !account.empty()) {
    provider =
        sts.iam.state.directory().Get<model::OidcProvider>(model::RecordKey({account, *url}));
  }
  if (provider == nullptr) {
    return InvalidToken("No OpenIDConnect provider found in your account for " + *iss);
  }
  if (IsOutboundIssuer(sts, *url)) {
    return InvalidToken(
        "Tokens of outbound identity federation (GetWebIdentityToken) cannot be used for "
        "federation into AWS.");
  }
  return provider;
}

Result<json> AssumeRoleWithWebIdentity(StsContext& sts, const OperationContext& c) {
  const std::string role_arn = c.input.value("RoleArn", "");
  std::optional<RoleTarget> target = FindRoleTarget(sts.iam.state.directory(), role_arn);
  if (!target) return Status(ErrorCode::kValidationError, role_arn + " is invalid");
  if (c.input.contains("ProviderId")) {
    return Status(ErrorCode::kInvalidParameterValue,
                  "ProviderId is only for OAuth 2.0 access tokens, which gatehouse does not "
                  "accept; send an OpenID Connect ID token without it.");
  }
  ASSIGN_OR_RETURN(federation::Jwt jwt,
                   federation::ParseJwt(c.input.value("WebIdentityToken", "")));
  ASSIGN_OR_RETURN(auto provider, IssuerProvider(sts, jwt, target->account));
  ASSIGN_OR_RETURN(Audience audience, CheckAudience(jwt, *provider));
  RETURN_IF_ERROR(federation::CheckJwtTimes(jwt, sts.iam.now_ms() / 1000, kClockSkewSeconds));
  std::optional<std::string> sub = federation::StringClaim(jwt, "sub");
  if (!sub || sub->empty()) return InvalidToken("Missing a required claim: sub");
  RETURN_IF_ERROR(VerifySignature(sts, jwt, *provider));

  // Only now are the token's claims the provider's word.
  ASSIGN_OR_RETURN(json tag_inputs, TagInputs(jwt));
  RETURN_IF_ERROR(CheckProviderTags(c, tag_inputs, c.input.value("RoleSessionName", "")));
  json session_input = c.input;
  session_input.update(tag_inputs);
  ASSIGN_OR_RETURN(SessionInputs inputs, ReadSessionInputs(session_input));
  const std::string source_identity =
      federation::StringClaim(jwt, kSourceIdentityClaim).value_or("");
  if (!source_identity.empty() && !IsValidSourceIdentity(source_identity)) {
    return InvalidToken("The source identity in the token is not valid.");
  }
  const std::string session_name = c.input.value("RoleSessionName", "");
  FederatedRequest who{provider->Arn(), &*target, role_arn, session_name,
                       ProviderKeys(*provider, jwt, audience)};
  RETURN_IF_ERROR(AuthorizeFederatedTrust(c, FederatedTrustRequest(c, who, inputs, source_identity),
                                          "sts:AssumeRoleWithWebIdentity", !inputs.tags.empty(),
                                          !source_identity.empty(), NotAuthorized()));
  if (target->role == nullptr) return NotAuthorized();  // refused above: nothing trusts
  ASSIGN_OR_RETURN(int64_t duration, RoleSessionDuration(c, *target->role));
  ASSIGN_OR_RETURN(json out, IssueRoleSession(sts, *target->role, session_name, inputs,
                                              source_identity, duration));
  out["SubjectFromWebIdentityToken"] = *sub;
  out["Provider"] = federation::StringClaim(jwt, "iss").value_or("");
  out["Audience"] = audience.matched;
  return out;
}

}  // namespace

void RegisterAssumeRoleWithWebIdentity(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "AssumeRoleWithWebIdentity", [&sts](const OperationContext& c) {
    return AssumeRoleWithWebIdentity(sts, c);
  });
}

}  // namespace gatehouse::services::sts
