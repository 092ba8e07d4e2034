#include "audit/cloudtrail_record.h"

#include "core/time_format.h"

namespace gatehouse::audit {

using nlohmann::json;

std::string EventSource(std::string_view service) {
  return std::string(service) + ".amazonaws.com";
}

json CloudTrailRecord(const AuditCall& call) {
  // nlohmann's ordered_json keeps insertion order; a plain object sorts its keys. Records are
  // written sorted: the canonical form the digests hash (event_digest.h).
  json record = {{"eventVersion", kEventVersion},
                 {"userIdentity", call.user_identity},
                 {"eventTime", FormatIsoTime(call.time_ms)},
                 {"eventSource", EventSource(call.service)},
                 {"eventName", call.event_name},
                 {"awsRegion", call.region},
                 {"sourceIPAddress", call.source_ip},
                 {"userAgent", call.user_agent},
                 {"requestParameters", call.request_parameters},
                 {"responseElements", call.response_elements},
                 {"eventID", call.event_id},
                 {"readOnly", call.read_only},
                 {"eventType", call.event_type},
                 {"managementEvent", true},
                 {"recipientAccountId", call.recipient_account},
                 {"eventCategory", "Management"}};
  if (!call.request_id.empty()) record["requestID"] = call.request_id;
  if (!call.error_code.empty()) record["errorCode"] = call.error_code;
  if (!call.error_message.empty()) record["errorMessage"] = call.error_message;
  if (!call.additional_event_data.is_null()) {
    record["additionalEventData"] = call.additional_event_data;
  }
  if (!call.shared_event_id.empty()) record["sharedEventID"] = call.shared_event_id;
  json resources = json::array();
  for (const EventResource& r : call.resources) {
    if (r.arn.empty()) continue;
    resources.push_back({{"accountId", r.account_id}, {"type", r.type}, {"ARN", r.arn}});
  }
  if (!resources.empty()) record["resources"] = std::move(resources);
  return record;
}

}  // namespace gatehouse::audit
