// SqliteStore's audit log (store/audit_log.h): its own file and connection, opened with the
// store, and the AuditLog calls on them (the SQL is store/sqlite_audit.cc's).
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "store/sqlite_audit.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace gatehouse::store {

using sqlite::Failure;
using sqlite::Run;
using sqlite::Statement;

namespace {

// Creates the audit file with the database file's permissions when it is missing, as SQLite
// gives a database's journals its own: the trail is as private as the store, whatever the
// process's umask (SQLite then gives the audit file's journals the same).
Status CreateLike(const std::string& audit_path, const std::string& database_path) {
  struct stat database;
  if (::stat(database_path.c_str(), &database) != 0) return Status::Ok();  // in memory
  const int fd =
      ::open(audit_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, database.st_mode & 0777);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status(ErrorCode::kServiceFailure,
                  "cannot create " + audit_path + ": " + std::strerror(errno));
  }
  // open() applies the umask: the mode is set again, exactly.
  const int changed = ::fchmod(fd, database.st_mode & 0777);
  ::close(fd);
  if (changed != 0) {
    return Status(ErrorCode::kServiceFailure,
                  "cannot set the mode of " + audit_path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

Status SqliteStore::OpenAuditLog(const std::string& path, const std::string& opened_as, int flags) {
  const std::string audit_path = sqlite::AuditFilePath(path);
  RETURN_IF_ERROR(CreateLike(audit_path, path));
  const int rc = sqlite3_open_v2(audit_path.c_str(), &audit_db_, flags, nullptr);
  if (rc != SQLITE_OK) return Failure(audit_db_, "cannot open " + audit_path);
  sqlite3_busy_timeout(audit_db_, 5000);
  RETURN_IF_ERROR(sqlite::PrepareAuditConnection(audit_db_, opened_as));
  RETURN_IF_ERROR(sqlite::PrepareAuditLayout(audit_db_));
  ASSIGN_OR_RETURN(audit_append_, sqlite::PrepareAppendStatements(audit_db_));
  if (Status s = SyncAuditFile(true); !s.ok()) {
    spdlog::warn("audit: syncing the audit file: {}", s.message());
  }
  return Status::Ok();
}

std::string SqliteStore::AuditFilePath(const std::string& path) {
  return sqlite::AuditFilePath(path);
}

Status SqliteStore::CopyAuditLogInto(const std::string& source, const std::string& copy) {
  const std::string audit = sqlite::AuditFilePath(source);
  if (!std::filesystem::is_regular_file(audit)) return Status::Ok();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(copy.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) return Failure(raw, "cannot open " + copy);
  sqlite3_busy_timeout(raw, 10000);
  Statement attach(raw, "ATTACH DATABASE ? AS trail");
  attach.Bind(1, audit);
  RETURN_IF_ERROR(Run(raw, attach));
  if (sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(raw, "begin");
  }
  Status s = sqlite::CreateAuditTables(raw, "main");
  if (s.ok()) s = sqlite::CopyAuditTables(raw, "trail", "main");
  if (s.ok() && sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    s = Failure(raw, "commit");
  }
  if (!s.ok()) sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

// The audit log (store/sqlite_audit.cc), on its own connection under its own lock.
Status SqliteStore::AppendAudit(const std::vector<model::AuditEntry>& entries) {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return AppendAuditLocked(entries);
}

Status SqliteStore::AppendAuditLocked(const std::vector<model::AuditEntry>& entries) {
  // Writes the audit file alone (store/sqlite_audit.h): its sync never holds up a commit's.
  Status s = sqlite::AppendAuditEntries(audit_db_, *audit_append_, entries);
  if (!s.ok()) return s;
  appended_since_sync_ = true;
  // A failed sync is tried again at the next append or round: the events are stored.
  if (Status synced = SyncAuditFile(false); !synced.ok()) {
    spdlog::warn("audit: syncing the audit file: {}", synced.message());
  }
  return Status::Ok();
}

Status SqliteStore::SyncAuditFile(bool now) {
  const auto at = std::chrono::steady_clock::now();
  if (!now && (!appended_since_sync_ || at - synced_at_ < std::chrono::seconds(1))) {
    return Status::Ok();
  }
  synced_at_ = at;
  Result<int64_t> mark = sqlite::SyncAuditFile(audit_db_);
  if (!mark.ok()) {
    appended_since_sync_ = true;  // tried again a second later
    // A reader on another connection (a lookup, an operator's command opening the store while
    // the server runs) held part of the log back: nothing is wrong, and nothing to report.
    return mark.status().code() == ErrorCode::kStoreConflict ? Status::Ok() : mark.status();
  }
  synced_mark_ = std::max(synced_mark_.load(), *mark);
  appended_since_sync_ = false;
  return Status::Ok();
}

Status SqliteStore::SyncAudit() {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return SyncAuditFile(false);
}

Result<std::vector<AuditRow>> SqliteStore::LookupAudit(const AuditQuery& query) {
  std::lock_guard<std::mutex> lock(audit_mu_);
  // Events committed since the last append are found as soon as their commit is.
  ASSIGN_OR_RETURN(bool waiting, sqlite::CommittedEventsWait(audit_db_));
  if (waiting) RETURN_IF_ERROR(AppendAuditLocked({}));
  return sqlite::LookupAuditRows(audit_db_, query);
}

Status SqliteStore::PruneAudit(int64_t before_ms) {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return sqlite::PruneAuditRows(audit_db_, before_ms);
}

Result<std::vector<model::AuditBody>> SqliteStore::AuditEvents(int64_t first_seq,
                                                               int64_t last_seq) {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return sqlite::AuditBodies(audit_db_, first_seq, last_seq);
}

Result<int64_t> SqliteStore::LatestAuditSeq() {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return sqlite::LatestAuditNumber(audit_db_);
}

Result<std::vector<model::AuditDigest>> SqliteStore::AuditDigests() {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return sqlite::AuditDigestRows(audit_db_);
}

Status SqliteStore::AppendAuditDigest(const model::AuditDigest& digest) {
  std::lock_guard<std::mutex> lock(audit_mu_);
  return sqlite::AppendAuditDigestRow(audit_db_, digest);
}

}  // namespace gatehouse::store
