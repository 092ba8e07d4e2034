// One event of the audit trail as the store keeps it: the CloudTrail record (audit/) as JSON,
// and beside it the fields LookupEvents filters on, so that a lookup reads an index instead of
// every body. An event belongs to one account's history (recipientAccountId); a cross-account
// call is two entries with one sharedEventID. Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::model {

struct AuditEntry {
  std::string event_id;    // the record's eventID: unique within an account's history
  std::string account_id;  // recipientAccountId
  int64_t time_ms = 0;     // eventTime
  std::string event_name;
  std::string event_source;
  std::string username;       // as LookupEvents shows it: the user, role or session name
  std::string access_key_id;  // "" when none signed the call
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> resources;  // (ResourceType, ResourceName)
  std::string body;                                            // the CloudTrail record
};

// An event's number and body, as the chain of digests covers it (audit/event_digest.h).
struct AuditBody {
  int64_t seq = 0;   // the store's number: increasing, no two alike
  std::string body;  // the CloudTrail record's JSON as stored
};

// One sealed batch of events: those numbered first_seq..last_seq (that exist), chained.
struct AuditDigest {
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  std::string previous;        // the digest before it (audit::kGenesisDigest for the first)
  std::string digest;          // hex SHA-256
  std::string signature = "";  // base64 Ed25519 (audit/digest_signature.h); "" when unsigned
};

}  // namespace gatehouse::model
