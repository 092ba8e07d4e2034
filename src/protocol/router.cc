#include "protocol/router.h"

namespace gatehouse::protocol {

Result<Route> RouteRequest(const ModelRegistry& registry, std::string_view service,
                           const QueryParams& params, std::string_view target) {
  Route route;
  route.model = registry.Find(service);
  if (route.model == nullptr) {
    return Status(ErrorCode::kInvalidAction,
                  "The service '" + std::string(service) + "' is not served by this endpoint");
  }
  if (route.model->protocol() == "json") {
    std::string prefix = route.model->target_prefix() + ".";
    if (target.substr(0, prefix.size()) == prefix) {
      route.operation = route.model->FindOperation(target.substr(prefix.size()));
    }
    if (route.operation == nullptr) return Status(ErrorCode::kUnknownOperationException, "");
    return route;
  }
  std::string_view action, version;
  for (const auto& [k, v] : params) {
    if (k == "Action") action = v;
    if (k == "Version") version = v;
  }
  route.operation = route.model->FindOperation(action);
  if (route.operation == nullptr) {
    return Status(ErrorCode::kInvalidAction,
                  "Could not find operation " + std::string(action) + " for version " +
                      std::string(version.empty() ? route.model->api_version() : version));
  }
  return route;
}

}  // namespace gatehouse::protocol
