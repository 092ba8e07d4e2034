// Registering a family of IAM operations from a table of (operation, named handler) pairs, so
// that each handler stays a plain function of the IAM context and the operation's context.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <utility>

#include "services/dispatcher.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

using IamHandler = Result<nlohmann::json> (*)(IamContext&, const OperationContext&);

inline void RegisterHandlers(Dispatcher& d, IamContext& iam,
                             std::span<const std::pair<const char*, IamHandler>> handlers) {
  for (const auto& entry : handlers) {
    IamHandler handler = entry.second;  // a copy: lambdas cannot capture structured bindings
    d.Register("iam", entry.first,
               [&iam, handler](const OperationContext& c) { return handler(iam, c); });
  }
}

}  // namespace gatehouse::services::iam
