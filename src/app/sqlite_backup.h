// A copy of an SQLite database taken with SQLite's online backup API (sqlite3_backup_*), safe
// while a server writes it: the copy is one read transaction of the source (WAL: the server's
// commits go on meanwhile and are not in the copy), so it is consistent. The copy is written
// beside the destination first and checked — PRAGMA integrity_check, then the store's own
// LoadAll — before it takes the destination's name, so a destination that exists is always a
// whole, verified database; an existing destination is never overwritten. The audit log, which
// the server keeps in a file of its own (store/sqlite_audit.h), is copied into the copy's own
// tables after the database (one read transaction of the audit file): a commit's event is
// never missing from it, and the events of commits after the copy's may be there too. The copy
// is one self-contained file (rollback journal, not WAL) that `serve --database sqlite:PATH`
// opens as it is. Thread-safe (each call opens its own connections).
#pragma once

#include <string>

#include "app/store_digest.h"
#include "core/status.h"

namespace gatehouse::app {

// Copies the database at `source` to `destination` and verifies it; returns the copy's digest.
// NoSuchEntity when `source` is missing, EntityAlreadyExists when `destination` exists,
// ServiceFailure when the copy fails or does not verify (nothing is left at `destination`).
Result<StoreDigest> BackupSqliteDatabase(const std::string& source, const std::string& destination);

}  // namespace gatehouse::app
