// The AWS JSON 1.1 protocol (Organizations): the input is a JSON object shaped by the input
// shape; the answer a JSON object shaped by the output shape (timestamps as epoch seconds);
// errors {"__type": "Code", "message": "…"} ("Message" where the error shape spells it so).
// Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "protocol/model.h"

namespace gatehouse::protocol {

// How deep arrays and objects may nest in a request body. The models' inputs nest a few
// levels; a deeper body is refused before it is parsed.
inline constexpr int kMaxJsonDepth = 64;

// Parses the body and checks each value's JSON type against the shape; fails with
// SerializationException as AWS does for a body of the wrong form (or one nested deeper than
// kMaxJsonDepth). Null members, list elements and map values are dropped, as absent.
Result<nlohmann::json> ReadJsonInput(const ServiceModel& model, const Shape& input,
                                     std::string_view body);

std::string WriteJsonResponse(const ServiceModel& model, const Operation& op,
                              const nlohmann::json& output);

// `error_code` is the wire code (an error shape's name for Organizations' own errors); a
// non-empty `reason` is written as the error's Reason where its shape has one.
std::string WriteJsonError(const ServiceModel& model, std::string_view error_code,
                           std::string_view message, std::string_view reason = {});

}  // namespace gatehouse::protocol
