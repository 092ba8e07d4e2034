#include "services/cloudtrail/event_lookup.h"

#include <cmath>
#include <utility>

#include "core/crypto.h"
#include "core/time_format.h"
#include "services/page_markers.h"

namespace gatehouse::services::cloudtrail {
namespace {

using nlohmann::json;

struct AttributeName {
  std::string_view key;
  store::AuditAttribute attribute;
};
constexpr AttributeName kAttributes[] = {
    {"EventId", store::AuditAttribute::kEventId},
    {"EventName", store::AuditAttribute::kEventName},
    {"ReadOnly", store::AuditAttribute::kReadOnly},
    {"Username", store::AuditAttribute::kUsername},
    {"ResourceType", store::AuditAttribute::kResourceType},
    {"ResourceName", store::AuditAttribute::kResourceName},
    {"EventSource", store::AuditAttribute::kEventSource},
    {"AccessKeyId", store::AuditAttribute::kAccessKeyId},
};

Status InvalidAttributes(std::string message) {
  return Status(ErrorCode::kInvalidLookupAttributes, std::move(message));
}

// Epoch milliseconds of a Date member (epoch seconds, maybe fractional, on the wire).
std::optional<int64_t> TimeMember(const json& input, const char* name) {
  auto it = input.find(name);
  if (it == input.end() || !it->is_number()) return std::nullopt;
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) return -1;
  return static_cast<int64_t>(seconds * 1000.0);
}

Status ReadAttribute(const json& input, store::AuditQuery& query) {
  auto list = input.find("LookupAttributes");
  if (list == input.end() || !list->is_array() || list->empty()) return Status();
  if (list->size() > 1) {
    return InvalidAttributes("You can only specify one lookup attribute in a request.");
  }
  const json& item = list->front();
  const std::string key = item.value("AttributeKey", "");
  const std::string value = item.value("AttributeValue", "");
  for (const AttributeName& a : kAttributes) {
    if (a.key == key) query.attribute = a.attribute;
  }
  if (query.attribute == store::AuditAttribute::kNone) {
    return InvalidAttributes("The lookup attribute key " + key + " is not valid.");
  }
  if (query.attribute == store::AuditAttribute::kReadOnly && value != "true" && value != "false") {
    return InvalidAttributes("The value of the ReadOnly lookup attribute must be true or false.");
  }
  query.value = value;
  return Status();
}

// What a page token is bound to: the query's parameters as the caller gave them.
std::string Fingerprint(const store::AuditQuery& query) {
  const std::string text =
      query.account_id + '\n' + std::to_string(static_cast<int>(query.attribute)) + '\n' +
      query.value + '\n' + std::to_string(query.start_ms) + '\n' + std::to_string(query.end_ms);
  return HexEncode(Sha256(text)).substr(0, 16);
}

Status ReadPageKey(const json& input, store::AuditQuery& query) {
  auto token = input.find("NextToken");
  if (token == input.end() || !token->is_string()) return Status();
  const std::string key = token->get<std::string>();
  const size_t colon = key.find(':');
  int64_t seq = 0;
  bool numeric = colon != std::string::npos && colon > 0 && colon <= 18;
  for (size_t i = 0; numeric && i < colon; ++i) {
    if (key[i] < '0' || key[i] > '9') numeric = false;
    seq = seq * 10 + (key[i] - '0');
  }
  if (!numeric || seq <= 0 || key.substr(colon + 1) != Fingerprint(query)) {
    return Status(ErrorCode::kInvalidNextToken, kInvalidNextTokenMessage);
  }
  query.before_seq = seq;
  return Status();
}

}  // namespace

Result<store::AuditQuery> ReadLookupQuery(const json& input, const std::string& account_id) {
  store::AuditQuery query;
  query.account_id = account_id;
  RETURN_IF_ERROR(ReadAttribute(input, query));
  const std::optional<int64_t> start = TimeMember(input, "StartTime");
  const std::optional<int64_t> end = TimeMember(input, "EndTime");
  if ((start && *start < 0) || (end && *end < 0)) {
    return Status(ErrorCode::kInvalidTimeRange, "The time range is not valid.");
  }
  if (start && end && *start > *end) {
    return Status(ErrorCode::kInvalidTimeRange, "The start time must be before the end time.");
  }
  if (start) query.start_ms = *start;
  // An end of a whole second includes that second's events (records keep whole seconds).
  if (end) query.end_ms = *end / 1000 * 1000 + 999;
  query.limit = input.value("MaxResults", kMaxLookupResults);
  if (query.limit < 1 || query.limit > kMaxLookupResults) {
    return Status(ErrorCode::kInvalidMaxResults, "MaxResults must be between 1 and 50.");
  }
  RETURN_IF_ERROR(ReadPageKey(input, query));
  return query;
}

std::string NextPageKey(const store::AuditQuery& query, int64_t last_seq) {
  return std::to_string(last_seq) + ":" + Fingerprint(query);
}

json LookupEventJson(const store::AuditRow& row) {
  const model::AuditEntry& e = row.entry;
  json event = {{"EventId", e.event_id},
                {"EventName", e.event_name},
                {"ReadOnly", e.read_only ? "true" : "false"},
                {"EventTime", FormatIsoTime(e.time_ms)},
                {"EventSource", e.event_source},
                {"CloudTrailEvent", e.body}};
  if (!e.access_key_id.empty()) event["AccessKeyId"] = e.access_key_id;
  if (!e.username.empty()) event["Username"] = e.username;
  json resources = json::array();
  for (const auto& [type, name] : e.resources) {
    resources.push_back({{"ResourceType", type}, {"ResourceName", name}});
  }
  event["Resources"] = std::move(resources);
  return event;
}

}  // namespace gatehouse::services::cloudtrail
