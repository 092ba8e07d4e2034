// SqliteStore: the Store on an SQLite file — WAL journal, synchronous=FULL (a committed batch
// survives kill -9 and power loss), a busy timeout for the occasional second process (the
// `gatehouse account` command), and versioned migrations applied at open. One connection,
// serialized by a mutex: writes are small and the directory answers all reads. Batches
// committed together (CommitGroup) share one transaction, so one fsync.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite_audit.h"
#include "store/sqlite_statement_cache.h"
#include "store/store.h"

namespace gatehouse::store {

class SqliteStore : public Store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it to the latest schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  // The file beside the database at `path` that its audit log lives in (store/sqlite_audit.h).
  static std::string AuditFilePath(const std::string& path);
  // Copies the audit log of the database at `source` (from its audit file, in one read
  // transaction of it) into the tables of the database file `copy` itself, where an earlier
  // version kept them: a backup in one file, which a server opening it moves out again. Nothing
  // to copy when `source` has no audit file (its log is in its own file still).
  static Status CopyAuditLogInto(const std::string& source, const std::string& copy);
  ~SqliteStore() override;

  Result<StoreData> LoadAll() override;
  Status Commit(const WriteBatch& batch) override;
  // One transaction for the group, a savepoint for each batch (a batch that renames a user
  // gets a transaction of its own: see CommitTogether).
  std::vector<Result<int64_t>> CommitGroup(const std::vector<const WriteBatch*>& batches) override;
  std::string PackAudit(const std::vector<model::AuditEntry>& events) const override;
  Result<int64_t> LatestSequence() override;
  Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) override;
  Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                             const std::vector<std::string>& keys,
                                             const std::string& owner, int64_t now_ms,
                                             int64_t lease_ms) override;
  Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                    const std::string& owner) override;
  int64_t last_commit_sequence() const override { return last_commit_sequence_; }
  // AuditLog (store/sqlite_audit.cc).
  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override;
  Result<std::vector<AuditRow>> LookupAudit(const AuditQuery& query) override;
  Status PruneAudit(int64_t before_ms) override;
  Result<std::vector<model::AuditBody>> AuditEvents(int64_t first_seq, int64_t last_seq) override;
  Result<int64_t> LatestAuditSeq() override;
  Result<std::vector<model::AuditDigest>> AuditDigests() override;
  Status AppendAuditDigest(const model::AuditDigest& digest) override;
  Status SyncAudit() override;

  int schema_version() const { return schema_version_; }

 private:
  explicit SqliteStore(sqlite3* db) : db_(db), statements_(db) {}
  // Opens the audit file's connection (store/sqlite_audit.h), which attaches the database at
  // `path` as SQLite names it (`opened_as`), and brings its layout up to date.
  Status OpenAuditLog(const std::string& path, const std::string& opened_as, int flags);
  Status Migrate();
  // Commits `batches` in one transaction, each in a savepoint of its own (under mu_).
  std::vector<Result<int64_t>> CommitTogether(const std::vector<const WriteBatch*>& batches);

  sqlite3* db_;
  // The statements of commits, reads of the feed and work claims on db_, prepared once (under
  // mu_).
  sqlite::StatementCache statements_;
  // The audit log's own connection to its file, with the database attached as "store" to read
  // the feed (store/sqlite_audit.h), under audit_mu_: the recorder's transactions never hold
  // mu_, so a commit never waits for them, nor they for a commit.
  sqlite3* audit_db_ = nullptr;
  std::mutex audit_mu_;
  // Adopts the committed events that wait and appends `entries` (under audit_mu_).
  Status AppendAuditLocked(const std::vector<model::AuditEntry>& entries);
  // Makes the audit file durable (a checkpoint, which syncs it) when something was appended
  // since the last time and that is a second old, or at once when `now` is set; advances
  // synced_mark_ when it is whole (under audit_mu_). A checkpoint another connection's reader
  // held back is tried again a second later, and is not an error.
  Status SyncAuditFile(bool now);
  sqlite::AppendStatementsPtr audit_append_;  // finalized before the connection closes
  std::chrono::steady_clock::time_point synced_at_{};
  bool appended_since_sync_ = false;
  // The feed adopted through this change number is on the disk in the audit file (whose
  // commits are not synced one by one): the feed's prune forgets the events of those changes
  // alone. Written under audit_mu_, read by commits under mu_.
  std::atomic<int64_t> synced_mark_{0};
  std::mutex mu_;
  int schema_version_ = 0;
  int64_t last_commit_sequence_ = 0;
};

}  // namespace gatehouse::store
