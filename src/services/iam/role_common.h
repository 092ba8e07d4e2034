// What the handlers of roles, their policies, instance profiles and service-linked roles share:
// finding a role, the Role structure of the API, the rules of a trust policy, and the protection
// of service-linked roles (only their service may change them). Stateless.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/iam_entities.h"
#include "services/iam/iam_context.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {

// A trust policy may not pass 2,048 characters (whitespace outside strings not counted).
inline constexpr size_t kTrustPolicyQuota = 2048;

// The role `name` (regardless of case) of `account`; NoSuchEntity in AWS's words when none.
Result<std::shared_ptr<const model::Role>> FindRole(const IamContext& iam, std::string_view account,
                                                    std::string_view name);
Status NoSuchRole(std::string_view name);

// The same, when the caller may change the role: UnmodifiableEntity for a service-linked role.
Result<std::shared_ptr<const model::Role>> FindModifiableRole(const IamContext& iam,
                                                              std::string_view account,
                                                              std::string_view name);

// FindRole and FindModifiableRole of the role input RoleName names, in the caller's account.
Result<std::shared_ptr<const model::Role>> FindInputRole(const IamContext& iam,
                                                         const OperationContext& c);
Result<std::shared_ptr<const model::Role>> FindModifiableInputRole(const IamContext& iam,
                                                                   const OperationContext& c);

// A role created by CreateServiceLinkedRole: its path is /aws-service-role/…, which CreateRole
// refuses.
bool IsServiceLinkedRole(const model::Role& role);

// UnmodifiableEntity for a service-linked role (or one under /aws-reserved/), whose policies,
// trust, boundary and instance profiles only its service may change.
Status CheckModifiable(const model::Role& role);

// CreateRole / UpdateAssumeRolePolicy: a valid trust policy (MalformedPolicyDocument) within
// the ACLSizePerRole quota (LimitExceeded).
Status CheckTrustPolicy(const std::string& document);

// Which members of Role an answer carries. ListRoles (and the roles of an instance profile)
// leave out PermissionsBoundary, Tags and RoleLastUsed; CreateRole leaves out RoleLastUsed.
enum class RoleView { kList, kCreate, kFull };

// kFull shows RoleLastUsed from `last_used` (RoleLastUsedOf).
nlohmann::json RoleJson(const model::Role& role, RoleView view,
                        const std::optional<model::AccessMark>& last_used = std::nullopt);

// When the role was last used (its latest attempt on any service), as access advisor keeps it.
std::optional<model::AccessMark> RoleLastUsedOf(const IamContext& iam, const model::Role& role);

// RoleLastUsed: {LastUsedDate, Region}, or {} for a role not used.
nlohmann::json RoleLastUsedJson(const std::optional<model::AccessMark>& last_used);

// The InstanceProfile structure, its roles as ListRoles shows them, its tags as `tags` says.
nlohmann::json InstanceProfileJson(const store::Directory& dir, const model::InstanceProfile& p,
                                   TagsShown tags);

}  // namespace gatehouse::services::iam
