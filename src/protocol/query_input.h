// Reading AWS query-protocol input (IAM, STS): form or query-string parameters such as
// "UserName=alice", "Tags.member.1.Key=team", "Attributes.entry.1.key=k" turned into a JSON
// value shaped by the operation's input shape — structures as objects keyed by member name,
// lists as arrays, maps as objects, integers and booleans typed. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "protocol/model.h"

namespace gatehouse::protocol {

// Decoded parameters, as core/uri.h's ParseQueryString gives them.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Fails with ValidationError when a typed value (integer, boolean, timestamp) is malformed.
Result<nlohmann::json> ReadQueryInput(const ServiceModel& model, const Shape& input,
                                      const QueryParams& params);

}  // namespace gatehouse::protocol
