#include "services/sts/role_target.h"

#include "core/arn.h"
#include "services/organizations/organization_common.h"

namespace gatehouse::services::sts {

std::optional<RoleTarget> FindRoleTarget(const store::Directory& dir, std::string_view role_arn) {
  std::optional<ArnView> arn = ArnView::Parse(role_arn);
  if (!arn) return std::nullopt;
  RoleTarget target;
  if (arn->service != "iam" || arn->ResourceType() != "role" || !IsAccountId(arn->account)) {
    return target;
  }
  target.account = std::string(arn->account);
  target.role = dir.Get<model::Role>(model::RecordKey({target.account, arn->ResourceName()}));
  if (target.role != nullptr && target.role->Arn() != role_arn) target.role = nullptr;  // path
  // A closed account's roles cannot be assumed: refused as a role that trusts nobody.
  if (target.role != nullptr && organizations::IsAccountClosed(dir, target.account)) {
    target.role = nullptr;
  }
  return target;
}

}  // namespace gatehouse::services::sts
