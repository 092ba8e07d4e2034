// Internal to store/: the SQLite audit log's reads (store/sqlite_audit.h). LookupAuditRows, which
// that header declares, is here: an EventId by the id's index or its block's time, any other
// attribute by its postings (store/audit_postings.h), newest first, within a budget of time
// after which SQLite stops the read. And what the appends and the prune read of events too.
#pragma once

#include <sqlite3.h>

#include <cstdint>

#include "store/audit_log.h"
#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {

// An event's columns, from audit_events as `e`.
inline constexpr char kEventColumns[] =
    "e.seq, e.account_id, e.event_id, e.time_ms, e.event_name, e.event_source, e.username, "
    "e.access_key_id, e.read_only, e.body";

// The event of `read`'s row (kEventColumns), without its resources.
AuditRow RowOf(const Statement& read);
// The event of `read`'s row (kEventColumns) with its resources.
AuditRow EventRow(sqlite3* db, const Statement& read);
// The highest number of an event older than `before_ms`, from the accounts' postings that
// began before it (those wholly older than it, and the events of those it cuts across).
Result<int64_t> LastNumberBefore(sqlite3* db, int64_t before_ms);

}  // namespace gatehouse::store::sqlite
