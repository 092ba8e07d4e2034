#include "services/iam/entity_policies.h"

#include <algorithm>

namespace gatehouse::services::iam {

Result<bool> CheckAttach(const IamContext& iam, std::string_view account,
                         const std::vector<std::string>& attached, const std::string& arn,
                         std::string_view quota) {
  if (Status s = CheckAttachable(iam, account, arn); !s.ok()) return s;
  if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return false;
  if (attached.size() >= kManagedPoliciesPerEntity) {
    return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for " + std::string(quota) +
                                                 ": " + std::to_string(kManagedPoliciesPerEntity));
  }
  return true;
}

Status CheckDetach(const std::vector<std::string>& attached, const std::string& arn) {
  if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return Status::Ok();
  return Status(ErrorCode::kNoSuchEntity, "Policy " + arn + " was not found.");
}

}  // namespace gatehouse::services::iam
