// sts:AssumeRole. The decision is the caller's side (its identity policies, boundary, session
// policies and SCPs) and the role's trust policy, which must allow explicitly; with session tags
// both must also allow sts:TagSession, with a source identity sts:SetSourceIdentity. A role that
// does not exist is refused exactly as a trust policy that does not name the caller, and the
// root user may not assume roles at all.
#include <optional>

#include "core/strings.h"
#include "services/request_context.h"
#include "services/sts/role_target.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr int64_t kChainedMaxSeconds = 3600;

Result<json> AssumeRole(StsContext& sts, const OperationContext& c) {
  const auth::SessionClaims* caller_session = c.caller.session.get();
  if (c.caller.principal_arn.ends_with(":root")) {
    return Status(ErrorCode::kAccessDenied, "Roles may not be assumed by root accounts.");
  }
  const std::string role_arn = c.input.value("RoleArn", "");
  const std::string session_name = c.input.value("RoleSessionName", "");

  // The role, if the ARN names one (an ARN that names nothing is refused like a role whose
  // trust policy does not name the caller).
  std::optional<RoleTarget> target = FindRoleTarget(sts.iam.state.directory(), role_arn);
  if (!target) return Status(ErrorCode::kValidationError, role_arn + " is invalid");
  std::shared_ptr<const model::Role> role = target->role;
  const std::string& role_account = target->account;

  const bool chained =
      caller_session != nullptr && caller_session->kind == auth::SessionKind::kAssumedRole;
  int64_t duration = c.input.value("DurationSeconds", int64_t{0});
  if (duration != 0 && chained && duration > kChainedMaxSeconds) {
    return Status(ErrorCode::kValidationError,
                  "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                  "assumed by role chaining.");
  }
  if (duration != 0 && role != nullptr && duration > role->max_session_duration) {
    return Status(ErrorCode::kValidationError,
                  "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                  "role.");
  }
  if (duration == 0) duration = kDefaultRoleSessionSeconds;

  // Transitive tags and the source identity of the caller's session carry over.
  std::vector<std::pair<std::string, std::string>> inherited;
  if (chained) {
    for (const std::string& key : caller_session->transitive_tag_keys) {
      for (const auto& tag : caller_session->tags) {
        if (EqualsIgnoreCase(tag.first, key)) inherited.push_back(tag);
      }
    }
  }
  Result<SessionInputs> inputs = ReadSessionInputs(c.input, inherited);
  if (!inputs.ok()) return inputs.status();
  std::string source_identity = c.input.value("SourceIdentity", "");
  const std::string inherited_identity =
      caller_session != nullptr ? caller_session->source_identity : "";
  if (!inherited_identity.empty() && !source_identity.empty() &&
      source_identity != inherited_identity) {
    return Status(ErrorCode::kAccessDenied,
                  "Source identity cannot be changed once it is set: " + inherited_identity);
  }

  bool mfa_now = false;
  if (Status s = CheckMfaInput(sts, c, &mfa_now); !s.ok()) return s;
  const int64_t now_ms = sts.iam.now_ms();

  // The request as the trust policy and the caller's policies see it.
  authz::AuthzRequest az = *c.caller_request;
  az.resource = role_arn;
  az.resource_account = role_account;
  az.resource_policy = role != nullptr ? role->assume_role_policy : "";
  if (mfa_now) {
    az.mfa = true;
    az.mfa_age_seconds = 0;
  }
  az.context = RequestContextKeys(c.input, ResourceInfo{role_arn, {}, "", ""});
  for (const auto& [key, value] : inherited) {
    az.context.push_back({"aws:RequestTag/" + key, {value}});
  }
  if (auto external = c.input.find("ExternalId"); external != c.input.end()) {
    az.context.push_back({"sts:ExternalId", {external->get<std::string>()}});
  }
  az.context.push_back({"sts:RoleSessionName", {session_name}});
  if (!source_identity.empty()) az.context.push_back({"sts:SourceIdentity", {source_identity}});
  if (!inputs->transitive_tag_keys.empty()) {
    az.context.push_back({"sts:TransitiveTagKeys", inputs->transitive_tag_keys});
  }
  az.action = "sts:AssumeRole";
  if (Status s = c.authorize(az); !s.ok()) return s;
  if (!inputs->tags.empty()) {
    az.action = "sts:TagSession";
    if (Status s = c.authorize(az); !s.ok()) return s;
  }
  if (!source_identity.empty() && source_identity != inherited_identity) {
    az.action = "sts:SetSourceIdentity";
    if (Status s = c.authorize(az); !s.ok()) return s;
  }
  if (role == nullptr) {  // refused above already: no trust policy allows anyone
    return Status(ErrorCode::kAccessDenied, "User: " + c.caller.principal_arn +
                                                " is not authorized to perform: sts:AssumeRole "
                                                "on resource: " +
                                                role_arn);
  }

  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kAssumedRole;
  claims.account_id = role->account_id;
  claims.principal_arn =
      "arn:aws:sts::" + role->account_id + ":assumed-role/" + role->name + "/" + session_name;
  claims.user_id = role->id + ":" + session_name;
  claims.source_arn = role->Arn();
  claims.role_id = role->id;
  claims.has_session_policy = inputs->has_policy;
  claims.session_policy = inputs->policy;
  claims.session_policy_arns = inputs->policy_arns;
  claims.tags = inherited;
  claims.tags.insert(claims.tags.end(), inputs->tags.begin(), inputs->tags.end());
  for (const auto& [key, unused] : inherited) claims.transitive_tag_keys.push_back(key);
  for (const std::string& key : inputs->transitive_tag_keys) {
    claims.transitive_tag_keys.push_back(key);
  }
  claims.source_identity = source_identity.empty() ? inherited_identity : source_identity;
  claims.mfa = mfa_now;
  claims.mfa_time_ms = mfa_now ? now_ms : 0;
  Result<json> credentials = IssueCredentials(sts, claims, duration);
  if (!credentials.ok()) return credentials.status();
  json out = {
      {"Credentials", std::move(credentials).value()},
      {"AssumedRoleUser", {{"AssumedRoleId", claims.user_id}, {"Arn", claims.principal_arn}}}};
  if (inputs->has_policy || !inputs->tags.empty() || !inherited.empty()) {
    out["PackedPolicySize"] = inputs->packed_percent;
  }
  if (!claims.source_identity.empty()) out["SourceIdentity"] = claims.source_identity;
  return out;
}

}  // namespace

void RegisterAssumeRole(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "AssumeRole",
                      [&sts](const OperationContext& c) { return AssumeRole(sts, c); });
}

}  // namespace gatehouse::services::sts
