#include "app/admin_endpoint.h"

#include <nlohmann/json.hpp>

#include "app/standalone_account.h"
#include "core/crypto.h"
#include "services/root_recovery.h"

namespace gatehouse::app {
namespace {

using nlohmann::json;

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = body.dump();
  return response;
}

HttpResponse Error(int status, std::string_view code, std::string_view message,
                   AdminRecord* record) {
  record->status = status;
  record->error_code = std::string(code);
  return JsonResponse(status, {{"code", code}, {"message", message}});
}

HttpResponse Error(const Status& s, AdminRecord* record) {
  return Error(s.info().http_status, s.info().code, s.message(), record);
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

AdminEndpoint::AdminEndpoint(store::State& state, std::string master_key,
                             std::string operator_secret, Random& random,
                             std::function<int64_t()> now_ms)
    : state_(state),
      master_key_(std::move(master_key)),
      operator_secret_(std::move(operator_secret)),
      random_(random),
      now_ms_(std::move(now_ms)) {}

bool AdminEndpoint::Handles(std::string_view target) {
  return PathOf(target).substr(0, kAdminPathPrefix.size()) == kAdminPathPrefix;
}

HttpResponse AdminEndpoint::Handle(const HttpRequest& request, AdminRecord* record) const {
  // Authentication comes first, so that nothing about the endpoint shows without the secret.
  const std::string* authorization = request.Header("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  bool authorized =
      authorization != nullptr && authorization->size() > kBearer.size() &&
      EqualsIgnoreCase(std::string_view(*authorization).substr(0, kBearer.size()), kBearer) &&
      !operator_secret_.empty() &&
      ConstantTimeEquals(std::string_view(*authorization).substr(kBearer.size()), operator_secret_);
  if (!authorized) {
    return Error(403, "AccessDenied",
                 "The admin endpoint needs the operator secret of the data directory.", record);
  }
  std::string_view path = PathOf(request.target);
  if (path != kAdminAccountsPath && path != kAdminRootResetLinksPath) {
    return Error(404, "NotFound", "No admin operation at " + std::string(path), record);
  }
  record->operation =
      path == kAdminAccountsPath ? "gatehouse:CreateAccount" : "gatehouse:IssueRootResetLink";
  if (request.method != "POST") {
    HttpResponse response = Error(405, "MethodNotAllowed", "Use POST.", record);
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  return path == kAdminAccountsPath ? CreateAccount(request, record)
                                    : IssueRootResetLink(request, record);
}

HttpResponse AdminEndpoint::IssueRootResetLink(const HttpRequest& request,
                                               AdminRecord* record) const {
  json input = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto email = input.is_object() ? input.find("email") : input.end();
  if (!input.is_object() || email == input.end() || !email->is_string()) {
    return Error(400, "ValidationError", "The body must be a JSON object with an email.", record);
  }
  Result<services::RootResetLink> link =
      services::IssueRootResetToken(state_, email->get<std::string>(), random_, now_ms_());
  if (!link.ok()) return Error(link.status(), record);
  record->status = 200;
  record->account_id = link->account_id;
  return JsonResponse(200, {{"accountId", link->account_id}, {"rootResetToken", link->token}});
}

HttpResponse AdminEndpoint::CreateAccount(const HttpRequest& request, AdminRecord* record) const {
  json input = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded() || !input.is_object()) {
    return Error(400, "ValidationError", "The body must be a JSON object.", record);
  }
  StandaloneAccountRequest account_request;
  for (auto [name, target] :
       {std::pair{"email", &account_request.email}, std::pair{"name", &account_request.name}}) {
    auto it = input.find(name);
    if (it == input.end() || !it->is_string()) {
      return Error(400, "ValidationError", std::string(name) + " must be a string.", record);
    }
    *target = it->get<std::string>();
  }
  if (auto it = input.find("adminUser"); it != input.end()) {
    if (!it->is_boolean()) {
      return Error(400, "ValidationError", "adminUser must be true or false.", record);
    }
    account_request.admin_user = it->get<bool>();
  }
  Result<StandaloneAccount> created =
      CreateStandaloneAccount(state_, account_request, master_key_, random_, now_ms_());
  if (!created.ok()) return Error(created.status(), record);
  record->status = 200;
  record->account_id = created->account_id;
  json out = {{"accountId", created->account_id}, {"rootResetToken", created->root_reset_token}};
  if (!created->access_key_id.empty()) {
    out["accessKeyId"] = created->access_key_id;
    out["secretAccessKey"] = created->secret_access_key;
  }
  return JsonResponse(200, out);
}

}  // namespace gatehouse::app
