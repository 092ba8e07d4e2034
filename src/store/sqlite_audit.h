// Internal to store/: the audit log's SQL on SQLite (store/audit_log.h), called by SqliteStore
// under its lock. The events of a commit (WriteBatch::audit) ride in its row of the change feed,
// whose page every commit writes anyway (store/audit_entry_codec.h): a commit adds no page of
// the audit log's own. The next append adopts them into audit_events, numbered in commit order
// before the events it appends, and a lookup adopts first when any wait, so they are found as
// soon as their commit is.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "store/audit_log.h"

namespace gatehouse::store::sqlite {

// The audit log lives in a file of its own beside the database, on a connection of its own
// that attaches the database as the schema "store" to read the change feed: pages of 64 KiB (a
// batch of events writes a few large pages where 4 KiB pages cost a write and a checkpoint copy
// each), a write-ahead log of its own (the recorder's transactions never ride on a commit's
// sync, nor a commit on theirs), and a lock of its own (a commit never waits for the recorder).
// Its transactions are deferred: they write the audit file alone and only read the feed, so
// they never take the database's write lock. synchronous=NORMAL: its commits are not synced one
// by one; it is checkpointed, which syncs it, at most every second, and the feed forgets an
// adopted event only once a checkpoint has made it durable (SqliteStore's synced mark). Its
// tables are named as the shared schema names them (migrations 10 and 11), which the database
// no longer holds.
//
// The file of the database at `database_path` (":memory:" for an in-memory one).
std::string AuditFilePath(const std::string& database_path);
// Sets up the audit file's connection `db` (before its first table: the page size takes effect
// in a new file) and attaches the database at `store_path` as "store".
Status PrepareAuditConnection(sqlite3* db, const std::string& store_path);
// Creates the audit log's tables in `schema` (the audit file's "main"; a backup's database,
// which keeps them in one file) when they are missing.
Status CreateAuditTables(sqlite3* db, const std::string& schema);
// Copies the audit log's rows from the tables of schema `from` into those of `to`; a table
// `from` lacks is skipped, a row `to` holds already is kept. Within the caller's transaction.
Status CopyAuditTables(sqlite3* db, const std::string& from, const std::string& to);

// The audit log's SQLite layout: postings (store/audit_postings.h) instead of the per-column
// indexes that PostgreSQL's lookups use, and postings for events stored before them; the
// feed's column for the events of a commit and the mark of the feed adopted (never past the
// feed's end: a database restored beside a newer audit file numbers its commits again). A
// database of an earlier version, which keeps its audit tables, has them moved into the audit
// file: copied, then dropped from the database; a move cut short is completed at the next open
// (the copy keeps the rows it finds). Idempotent: run on the audit file's connection at every
// open, after the database's migrations.
Status PrepareAuditLayout(sqlite3* db);
// The statements that append events, prepared once per connection (after PrepareAuditLayout):
// preparing them for each commit cost more than the writes they make.
struct AppendStatements;
struct AppendStatementsDeleter {
  void operator()(AppendStatements* statements) const;
};
using AppendStatementsPtr = std::unique_ptr<AppendStatements, AppendStatementsDeleter>;
Result<AppendStatementsPtr> PrepareAppendStatements(sqlite3* db);

// Adopts the committed events that wait, then upserts `entries` by (account, event id) and lists
// the new ones in postings; an event already sealed keeps its stored body. The feed is read in
// reads of its own, each ended before the audit file's write begins (a read of the database held
// for as long as that write would keep its checkpoints from reaching the end of its log, which
// would then grow), a bounded number of rows at a time; each read's events are adopted in a
// transaction of their own, and `entries` with the last. Outside a transaction.
Status AppendAuditEntries(sqlite3* db, AppendStatements& statements,
                          const std::vector<model::AuditEntry>& entries);
// Checkpoints the audit file, which syncs it; the mark of the feed adopted, now on the disk,
// when the checkpoint copied every frame (a reader can hold some back: then kStoreConflict).
// Outside a transaction.
Result<int64_t> SyncAuditFile(sqlite3* db);
// Whether committed events wait for adoption.
Result<bool> CommittedEventsWait(sqlite3* db);
Result<std::vector<AuditRow>> LookupAuditRows(sqlite3* db, const AuditQuery& query);
Status PruneAuditRows(sqlite3* db, int64_t before_ms);
Result<std::vector<model::AuditBody>> AuditBodies(sqlite3* db, int64_t first_seq, int64_t last_seq);
Result<int64_t> LatestAuditNumber(sqlite3* db);
Result<std::vector<model::AuditDigest>> AuditDigestRows(sqlite3* db);
Status AppendAuditDigestRow(sqlite3* db, const model::AuditDigest& digest);

}  // namespace gatehouse::store::sqlite
