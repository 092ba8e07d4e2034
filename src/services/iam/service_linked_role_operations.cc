// iam: CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus;
// and CreateServiceLinkedRoleFor (service_linked_roles.h), which the first shares.
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "services/iam/iam_context.h"
#include "services/iam/role_common.h"
#include "services/iam/service_linked_roles.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The role of `spec` in `account`, named with `suffix` when given, as created now.
Result<model::Role> CreateRoleOf(IamContext& iam, const ServiceLinkedRoleSpec& spec,
                                 const std::string& account, const std::string& description,
                                 const std::string& suffix) {
  if (!suffix.empty() && !spec.custom_suffix_allowed) {
    return Status(ErrorCode::kInvalidInput, "Custom suffix is not allowed for " + spec.service);
  }
  model::Role role;
  role.account_id = account;
  role.name = std::string(spec.role_name) + (suffix.empty() ? "" : "_" + suffix);
  role.path = ServiceLinkedRolePath(spec.service);
  role.description = description.empty() ? spec.description : description;
  nlohmann::ordered_json trust = {{"Version", "2012-10-17"},
                                  {"Statement",
                                   {{{"Effect", "Allow"},
                                     {"Principal", {{"Service", spec.service}}},
                                     {"Action", "sts:AssumeRole"}}}}};
  role.assume_role_policy = trust.dump();
  const Status taken(ErrorCode::kInvalidInput,
                     "Service role name " + role.name +
                         " has been taken in this account, please try a different suffix.");
  if (iam.state.directory().Get<model::Role>(role.Key()) != nullptr) return taken;
  role.id = NewUniqueId(iam.random, IdKind::kRole);
  role.created_ms = iam.now_ms();
  // The policies are AWS's own: attached whether or not this server's catalog holds them.
  store::WriteBatch batch{{store::Put<model::Role>{role, /*create=*/true}}};
  for (const std::string& arn : spec.policy_arns) {
    batch.writes.push_back(store::Put<model::RoleAttachment>{{account, role.name, arn}});
  }
  Status s = iam.state.Commit(batch);
  if (s.code() == ErrorCode::kEntityAlreadyExists) return taken;
  if (!s.ok()) return s;
  return role;
}

Status NoTemplate(const std::string& service) {
  return Status(ErrorCode::kAccessDenied,
                "Cannot find Service Linked Role template for " + service);
}

}  // namespace

Result<model::Role> CreateServiceLinkedRoleFor(IamContext& iam, const std::string& account,
                                               const std::string& service) {
  const ServiceLinkedRoleSpec* spec = FindServiceLinkedRole(service);
  if (spec == nullptr) return NoTemplate(service);
  return CreateRoleOf(iam, *spec, account, "", "");
}

void RegisterServiceLinkedRoleOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateServiceLinkedRole", [&iam](const OperationContext& c) -> Result<json> {
    std::string service = c.input.at("AWSServiceName");
    const ServiceLinkedRoleSpec* spec = FindServiceLinkedRole(service);
    if (spec == nullptr) return NoTemplate(service);
    Result<model::Role> role =
        CreateRoleOf(iam, *spec, c.caller.account_id, c.input.value("Description", ""),
                     c.input.value("CustomSuffix", ""));
    if (!role.ok()) return role.status();
    return json{{"Role", RoleJson(*role, RoleView::kCreate)}};
  });

  d.Register("iam", "DeleteServiceLinkedRole", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("RoleName");
    auto role = FindRole(iam, c.caller.account_id, name);
    if (!role.ok()) return role.status();
    if (!IsServiceLinkedRole(**role)) return NoSuchRole(name);
    const store::Directory& dir = iam.state.directory();
    const std::string prefix = (*role)->Key() + "/";
    store::WriteBatch batch;
    for (const auto& a : dir.Scan<model::RoleAttachment>(prefix)) {
      batch.writes.push_back(store::Erase<model::RoleAttachment>::Of(*a));
    }
    for (const auto& p : dir.Scan<model::RolePolicy>(prefix)) {
      batch.writes.push_back(store::Erase<model::RolePolicy>::Of(*p));
    }
    batch.writes.push_back(store::Erase<model::Role>::Of(**role));
    // The deletion completes at once; the task records that it did.
    model::RoleDeletionTask task{(*role)->account_id,
                                 "task" + (*role)->path + (*role)->name + "/" + iam.random.Uuid(),
                                 "SUCCEEDED", ""};
    batch.writes.push_back(store::Put<model::RoleDeletionTask>{task, /*create=*/true});
    if (Status s = iam.state.Commit(batch); !s.ok()) return s;
    return json{{"DeletionTaskId", task.task_id}};
  });

  d.Register("iam", "GetServiceLinkedRoleDeletionStatus",
             [&iam](const OperationContext& c) -> Result<json> {
               std::string id = c.input.at("DeletionTaskId");
               auto task = iam.state.directory().Get<model::RoleDeletionTask>(
                   model::RecordKey({c.caller.account_id, id}));
               if (task == nullptr || task->task_id != id) {
                 return Status(ErrorCode::kNoSuchEntity,
                               "The deletion task with id " + id + " cannot be found.");
               }
               json out = {{"Status", task->status}};
               if (!task->reason.empty()) out["Reason"] = {{"Reason", task->reason}};
               return out;
             });
}

}  // namespace gatehouse::services::iam
