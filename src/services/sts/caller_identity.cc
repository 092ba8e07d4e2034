#include "services/sts/caller_identity.h"

namespace gatehouse::services::sts {

Result<nlohmann::json> GetCallerIdentity(const OperationContext& context) {
  return nlohmann::json{{"UserId", context.caller.user_id},
                        {"Account", context.caller.account_id},
                        {"Arn", context.caller.principal_arn}};
}

}  // namespace gatehouse::services::sts
