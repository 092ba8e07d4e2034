#include "app/sqlite_backup.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "store/sqlite_store.h"

namespace gatehouse::app {
namespace {

constexpr int kBusyTimeoutMs = 10000;

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseDatabase>;

Status Failure(const std::string& what, sqlite3* db) {
  return Status(ErrorCode::kServiceFailure,
                what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Result<Connection> OpenConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return Failure("cannot open " + path, raw);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

// Copies every page of `source` into `destination` in one step, that is in one read transaction
// of the source: in WAL mode a server's commits go on meanwhile (a copy taken a few pages at a
// time would start again after each of them, and might never end under a steady write load).
Status CopyPages(sqlite3* source, sqlite3* destination) {
  sqlite3_backup* backup = sqlite3_backup_init(destination, "main", source, "main");
  if (backup == nullptr) return Failure("backup", destination);
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Failure("backup", destination);
  return Status::Ok();
}

// Runs `sql` on `db` and returns the first column of each row.
Result<std::vector<std::string>> Rows(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return Failure(sql, db);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  std::vector<std::string> rows;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  if (rc != SQLITE_DONE) return Failure(sql, db);
  return rows;
}

// The copy in one file, and whole by SQLite's own check.
Status FinishAndCheck(const std::string& path) {
  Result<Connection> db = OpenConnection(path, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return db.status();
  Result<std::vector<std::string>> mode = Rows(db->get(), "PRAGMA journal_mode=DELETE");
  if (!mode.ok()) return mode.status();
  Result<std::vector<std::string>> check = Rows(db->get(), "PRAGMA integrity_check");
  if (!check.ok()) return check.status();
  if (check->size() != 1 || check->front() != "ok") {
    return Status(ErrorCode::kServiceFailure,
                  "the copy fails PRAGMA integrity_check: " +
                      (check->empty() ? std::string("no answer") : check->front()));
  }
  return Status::Ok();
}

// The copy as the store reads it.
Result<StoreDigest> LoadAndDigest(const std::string& path) {
  Result<std::unique_ptr<store::SqliteStore>> copy = store::SqliteStore::Open(path);
  if (!copy.ok()) return copy.status();
  Result<store::StoreData> data = (*copy)->LoadAll();
  if (!data.ok()) return data.status();
  return DigestStoreData(*data);
}

// The files of one SQLite database: itself and its journals.
void RemoveFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

// A store's database and its audit file.
void RemoveDatabaseFiles(const std::string& path) {
  RemoveFiles(path);
  RemoveFiles(store::SqliteStore::AuditFilePath(path));
}

Result<StoreDigest> CopyAndVerify(const std::string& source, const std::string& partial) {
  Result<Connection> from = OpenConnection(source, SQLITE_OPEN_READWRITE);
  if (!from.ok()) return from.status();
  Result<Connection> to = OpenConnection(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!to.ok()) return to.status();
  RETURN_IF_ERROR(CopyPages(from->get(), to->get()));
  to->reset();
  from->reset();
  Result<StoreDigest> digest = LoadAndDigest(partial);
  if (!digest.ok()) return digest.status();
  // Loading gave the copy an empty audit file: its log comes from the source's, into the copy.
  RemoveFiles(store::SqliteStore::AuditFilePath(partial));
  RETURN_IF_ERROR(store::SqliteStore::CopyAuditLogInto(source, partial));
  RETURN_IF_ERROR(FinishAndCheck(partial));
  return digest;
}

}  // namespace

Result<StoreDigest> BackupSqliteDatabase(const std::string& source,
                                         const std::string& destination) {
  if (!std::filesystem::is_regular_file(source)) {
    return Status(ErrorCode::kNoSuchEntity, "no gatehouse database at " + source);
  }
  if (std::filesystem::exists(destination)) {
    return Status(ErrorCode::kEntityAlreadyExists,
                  destination + " exists: a backup never overwrites a file");
  }
  const std::string partial = destination + ".partial-" + std::to_string(::getpid());
  RemoveDatabaseFiles(partial);
  Result<StoreDigest> digest = CopyAndVerify(source, partial);
  if (digest.ok()) {
    // A hard link fails when the destination appeared meanwhile: never overwrites.
    std::error_code ec;
    std::filesystem::create_hard_link(partial, destination, ec);
    if (ec) {
      digest =
          Status(ErrorCode::kServiceFailure, "cannot create " + destination + ": " + ec.message());
    }
  }
  RemoveDatabaseFiles(partial);
  return digest;
}

}  // namespace gatehouse::app
