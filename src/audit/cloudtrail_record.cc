#include "audit/cloudtrail_record.h"

#include "audit/canonical_json.h"
#include "core/time_format.h"

namespace gatehouse::audit {
namespace {

// CloudTrail's largest requestParameters or responseElements: a larger one is left out, and the
// record says so ("omitted": true).
constexpr size_t kMaxElementBytes = 100 * 1024;

// An element's JSON, or null when it is too large to record (`omitted` is then set).
std::string_view Element(std::string_view text, bool& omitted) {
  if (text.size() <= kMaxElementBytes) return text;
  omitted = true;
  return "null";
}

// The resources named by ARN, as the record lists them; "" when there are none.
std::string ResourcesJson(const std::vector<EventResource>& resources) {
  std::string out;
  for (const EventResource& r : resources) {
    if (r.arn.empty()) continue;
    out += out.empty() ? '[' : ',';
    ObjectWriter o(out);
    o.String("ARN", r.arn);
    o.String("accountId", r.account_id);
    o.String("type", r.type);
  }
  if (!out.empty()) out += ']';
  return out;
}

}  // namespace

std::string EventSource(std::string_view service) {
  return std::string(service) + ".amazonaws.com";
}

RecordFrame FrameOf(const AuditCall& call) {
  RecordFrame f;
  std::string& out = f.text;
  out.reserve(1024);
  // The object opens here; the runs and the record's own members go on it, each after a comma.
  out = '{';
  if (!call.additional_event_data.is_null()) {
    out += R"("additionalEventData":)" + CanonicalJson(call.additional_event_data) + ',';
  }
  out += R"("awsRegion":)";
  AppendJsonString(out, call.region);
  f.head_end = out.size();
  {
    ObjectWriter o = ObjectWriter::Continuing(out);
    o.String("eventCategory", "Management");
    o.String("eventID", call.event_id);
    o.String("eventName", call.event_name);
    o.String("eventSource", EventSource(call.service));
    o.String("eventTime", FormatIsoTime(call.time_ms));
    o.String("eventType", call.event_type);
    o.String("eventVersion", kEventVersion);
    o.Bool("managementEvent", true);
  }
  f.middle_end = out.size();
  {
    ObjectWriter o = ObjectWriter::Continuing(out);
    o.Bool("readOnly", call.read_only);
    o.String("recipientAccountId", call.recipient_account);
    if (!call.request_id.empty()) o.String("requestID", call.request_id);
    o.Raw("requestParameters", Element(call.request_parameters, f.request_omitted));
    const std::string resources = ResourcesJson(call.resources);
    if (!resources.empty()) o.Raw("resources", resources);
  }
  f.request_end = out.size();
  {
    ObjectWriter o = ObjectWriter::Continuing(out);
    if (!call.shared_event_id.empty()) o.String("sharedEventID", call.shared_event_id);
    o.String("sourceIPAddress", call.source_ip);
    o.String("userAgent", call.user_agent);
  }
  return f;
}

std::string CloudTrailRecord(const AuditCall& call) {
  return CloudTrailRecord(call, FrameOf(call));
}

std::string CloudTrailRecord(const AuditCall& call, const RecordFrame& frame) {
  const std::string_view text = frame.text;
  bool omitted = frame.request_omitted;
  const std::string_view response = Element(call.response_elements, omitted);
  std::string out;
  out.reserve(text.size() + response.size() + call.user_identity.size() + 128);
  // Members in byte order of their names, the canonical form: the frame's runs, and between
  // them what the call's outcome decides.
  out += text.substr(0, frame.head_end);
  ObjectWriter o = ObjectWriter::Continuing(out);
  if (!call.error_code.empty()) o.String("errorCode", call.error_code);
  if (!call.error_message.empty()) o.String("errorMessage", call.error_message);
  out += text.substr(frame.head_end, frame.middle_end - frame.head_end);
  if (omitted) o.Bool("omitted", true);
  out += text.substr(frame.middle_end, frame.request_end - frame.middle_end);
  o.Raw("responseElements", response);
  out += text.substr(frame.request_end);
  o.Raw("userIdentity", call.user_identity);
  out += '}';
  return out;
}

}  // namespace gatehouse::audit
