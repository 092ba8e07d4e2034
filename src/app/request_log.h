// The server's one log line per request: as JSON (`--log-format json`) or as text, with the
// request id, the client's address, the operation, the principal, the status and error, the
// latency and any encoded authorization message. Thread-safe (spdlog).
#pragma once

#include <string>

#include "app/admin_endpoint.h"
#include "core/http_message.h"
#include "services/dispatcher.h"

namespace gatehouse::app {

void LogRequest(bool json, const services::DispatchRecord& record, const HttpRequest& request,
                double millis);

// Admin requests carry the operator secret, and their answers a token and a key: the log line
// names the operation and the account made, nothing else.
void LogAdminRequest(bool json, const std::string& request_id, const AdminRecord& record,
                     const HttpRequest& request, double millis);

}  // namespace gatehouse::app
