// Internal to store/: the audit log's SQL on SQLite (store/audit_log.h), called by SqliteStore
// under its lock — AppendAuditEntries also inside a commit's transaction, for the events that
// travel with their change.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <vector>

#include "store/audit_log.h"

namespace gatehouse::store::sqlite {

// The audit log's SQLite layout beside the shared schema (migration 10): postings
// (store/audit_postings.h) instead of the per-column indexes that PostgreSQL's lookups use, and
// postings for events stored before them. Idempotent: run at every open, after the migrations.
Status PrepareAuditLayout(sqlite3* db);
// When an appended event is listed in postings: at once (a batch of the recorder's), or with
// its completion (an event that travels with its change: a commit writes as little as it can,
// and the batch that completes it lists it with the rest). Until then lookups find it among the
// events awaiting postings; PrepareAuditLayout lists those a process left behind.
enum class Posting { kNow, kWithCompletion };

// The statements that append events, prepared once per connection (after PrepareAuditLayout):
// preparing them for each commit cost more than the writes they make.
struct AppendStatements;
struct AppendStatementsDeleter {
  void operator()(AppendStatements* statements) const;
};
using AppendStatementsPtr = std::unique_ptr<AppendStatements, AppendStatementsDeleter>;
Result<AppendStatementsPtr> PrepareAppendStatements(sqlite3* db);

// Upserts `entries` by (account, event id) in the open transaction and lists them in postings
// as `posting` says; an event already sealed keeps its stored body.
Status AppendAuditEntries(sqlite3* db, AppendStatements& statements,
                          const std::vector<model::AuditEntry>& entries, Posting posting);
Result<std::vector<AuditRow>> LookupAuditRows(sqlite3* db, const AuditQuery& query);
Status PruneAuditRows(sqlite3* db, int64_t before_ms);
Result<std::vector<model::AuditBody>> AuditBodies(sqlite3* db, int64_t first_seq, int64_t last_seq);
Result<int64_t> LatestAuditNumber(sqlite3* db);
Result<std::vector<model::AuditDigest>> AuditDigestRows(sqlite3* db);
Status AppendAuditDigestRow(sqlite3* db, const model::AuditDigest& digest);

}  // namespace gatehouse::store::sqlite
