// Routing a request to its operation: the service named in the SigV4 credential scope, then
// the Action parameter (query protocol) or the X-Amz-Target header (JSON 1.1). Unknown
// operations get AWS's InvalidAction / UnknownOperationException. Pure.
#pragma once

#include <string_view>

#include "core/status.h"
#include "protocol/model.h"
#include "protocol/query_input.h"

namespace gatehouse::protocol {

struct Route {
  const ServiceModel* model = nullptr;
  const Operation* operation = nullptr;
};

// `service`: the credential scope's service. `params`: the decoded query/form parameters.
// `target`: the X-Amz-Target header ("" when absent).
Result<Route> RouteRequest(const ModelRegistry& registry, std::string_view service,
                           const QueryParams& params, std::string_view target);

}  // namespace gatehouse::protocol
