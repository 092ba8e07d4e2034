// sts:AssumeRoleWithSAML, accepted unsigned as AWS accepts it: the caller proves itself with a
// SAML 2.0 response its identity provider signed. PrincipalArn must be an IAM SAML provider of
// the role's account; the response must verify against that provider's metadata
// (federation/saml_response.h) and name the pair (RoleArn, PrincipalArn) in its Role attribute;
// each assertion is exchanged once. Then the role's trust policy alone decides, for the principal
// {"Federated": PROVIDER-ARN}, with the saml:* condition keys, the session tags of the
// PrincipalTag:* attributes (sts:TagSession) and the SourceIdentity attribute
// (sts:SetSourceIdentity).
#include <openssl/evp.h>

#include <algorithm>
#include <optional>

#include "core/crypto.h"
#include "core/strings.h"
#include "federation/saml_response.h"
#include "services/iam/saml_providers.h"
#include "services/sts/federated_session.h"
#include "services/sts/role_target.h"
#include "services/sts/saml_attributes.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_operations.h"
#include "services/sts/used_assertions.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

Status InvalidAssertion(std::string message) {
  return Status(ErrorCode::kInvalidIdentityToken, std::move(message));
}

Status NotAuthorizedForSaml() {
  return Status(ErrorCode::kAccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML");
}

// Whether the Role attribute pairs `role_arn` with `provider_arn`.
bool NamesRole(const federation::SamlAssertion& a, const std::string& role_arn,
               const std::string& provider_arn) {
  for (const SamlRolePair& pair : SamlRolePairs(a)) {
    if (pair.role_arn == role_arn && pair.provider_arn == provider_arn) return true;
  }
  return false;
}

// The PrincipalTag:* and TransitiveTagKeys attributes as AssumeRole's Tags and
// TransitiveTagKeys inputs (checked and packed alike).
json TagInputs(const federation::SamlAssertion& a) {
  json out = json::object();
  json tags = json::array();
  const std::string prefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
  for (const auto& [attribute, values] : a.attributes) {
    if (!attribute.starts_with(prefix) || values.empty()) continue;
    tags.push_back({{"Key", attribute.substr(prefix.size())}, {"Value", values.front()}});
  }
  if (!tags.empty()) out["Tags"] = std::move(tags);
  std::vector<std::string> transitive = SamlAttribute(a, "TransitiveTagKeys");
  if (!transitive.empty()) out["TransitiveTagKeys"] = transitive;
  return out;
}

// saml:sub_type as AWS words it: "persistent", "transient", or the Format URI itself.
std::string SubjectType(const std::string& format) {
  for (const char* kind : {"persistent", "transient"}) {
    if (format == std::string("urn:oasis:names:tc:SAML:2.0:nameid-format:") + kind) return kind;
  }
  return format;
}

// saml:namequalifier: base64(SHA-1(issuer + account + "/" + provider name)), as AWS computes it.
std::string NameQualifier(const std::string& issuer, const model::SamlProvider& provider) {
  const std::string input = issuer + provider.account_id + "/" + provider.name;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1) return "";
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

ContextKeys ProviderKeys(const federation::SamlAssertion& a, const model::SamlProvider& provider) {
  ContextKeys keys = {{"saml:aud", {kSamlSigninUrl}},
                      {"saml:iss", {a.issuer}},
                      {"saml:sub", {a.name_id}},
                      {"saml:sub_type", {SubjectType(a.name_id_format)}},
                      {"saml:namequalifier", {NameQualifier(a.issuer, provider)}}};
  return keys;
}

Result<json> AssumeRoleWithSaml(StsContext& sts, const OperationContext& c) {
  const std::string role_arn = c.input.value("RoleArn", "");
  const std::string provider_arn = c.input.value("PrincipalArn", "");
  std::optional<RoleTarget> target = FindRoleTarget(sts.iam.state.directory(), role_arn);
  if (!target) return Status(ErrorCode::kValidationError, role_arn + " is invalid");
  auto provider = iam::FindSamlProvider(sts.iam.state.directory(), target->account, provider_arn);
  if (!provider.ok()) return InvalidAssertion("Specified provider doesn't exist");
  ASSIGN_OR_RETURN(federation::SamlAssertion assertion,
                   VerifySamlFor(**provider, c.input.value("SAMLAssertion", ""), sts.public_url,
                                 sts.iam.now_ms()));
  // Only now is the assertion the provider's word.
  if (!NamesRole(assertion, role_arn, (*provider)->Arn())) return NotAuthorizedForSaml();
  std::vector<std::string> names = SamlAttribute(assertion, "RoleSessionName");
  const std::string session_name = names.empty() ? "" : names.front();
  if (!IsValidSourceIdentity(session_name)) {  // the same rule: 2 to 64 of [\w+=,.@-]
    return InvalidAssertion("The RoleSessionName attribute is missing or not valid.");
  }
  std::vector<std::string> identities = SamlAttribute(assertion, "SourceIdentity");
  const std::string source_identity = identities.empty() ? "" : identities.front();
  if (!source_identity.empty() && !IsValidSourceIdentity(source_identity)) {
    return InvalidAssertion("The SourceIdentity attribute is not valid.");
  }
  const json tag_inputs = TagInputs(assertion);
  RETURN_IF_ERROR(CheckProviderTags(c, tag_inputs, session_name));
  json session_input = c.input;
  session_input.update(tag_inputs);
  ASSIGN_OR_RETURN(SessionInputs inputs, ReadSessionInputs(session_input));

  FederatedRequest who{(*provider)->Arn(), &*target, role_arn, session_name,
                       ProviderKeys(assertion, **provider)};
  RETURN_IF_ERROR(AuthorizeFederatedTrust(c, FederatedTrustRequest(c, who, inputs, source_identity),
                                          "sts:AssumeRoleWithSAML", !inputs.tags.empty(),
                                          !source_identity.empty(), NotAuthorizedForSaml()));
  if (target->role == nullptr) return NotAuthorizedForSaml();  // refused above: nothing trusts
  ASSIGN_OR_RETURN(int64_t duration, RoleSessionDuration(c, *target->role));
  if (assertion.session_not_on_or_after_ms) {
    const int64_t left_s = (*assertion.session_not_on_or_after_ms - sts.iam.now_ms()) / 1000;
    duration = std::min(duration, std::max<int64_t>(left_s, 1));
  }
  RETURN_IF_ERROR(SpendAssertion(sts.iam.state, assertion, sts.iam.now_ms()));
  ASSIGN_OR_RETURN(json out, IssueRoleSession(sts, *target->role, session_name, inputs,
                                              source_identity, duration));
  out["Subject"] = assertion.name_id;
  out["SubjectType"] = SubjectType(assertion.name_id_format);
  out["Issuer"] = assertion.issuer;
  out["Audience"] = kSamlSigninUrl;
  out["NameQualifier"] = NameQualifier(assertion.issuer, **provider);
  return out;
}

}  // namespace

void RegisterAssumeRoleWithSaml(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "AssumeRoleWithSAML",
                      [&sts](const OperationContext& c) { return AssumeRoleWithSaml(sts, c); });
}

}  // namespace gatehouse::services::sts
