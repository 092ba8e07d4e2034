// iam: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy (inline policies),
// AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies (managed policies), and
// PutRolePermissionsBoundary, DeleteRolePermissionsBoundary.
#include "core/uri.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"
#include "services/iam/role_common.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

std::vector<std::shared_ptr<const model::RolePolicy>> RoleInlinePolicies(const IamContext& iam,
                                                                         const model::Role& role) {
  return iam.state.directory().Scan<model::RolePolicy>(role.Key() + "/");
}

std::vector<std::string> AttachedPolicies(const IamContext& iam, const model::Role& role) {
  std::vector<std::string> arns;
  for (const auto& a : iam.state.directory().Scan<model::RoleAttachment>(role.Key() + "/")) {
    arns.push_back(a->policy_arn);
  }
  return arns;
}

// The role's inline policies are the ones read (their aggregate size is a quota).
std::vector<store::Precondition> SamePolicies(const IamContext& iam, const model::Role& role) {
  std::vector<store::Precondition> out{store::Unchanged(role)};
  store::AppendSameRange(RoleInlinePolicies(iam, role), role.Key() + "/", out);
  return out;
}

// The role's attachments are the ones read (their number is a quota), and the policy `arn` to
// attach is as read.
std::vector<store::Precondition> SameAttachments(const IamContext& iam, const model::Role& role,
                                                 const std::string& arn) {
  std::vector<store::Precondition> out = AttachedPolicyPreconditions(iam, role.account_id, arn);
  out.push_back(store::Unchanged(role));
  store::AppendSameRange(iam.state.directory().Scan<model::RoleAttachment>(role.Key() + "/"),
                         role.Key() + "/", out);
  return out;
}

Result<json> Commit(IamContext& iam, store::WriteBatch batch) {
  if (Status s = iam.state.Commit(batch); !s.ok()) return s;
  return json::object();
}

}  // namespace

void RegisterRolePolicyOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "PutRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string document = c.input.at("PolicyDocument");
    Result<std::string> name = CheckInlinePolicyPut(
        RoleInlinePolicies(iam, **role), c.input.at("PolicyName"), document, "role", (*role)->name);
    if (!name.ok()) return name.status();
    return Commit(iam, {.writes = {store::Put<model::RolePolicy>{
                            {(*role)->account_id, (*role)->name, *name, document}}},
                        .preconditions = SamePolicies(iam, **role)});
  });

  d.Register("iam", "GetRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string name = c.input.at("PolicyName");
    auto policy = FindInlinePolicy(RoleInlinePolicies(iam, **role), name);
    if (policy == nullptr) return NoSuchInlinePolicy("role", name);
    return InlinePolicyJson("RoleName", (*role)->name, policy->name, policy->document);
  });

  d.Register("iam", "ListRolePolicies", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    return InlinePolicyNamesJson(RoleInlinePolicies(iam, **role), c.input);
  });

  d.Register("iam", "DeleteRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string name = c.input.at("PolicyName");
    auto policy = FindInlinePolicy(RoleInlinePolicies(iam, **role), name);
    if (policy == nullptr) return NoSuchInlinePolicy("role", name);
    return Commit(iam, {.writes = {store::Erase<model::RolePolicy>::Of(*policy)},
                        .preconditions = {store::Unchanged(*policy)}});
  });

  d.Register("iam", "AttachRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string arn = c.input.at("PolicyArn");
    Result<bool> attach =
        CheckAttach(iam, (*role)->account_id, AttachedPolicies(iam, **role), arn, kRoleTarget);
    if (!attach.ok()) return attach.status();
    if (!*attach) return json::object();
    return Commit(
        iam,
        {.writes = {store::Put<model::RoleAttachment>{{(*role)->account_id, (*role)->name, arn}}},
         .preconditions = SameAttachments(iam, **role, arn)});
  });

  d.Register("iam", "DetachRolePolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    std::string arn = c.input.at("PolicyArn");
    if (Status s = CheckDetach(AttachedPolicies(iam, **role), arn); !s.ok()) return s;
    auto attachment = iam.state.directory().Get<model::RoleAttachment>(
        model::RecordKey({(*role)->account_id, (*role)->name, arn}));
    if (attachment == nullptr) return CheckDetach({}, arn);
    return Commit(iam, {.writes = {store::Erase<model::RoleAttachment>::Of(*attachment)},
                        .preconditions = {store::Unchanged(*attachment)}});
  });

  d.Register("iam", "ListAttachedRolePolicies", [&iam](const OperationContext& c) -> Result<json> {
    auto role = FindInputRole(iam, c);
    if (!role.ok()) return role.status();
    return AttachedPoliciesJson(AttachedPolicies(iam, **role), c.input);
  });

  d.Register("iam", "PutRolePermissionsBoundary",
             [&iam](const OperationContext& c) -> Result<json> {
               auto role = FindModifiableInputRole(iam, c);
               if (!role.ok()) return role.status();
               std::string arn = c.input.at("PermissionsBoundary");
               if (Status s = CheckBoundary(iam, (*role)->account_id, arn); !s.ok()) return s;
               model::Role updated = **role;
               updated.permissions_boundary = arn;
               return Commit(iam, {.writes = {store::Put<model::Role>{updated}},
                                   .preconditions = {store::Unchanged(**role)}});
             });

  d.Register(
      "iam", "DeleteRolePermissionsBoundary", [&iam](const OperationContext& c) -> Result<json> {
        auto role = FindModifiableInputRole(iam, c);
        if (!role.ok()) return role.status();
        if ((*role)->permissions_boundary.empty()) {
          return Status(ErrorCode::kNoSuchEntity, "The role with name " + (*role)->name +
                                                      " does not have a permissions boundary.");
        }
        model::Role updated = **role;
        updated.permissions_boundary.clear();
        return Commit(iam, {.writes = {store::Put<model::Role>{updated}},
                            .preconditions = {store::Unchanged(**role)}});
      });
}

}  // namespace gatehouse::services::iam
