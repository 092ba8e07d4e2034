// iam: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
// UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags.
#include "core/ids.h"
#include "core/strings.h"
#include "policy/service_rules.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/role_common.h"
#include "services/iam/service_linked_roles.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Status RoleExists(const std::string& name) {
  return Status(ErrorCode::kEntityAlreadyExists, "Role with name " + name + " already exists.");
}

// The role with `change` applied, committed if the role is still as read; the answer of
// operations that return nothing.
template <typename Change>
Result<json> UpdateRoleRecord(IamContext& iam, const model::Role& role, Change change) {
  model::Role updated = role;
  change(updated);
  Status s = iam.state.Commit(
      {.writes = {store::Put<model::Role>{updated}}, .preconditions = {store::Unchanged(role)}});
  if (!s.ok()) return s;
  return json::object();
}

// What DeleteRole's CheckDeletable saw, as preconditions: the role as read, and nothing
// attached to it or embedded in it.
std::vector<store::Precondition> DeletablePreconditions(const model::Role& role) {
  const std::string prefix = role.Key() + "/";
  return {store::Unchanged(role), store::NoneUnder<model::RoleAttachment>(prefix),
          store::NoneUnder<model::RolePolicy>(prefix),
          store::NoneUnder<model::InstanceProfile>(role.account_id + "/", "role_names", role.name)};
}

// Why role `role` cannot be deleted yet, if anything holds it.
Status CheckDeletable(const IamContext& iam, const model::Role& role) {
  const store::Directory& dir = iam.state.directory();
  for (const auto& profile : dir.Scan<model::InstanceProfile>(role.account_id + "/")) {
    for (const std::string& r : profile->role_names) {
      if (EqualsIgnoreCase(r, role.name)) {
        return DeleteConflict("remove roles from instance profile");
      }
    }
  }
  const std::string prefix = role.Key() + "/";
  if (!dir.Scan<model::RoleAttachment>(prefix, "", 1).empty()) {
    return DeleteConflict("detach all policies");
  }
  if (!dir.Scan<model::RolePolicy>(prefix, "", 1).empty()) return DeleteConflict("delete policies");
  return Status::Ok();
}

}  // namespace

void RegisterRoleOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateRole", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("RoleName");
    model::Role role;
    role.account_id = c.caller.account_id;
    role.name = name;
    role.path = c.input.value("Path", "/");
    if (StartsWith(role.path, kServiceLinkedRolePathPrefix)) {
      return Status(ErrorCode::kInvalidInput, "Path prefix '" +
                                                  std::string(kServiceLinkedRolePathPrefix) +
                                                  "' can only be used for AWS Service linked "
                                                  "Roles");
    }
    if (policy::IsReservedRolePath(role.path)) {  // /aws-reserved/: IAM Identity Center's roles
      return Status(ErrorCode::kInvalidInput,
                    "Path prefix '/aws-reserved/' can only be used for roles AWS creates");
    }
    role.assume_role_policy = c.input.at("AssumeRolePolicyDocument");
    if (Status s = CheckTrustPolicy(role.assume_role_policy); !s.ok()) return s;
    role.description = c.input.value("Description", "");
    role.max_session_duration = c.input.value("MaxSessionDuration", int64_t{3600});
    role.permissions_boundary = c.input.value("PermissionsBoundary", "");
    if (!role.permissions_boundary.empty()) {
      if (Status s = CheckBoundary(iam, role.account_id, role.permissions_boundary); !s.ok()) {
        return s;
      }
    }
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags, kRoleTags);
      if (!merged.ok()) return merged.status();
      role.tags = std::move(merged).value();
    }
    if (iam.state.directory().Get<model::Role>(role.Key()) != nullptr) return RoleExists(name);
    role.id = NewUniqueId(iam.random, IdKind::kRole);
    role.created_ms = iam.now_ms();
    Status s = iam.state.Commit({{store::Put<model::Role>{role, /*create=*/true}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return RoleExists(name);
    if (!s.ok()) return s;
    return json{{"Role", RoleJson(role, RoleView::kCreate)}};
  });

  d.Register("iam", "GetRole", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    return json{{"Role", RoleJson(**role, RoleView::kFull, RoleLastUsedOf(iam, **role))}};
  });

  d.Register("iam", "ListRoles", [&iam](const OperationContext& c) -> Result<json> {
    std::string prefix = c.input.value("PathPrefix", "/");
    json out;
    json list = json::array();
    for (const auto& role : ScanPage<model::Role>(
             iam.state.directory(), c.caller.account_id + "/", ReadPage(c.input),
             [&](const model::Role& r) { return StartsWith(r.path, prefix); }, out)) {
      list.push_back(RoleJson(*role, RoleView::kList));
    }
    out["Roles"] = std::move(list);
    return out;
  });

  d.Register("iam", "UpdateRole", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    auto duration = c.input.find("MaxSessionDuration");
    if (duration != c.input.end() && IsServiceLinkedRole(**role)) {
      return Status(ErrorCode::kUnmodifiableEntity,
                    (*role)->name +
                        " is an AWS service linked role, max session duration cannot be changed.");
    }
    return UpdateRoleRecord(iam, **role, [&](model::Role& r) {
      r.description = c.input.value("Description", r.description);
      if (duration != c.input.end()) r.max_session_duration = duration->get<int64_t>();
    });
  });

  d.Register("iam", "UpdateRoleDescription", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    model::Role updated = **role;
    updated.description = c.input.at("Description");
    if (Status s = iam.state.Commit({.writes = {store::Put<model::Role>{updated}},
                                     .preconditions = {store::Unchanged(**role)}});
        !s.ok()) {
      return s;
    }
    return json{{"Role", RoleJson(updated, RoleView::kFull, RoleLastUsedOf(iam, updated))}};
  });

  d.Register("iam", "UpdateAssumeRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string document = c.input.at("PolicyDocument");
    if (Status s = CheckTrustPolicy(document); !s.ok()) return s;
    return UpdateRoleRecord(iam, **role, [&](model::Role& r) { r.assume_role_policy = document; });
  });

  d.Register("iam", "DeleteRole", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    if (Status s = CheckDeletable(iam, **role); !s.ok()) return s;
    Status s = iam.state.Commit({.writes = {store::Erase<model::Role>::Of(**role)},
                                 .preconditions = DeletablePreconditions(**role)});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "TagRole", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    Result<std::vector<model::Tag>> tags = MergeTags((*role)->tags, c.input.at("Tags"), kRoleTags);
    if (!tags.ok()) return tags.status();
    return UpdateRoleRecord(iam, **role, [&](model::Role& r) { r.tags = std::move(tags).value(); });
  });

  d.Register("iam", "UntagRole", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    return UpdateRoleRecord(
        iam, **role, [&](model::Role& r) { r.tags = RemoveTags(r.tags, c.input.at("TagKeys")); });
  });

  d.Register("iam", "ListRoleTags", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    return ListTagsJson((*role)->tags, c.input);
  });
}

}  // namespace gatehouse::services::iam
