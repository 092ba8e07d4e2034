// The audit trail's storage: events appended beside the entities, read back by LookupEvents's
// filters newest first, pruned after 90 days, and sealed into a chain of digests
// (audit/event_digest.h; the store only keeps them). An event of a mutating call travels in the
// WriteBatch of the call's own commit (WriteBatch::audit), so that no change is stored without its
// record; the others are appended in batches by a background writer (AppendAudit). Appending is an
// upsert by (account, event id): the record written with the change is completed with the call's
// answer. A completion changes the body alone: what the event is found by (its name, user, key,
// resources) is the call's, the same in both, and a store may keep the first. An event is
// completed once: a store may keep a completion appended while its event still rode in the feed
// as final (SQLite's blocks), where another append of it would add a copy. Every store
// implements it (SQLite, PostgreSQL, memory) against one contract test suite. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/audit_entities.h"

namespace gatehouse::store {

// LookupEvents's one attribute, when given.
enum class AuditAttribute {
  kNone,
  kEventId,
  kEventName,
  kReadOnly,
  kUsername,
  kResourceType,
  kResourceName,
  kEventSource,
  kAccessKeyId
};

struct AuditQuery {
  std::string account_id;
  AuditAttribute attribute = AuditAttribute::kNone;
  std::string value;  // "true"/"false" for kReadOnly
  int64_t start_ms = 0;
  int64_t end_ms = INT64_MAX;
  int64_t before_seq = 0;  // a page after the first: only events numbered below it; 0: none
  int limit = 50;
};

struct AuditRow {
  int64_t seq = 0;  // the store's number: increasing in commit order on one engine
  model::AuditEntry entry;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Stores `entries` in one transaction; an entry whose (account, event id) is stored already
  // replaces its body and fields and keeps its number.
  virtual Status AppendAudit(const std::vector<model::AuditEntry>& entries) = 0;
  // The events `query` selects, newest (highest number) first, at most query.limit.
  virtual Result<std::vector<AuditRow>> LookupAudit(const AuditQuery& query) = 0;
  // Forgets the events older than `before_ms` and the digests that sealed only them.
  virtual Status PruneAudit(int64_t before_ms) = 0;
  // The events numbered first_seq..last_seq, in order, for sealing and verifying.
  virtual Result<std::vector<model::AuditBody>> AuditEvents(int64_t first_seq,
                                                            int64_t last_seq) = 0;
  // The highest event number stored (0 when none).
  virtual Result<int64_t> LatestAuditSeq() = 0;
  // The digests, in order.
  virtual Result<std::vector<model::AuditDigest>> AuditDigests() = 0;
  // Appends `digest`, which must chain from the last one stored (its `previous`) and begin after
  // it: kStoreConflict otherwise (another instance sealed first).
  virtual Status AppendAuditDigest(const model::AuditDigest& digest) = 0;
  // Makes what was appended durable where appends are not synced one by one (SQLite's audit
  // file, at most once a second); the recorder calls it on its rounds, quiet ones included, so
  // that a quiet server's last events do not wait for the next append. Ok elsewhere.
  virtual Status SyncAudit() { return Status::Ok(); }
};

}  // namespace gatehouse::store
