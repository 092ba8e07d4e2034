// One event as CloudTrail records it (eventVersion 1.09): an API call (AwsApiCall), a console
// sign-in or its failure (AwsConsoleSignIn), or the service's own work (AwsServiceEvent). The
// caller fills AuditCall with what happened — the user identity, the redacted request and
// response (event_elements.h) — and CloudTrailRecord writes it out. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::audit {

inline constexpr char kEventVersion[] = "1.09";

// A resource an event names, as LookupEvents answers it: ("AWS::IAM::User", "alice"). The
// record's own resources element lists only those named by ARN (a role assumed, a policy
// attached), as CloudTrail's does, each with the account of its ARN.
struct EventResource {
  std::string type;
  std::string name;
  std::string arn = "";         // "" when the call named the resource by name or id only
  std::string account_id = "";  // the ARN's account
};

struct AuditCall {
  std::string event_id;    // a UUID
  std::string request_id;  // "" for a console sign-in, which has none
  int64_t time_ms = 0;
  std::string service;     // "iam", "sts", "organizations", "signin", "cloudtrail"
  std::string event_name;  // "CreateUser", "ConsoleLogin"
  std::string region = "us-east-1";
  std::string source_ip;
  std::string user_agent;
  std::string user_identity;                // user_identity.h: canonical JSON text
  std::string request_parameters = "null";  // canonical JSON text (event_elements.h)
  std::string response_elements = "null";   // likewise
  nlohmann::json additional_event_data;     // null when none
  std::string error_code;                   // "" when the call succeeded
  std::string error_message;
  bool read_only = false;
  std::string event_type = "AwsApiCall";  // "AwsConsoleSignIn", "AwsServiceEvent"
  std::string recipient_account;          // whose event history holds it
  std::string shared_event_id;            // the same for both accounts' copies; "" when one
  std::vector<EventResource> resources;
};

// "iam" → "iam.amazonaws.com".
std::string EventSource(std::string_view service);

// The text of the members of a record that completing its call keeps: all but errorCode,
// errorMessage, omitted, responseElements and userIdentity, in the runs those fall between.
// Written once when a mutating call's event opens, for both of its records.
struct RecordFrame {
  // The runs one after another: "{", additionalEventData and awsRegion up to head_end;
  // eventCategory … managementEvent up to middle_end; readOnly … requestParameters and
  // resources up to request_end; sharedEventID, sourceIPAddress and userAgent to the end.
  std::string text;
  size_t head_end = 0, middle_end = 0, request_end = 0;
  bool request_omitted = false;  // requestParameters was too large to record
};
RecordFrame FrameOf(const AuditCall& call);

// The record's JSON in its canonical form, which the digests hash (event_digest.h): compact,
// members sorted by name, as nlohmann's dump of the parsed record writes it (invalid UTF-8
// replaced). Written out directly: a record is made for every call, and building it as a tree
// first cost more than the call it records.
std::string CloudTrailRecord(const AuditCall& call);
// The same, its kept members taken from `frame` (FrameOf the call as it opened).
std::string CloudTrailRecord(const AuditCall& call, const RecordFrame& frame);

}  // namespace gatehouse::audit
