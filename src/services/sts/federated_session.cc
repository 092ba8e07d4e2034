#include "services/sts/federated_session.h"

#include <cctype>

#include "core/strings.h"
#include "protocol/input_validation.h"
#include "services/request_context.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

}  // namespace

authz::AuthzRequest FederatedTrustRequest(const OperationContext& c, const FederatedRequest& who,
                                          const SessionInputs& inputs,
                                          const std::string& source_identity) {
  authz::AuthzRequest az = *c.caller_request;
  az.principal_arn = who.provider_arn;
  az.resource = who.role_arn;
  az.resource_account = who.target->account;
  az.resource_policy =
      who.target->role != nullptr ? who.target->role->assume_role_policy : std::string();
  az.context = RequestContextKeys(json::object(), ResourceInfo{who.role_arn, {}, "", ""});
  az.context.insert(az.context.end(), who.provider_keys.begin(), who.provider_keys.end());
  az.context.push_back({"sts:RoleSessionName", {who.session_name}});
  std::vector<std::string> tag_keys;
  for (const auto& [key, value] : inputs.tags) {
    az.context.push_back({"aws:RequestTag/" + key, {value}});
    tag_keys.push_back(key);
  }
  if (!tag_keys.empty()) az.context.push_back({"aws:TagKeys", tag_keys});
  if (!inputs.transitive_tag_keys.empty()) {
    az.context.push_back({"sts:TransitiveTagKeys", inputs.transitive_tag_keys});
  }
  if (!source_identity.empty()) az.context.push_back({"sts:SourceIdentity", {source_identity}});
  return az;
}

Status AuthorizeFederatedTrust(const OperationContext& c, authz::AuthzRequest az,
                               std::string_view action, bool tags, bool source_identity,
                               const Status& refusal) {
  for (const auto& [name, needed] :
       {std::pair{action, true}, std::pair{std::string_view("sts:TagSession"), tags},
        std::pair{std::string_view("sts:SetSourceIdentity"), source_identity}}) {
    if (!needed) continue;
    az.action = std::string(name);
    if (Status s = c.authorize(az); !s.ok()) {
      return s.code() == ErrorCode::kAccessDenied ? refusal : s;
    }
  }
  return Status::Ok();
}

Status CheckProviderTags(const OperationContext& c, const json& tag_inputs,
                         const std::string& session_name) {
  auto invalid = [](std::string why) {
    return Status(ErrorCode::kInvalidIdentityToken,
                  "The session tags from the identity provider are not valid: " + std::move(why));
  };
  const protocol::Shape* shape = c.model.FindShape("AssumeRoleRequest");
  if (shape == nullptr) return invalid("the service model has no AssumeRoleRequest");
  // Checked as the same tags in an AssumeRole request for this role and session would be.
  json as_assume_role = tag_inputs;
  as_assume_role["RoleArn"] = c.input.value("RoleArn", "");
  as_assume_role["RoleSessionName"] = session_name;
  if (Status s = protocol::ValidateInput(c.model, *shape, as_assume_role); !s.ok()) {
    return invalid(s.message());
  }
  for (const json& tag : tag_inputs.value("Tags", json::array())) {
    if (StartsWith(AsciiLower(tag.value("Key", "")), "aws:")) {
      return invalid("tag keys may not begin with aws:");
    }
  }
  return Status::Ok();
}

bool IsValidSourceIdentity(std::string_view identity) {
  if (identity.size() < 2 || identity.size() > 64) return false;
  for (char ch : identity) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) &&
        std::string_view("_+=,.@-").find(ch) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<int64_t> RoleSessionDuration(const OperationContext& c, const model::Role& role) {
  const int64_t duration = c.input.value("DurationSeconds", kDefaultRoleSessionSeconds);
  if (duration > role.max_session_duration) {
    return Status(ErrorCode::kValidationError,
                  "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                  "role.");
  }
  return duration;
}

Result<json> IssueRoleSession(StsContext& sts, const model::Role& role,
                              const std::string& session_name, const SessionInputs& inputs,
                              const std::string& source_identity, int64_t duration) {
  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kAssumedRole;
  claims.account_id = role.account_id;
  claims.principal_arn =
      "arn:aws:sts::" + role.account_id + ":assumed-role/" + role.name + "/" + session_name;
  claims.user_id = role.id + ":" + session_name;
  claims.source_arn = role.Arn();
  claims.role_id = role.id;
  claims.has_session_policy = inputs.has_policy;
  claims.session_policy = inputs.policy;
  claims.session_policy_arns = inputs.policy_arns;
  claims.tags = inputs.tags;
  claims.transitive_tag_keys = inputs.transitive_tag_keys;
  claims.source_identity = source_identity;
  ASSIGN_OR_RETURN(json credentials, IssueCredentials(sts, claims, duration));
  json out = {
      {"Credentials", std::move(credentials)},
      {"AssumedRoleUser", {{"AssumedRoleId", claims.user_id}, {"Arn", claims.principal_arn}}}};
  if (inputs.has_policy || !inputs.tags.empty()) out["PackedPolicySize"] = inputs.packed_percent;
  if (!source_identity.empty()) out["SourceIdentity"] = source_identity;
  return out;
}

}  // namespace gatehouse::services::sts
