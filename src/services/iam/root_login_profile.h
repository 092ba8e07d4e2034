// The root user's login profile as an AssumeRoot session sees it: GetLoginProfile,
// CreateLoginProfile and DeleteLoginProfile without UserName (root_login_profile.cc).
#pragma once

#include <nlohmann/json.hpp>

#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

// True when the caller is an AssumeRoot session and names no user: the call is about the root
// user's own password.
bool ActsOnRootProfile(const OperationContext& c);

Result<nlohmann::json> GetRootLoginProfile(const IamContext& iam, const OperationContext& c);
Result<nlohmann::json> CreateRootLoginProfile(IamContext& iam, const OperationContext& c);
Result<nlohmann::json> DeleteRootLoginProfile(IamContext& iam, const OperationContext& c);

}  // namespace gatehouse::services::iam
