// sts:GetDelegatedAccessToken: the exchange of a delegation request's trade-in token for the
// credentials of the principal that accepted the request. No delegation request can exist on
// this server (iam/delegation_requests.cc: it onboards no partners), so it never issued a
// trade-in token, and every token is refused as AWS refuses one it no longer honours.
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {

void RegisterGetDelegatedAccessToken(Dispatcher& dispatcher, StsContext&) {
  dispatcher.Register("sts", "GetDelegatedAccessToken", [](const OperationContext&) {
    return Result<nlohmann::json>(
        Status(ErrorCode::kExpiredTradeInToken,
               "The trade-in token is expired or was never issued: this server issues none, "
               "since it onboards no partners for temporary access delegation."));
  });
}

}  // namespace gatehouse::services::sts
