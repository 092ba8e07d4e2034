#include "app/request_log.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace gatehouse::app {

void LogRequest(bool json, const services::DispatchRecord& r, const HttpRequest& request,
                double millis) {
  if (json) {
    nlohmann::json line = {{"requestId", r.request_id},       {"operation", r.operation},
                           {"principal", r.principal},        {"status", r.status},
                           {"error", r.error_code},           {"latencyMs", millis},
                           {"remote", request.remote_address}};
    if (!r.authorization_message.empty()) line["authorizationMessage"] = r.authorization_message;
    // Bytes that are not UTF-8 (a path can carry them) are replaced, never a reason to throw.
    spdlog::info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    spdlog::info("{} {} {} {} {}{} {:.2f}ms{}", r.request_id, request.remote_address,
                 r.operation.empty() ? "-" : r.operation, r.principal.empty() ? "-" : r.principal,
                 r.status, r.error_code.empty() ? "" : " " + r.error_code, millis,
                 r.authorization_message.empty()
                     ? ""
                     : " encoded authorization message: " + r.authorization_message);
  }
}

void LogAdminRequest(bool json, const std::string& request_id, const AdminRecord& r,
                     const HttpRequest& request, double millis) {
  services::DispatchRecord record{request_id, r.operation,  r.status == 403 ? "" : "operator",
                                  r.status,   r.error_code, ""};
  LogRequest(json, record, request, millis);
  if (r.account_id.empty()) return;
  if (r.operation == "gatehouse:CreateAccount") {
    spdlog::info("{} created the account {}", request_id, r.account_id);
  } else {
    spdlog::info("{} issued a root password-reset link for the account {}", request_id,
                 r.account_id);
  }
}

}  // namespace gatehouse::app
