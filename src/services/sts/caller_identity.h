// sts:GetCallerIdentity — who the caller is. AWS answers it whatever the caller's policies say,
// so it needs no authorization.
#pragma once

#include "services/dispatcher.h"

namespace gatehouse::services::sts {

Result<nlohmann::json> GetCallerIdentity(const OperationContext& context);

}  // namespace gatehouse::services::sts
