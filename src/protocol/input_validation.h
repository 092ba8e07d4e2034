// Checks an operation's input (as read by a codec) against the constraints of its model shapes
// — required members, lengths, value ranges, patterns, enums — and reports every violation at
// once in AWS's words:
//   1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy
//   constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*
// Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "protocol/model.h"

namespace gatehouse::protocol {

// `error` is the code to fail with: ValidationError (query services) or ValidationException
// (JSON services).
Status ValidateInput(const ServiceModel& model, const Shape& input, const nlohmann::json& value,
                     ErrorCode error = ErrorCode::kValidationError);

}  // namespace gatehouse::protocol
