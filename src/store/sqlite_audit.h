// Internal to store/: the audit log's SQL on SQLite (store/audit_log.h), called by SqliteStore
// under its lock. The events of a commit (WriteBatch::audit) ride in its row of the change feed,
// whose page every commit writes anyway (store/audit_entry_codec.h): a commit adds no page of
// the audit log's own. The next append adopts them into audit_events, numbered in commit order
// before the events it appends, and a lookup adopts first when any wait, so they are found as
// soon as their commit is.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <vector>

#include "store/audit_log.h"

namespace gatehouse::store::sqlite {

// The audit log's SQLite layout beside the shared schema (migration 10): postings
// (store/audit_postings.h) instead of the per-column indexes that PostgreSQL's lookups use, and
// postings for events stored before them; the feed's column for the events of a commit and the
// mark of the feed adopted. Idempotent: run at every open, after the migrations.
Status PrepareAuditLayout(sqlite3* db);
// The statements that append events, prepared once per connection (after PrepareAuditLayout):
// preparing them for each commit cost more than the writes they make.
struct AppendStatements;
struct AppendStatementsDeleter {
  void operator()(AppendStatements* statements) const;
};
using AppendStatementsPtr = std::unique_ptr<AppendStatements, AppendStatementsDeleter>;
Result<AppendStatementsPtr> PrepareAppendStatements(sqlite3* db);

// In the open transaction: adopts the committed events that wait, then upserts `entries` by
// (account, event id) and lists the new ones in postings; an event already sealed keeps its
// stored body.
Status AppendAuditEntries(sqlite3* db, AppendStatements& statements,
                          const std::vector<model::AuditEntry>& entries);
// Whether committed events wait for adoption.
Result<bool> CommittedEventsWait(sqlite3* db);
Result<std::vector<AuditRow>> LookupAuditRows(sqlite3* db, const AuditQuery& query);
Status PruneAuditRows(sqlite3* db, int64_t before_ms);
Result<std::vector<model::AuditBody>> AuditBodies(sqlite3* db, int64_t first_seq, int64_t last_seq);
Result<int64_t> LatestAuditNumber(sqlite3* db);
Result<std::vector<model::AuditDigest>> AuditDigestRows(sqlite3* db);
Status AppendAuditDigestRow(sqlite3* db, const model::AuditDigest& digest);

}  // namespace gatehouse::store::sqlite
