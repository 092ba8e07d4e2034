// sts:GetCallerIdentity (who the caller is, for every kind of principal; AWS answers it whatever
// the caller's policies say), sts:GetAccessKeyInfo (the account an access key id belongs to) and
// sts:DecodeAuthorizationMessage (what a refusal's encoded message says).
#include "core/ids.h"
#include "services/sts/authorization_message.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

Result<json> GetCallerIdentity(const OperationContext& c) {
  return json{{"UserId", c.caller.user_id},
              {"Account", c.caller.account_id},
              {"Arn", c.caller.principal_arn}};
}

Result<json> GetAccessKeyInfo(StsContext& sts, const OperationContext& c) {
  const std::string id = c.input.value("AccessKeyId", "");
  if (auto key = sts.iam.state.directory().FindAccessKey(id)) {
    return json{{"Account", key->account_id}};
  }
  if (std::optional<std::string> account = AccountOfAccessKeyId(id)) {
    return json{{"Account", *account}};
  }
  return Status(ErrorCode::kInvalidParameterValue, "The access key ID " + id + " is not valid.");
}

Result<json> DecodeMessage(StsContext& sts, const OperationContext& c) {
  Result<std::string> decoded = DecodeAuthorizationMessage(c.input.value("EncodedMessage", ""),
                                                           sts.keys, c.caller.account_id);
  if (!decoded.ok()) return decoded.status();
  return json{{"DecodedMessage", *decoded}};
}

}  // namespace

void RegisterIdentityOperations(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "GetCallerIdentity", GetCallerIdentity);
  dispatcher.Register("sts", "GetAccessKeyInfo",
                      [&sts](const OperationContext& c) { return GetAccessKeyInfo(sts, c); });
  dispatcher.Register("sts", "DecodeAuthorizationMessage",
                      [&sts](const OperationContext& c) { return DecodeMessage(sts, c); });
}

void RegisterStsOperations(Dispatcher& dispatcher, StsContext& sts) {
  RegisterAssumeRole(dispatcher, sts);
  RegisterAssumeRoot(dispatcher, sts);
  RegisterAssumeRoleWithWebIdentity(dispatcher, sts);
  RegisterAssumeRoleWithSaml(dispatcher, sts);
  RegisterSessionTokenOperations(dispatcher, sts);
  RegisterGetWebIdentityToken(dispatcher, sts);
  RegisterGetDelegatedAccessToken(dispatcher, sts);
  RegisterIdentityOperations(dispatcher, sts);
}

}  // namespace gatehouse::services::sts
