// Writing AWS query-protocol answers (IAM, STS) as AWS does: an XML document in the service's
// namespace, <OperationResponse><OperationResult>…</OperationResult><ResponseMetadata>
// <RequestId>…</RequestId></ResponseMetadata></OperationResponse>, members in model order,
// lists as <member> elements; and the error envelope <ErrorResponse><Error><Type>Sender</Type>
// <Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>.
// `output` is the operation's output shaped as its output shape (object keyed by member name).
// Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/markup.h"
#include "core/status.h"
#include "protocol/model.h"

namespace gatehouse::protocol {

std::string WriteQueryResponse(const ServiceModel& model, const Operation& op,
                               const nlohmann::json& output, std::string_view request_id);

std::string WriteQueryError(const ServiceModel& model, const Status& error,
                            std::string_view request_id);

}  // namespace gatehouse::protocol
