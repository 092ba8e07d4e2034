#include "services/iam/role_common.h"

#include "core/strings.h"
#include "core/time_format.h"
#include "core/uri.h"
#include "policy/parse.h"
#include "policy/service_rules.h"
#include "policy/size.h"
#include "services/iam/service_linked_roles.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {

using nlohmann::json;

Status NoSuchRole(std::string_view name) {
  return Status(ErrorCode::kNoSuchEntity,
                "The role with name " + std::string(name) + " cannot be found.");
}

Result<std::shared_ptr<const model::Role>> FindRole(const IamContext& iam, std::string_view account,
                                                    std::string_view name) {
  auto role = iam.state.directory().Get<model::Role>(model::RecordKey({account, name}));
  if (role == nullptr) return NoSuchRole(name);
  return role;
}

Result<std::shared_ptr<const model::Role>> FindModifiableRole(const IamContext& iam,
                                                              std::string_view account,
                                                              std::string_view name) {
  auto role = FindRole(iam, account, name);
  if (!role.ok()) return role;
  if (Status s = CheckModifiable(**role); !s.ok()) return s;
  return role;
}

Result<std::shared_ptr<const model::Role>> FindInputRole(const IamContext& iam,
                                                         const OperationContext& c) {
  return FindRole(iam, c.caller.account_id, c.input.at("RoleName").get<std::string>());
}

Result<std::shared_ptr<const model::Role>> FindModifiableInputRole(const IamContext& iam,
                                                                   const OperationContext& c) {
  return FindModifiableRole(iam, c.caller.account_id, c.input.at("RoleName").get<std::string>());
}

bool IsServiceLinkedRole(const model::Role& role) {
  return StartsWith(role.path, kServiceLinkedRolePathPrefix);
}

Status CheckModifiable(const model::Role& role) {
  if (!policy::IsReservedRolePath(role.path)) return Status::Ok();
  return Status(ErrorCode::kUnmodifiableEntity,
                "Cannot perform the operation on the protected role '" + role.name +
                    "' - this role is only modifiable by AWS");
}

Status CheckTrustPolicy(const std::string& document) {
  if (Result<policy::Document> valid = policy::ParsePolicy(document, policy::PolicyKind::kTrust);
      !valid.ok()) {
    return valid.status();
  }
  if (policy::PolicySize(document, policy::SizeRule::kIgnoreWhitespace) > kTrustPolicyQuota) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for ACLSizePerRole: " + std::to_string(kTrustPolicyQuota));
  }
  return Status::Ok();
}

std::optional<model::AccessMark> RoleLastUsedOf(const IamContext& iam, const model::Role& role) {
  auto activity = iam.activity.Find(iam.state.directory(), role.account_id, role.id);
  if (!activity) return std::nullopt;
  return LatestAttempt(*activity);
}

json RoleLastUsedJson(const std::optional<model::AccessMark>& last_used) {
  json out = json::object();
  if (last_used) {
    out["LastUsedDate"] = FormatIsoTime(last_used->ms);
    if (!last_used->region.empty()) out["Region"] = last_used->region;
  }
  return out;
}

json RoleJson(const model::Role& role, RoleView view,
              const std::optional<model::AccessMark>& last_used) {
  json out = {{"Path", role.path},
              {"RoleName", role.name},
              {"RoleId", role.id},
              {"Arn", role.Arn()},
              {"CreateDate", FormatIsoTime(role.created_ms)},
              // AWS returns policy documents URL-encoded; the SDKs decode them.
              {"AssumeRolePolicyDocument", UriEncode(role.assume_role_policy)},
              {"MaxSessionDuration", role.max_session_duration}};
  if (!role.description.empty()) out["Description"] = role.description;
  if (view == RoleView::kList) return out;
  if (!role.permissions_boundary.empty()) {
    out["PermissionsBoundary"] = BoundaryJson(role.permissions_boundary);
  }
  if (!role.tags.empty()) out["Tags"] = TagsJson(role.tags);
  if (view == RoleView::kCreate) return out;
  out["RoleLastUsed"] = RoleLastUsedJson(last_used);
  return out;
}

}  // namespace gatehouse::services::iam
