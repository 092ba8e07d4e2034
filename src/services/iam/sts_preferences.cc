// iam: SetSecurityTokenServicePreferences. The account's choice of the session tokens STS's
// global endpoint issues (model::StsPreferences), which GetAccountSummary reports as
// GlobalEndpointTokenVersion.
#include "services/iam/handler_table.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Result<json> SetPreferences(IamContext& iam, const OperationContext& c) {
  // The model's enum allows only these two.
  const int version = c.input.at("GlobalEndpointTokenVersion") == "v2Token" ? 2 : 1;
  RETURN_IF_ERROR(iam.state.Commit(
      {.writes = {store::Put<model::StsPreferences>{{c.caller.account_id, version}}}}));
  return json::object();
}

}  // namespace

int GlobalEndpointTokenVersion(const store::Directory& dir, std::string_view account) {
  auto preferences = dir.Get<model::StsPreferences>(model::RecordKey({account}));
  return preferences ? preferences->global_endpoint_token_version : 1;
}

void RegisterStsPreferenceOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"SetSecurityTokenServicePreferences", SetPreferences},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
