// MemoryStore: the Store kept in process memory, for unit tests and whatever else needs the
// store's contract without a file or a database server; nothing survives the process. Its data
// lives in a MemoryDatabase that several MemoryStores can share, as several instances share one
// SQL database: each store has its own last_commit_sequence, any store's commit is in every
// store's change feed, and it wakes every store's WaitForChange (a condition variable, as a
// NOTIFY wakes PostgresStore's). A commit holds the database's mutex throughout — commits are
// serialized as SQLite's BEGIN IMMEDIATE serializes them — checks the batch's preconditions
// against the committed state, applies its writes with the constraints of the SQL schema
// (MemoryTables), all or nothing, and appends them to the feed, which is pruned as the SQL
// stores prune theirs. Work leases are claimed under the same mutex. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace gatehouse::store {

// The data of MemoryStores, shared by those made over it.
struct MemoryDatabase;

class MemoryStore : public Store {
 public:
  static std::shared_ptr<MemoryDatabase> NewDatabase();
  // A store over a new, empty database.
  MemoryStore();
  // A store over `database`: another instance on the same database.
  explicit MemoryStore(std::shared_ptr<MemoryDatabase> database);
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  const std::shared_ptr<MemoryDatabase>& database() const { return database_; }

  Result<StoreData> LoadAll() override;
  Status Commit(const WriteBatch& batch) override;
  Result<int64_t> LatestSequence() override;
  int64_t last_commit_sequence() const override { return last_commit_sequence_; }
  Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) override;
  Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                             const std::vector<std::string>& keys,
                                             const std::string& owner, int64_t now_ms,
                                             int64_t lease_ms) override;
  Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                    const std::string& owner) override;
  // True when a store of the database committed since this store was made or its last wait
  // returned (an announcement is kept until a wait takes it, as a NOTIFY is).
  bool WaitForChange(std::chrono::milliseconds timeout) override;
  // AuditLog (store/memory_audit.h).
  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override;
  Result<std::vector<AuditRow>> LookupAudit(const AuditQuery& query) override;
  Status PruneAudit(int64_t before_ms) override;
  Result<std::vector<model::AuditBody>> AuditEvents(int64_t first_seq, int64_t last_seq) override;
  Result<int64_t> LatestAuditSeq() override;
  Result<std::vector<model::AuditDigest>> AuditDigests() override;
  Status AppendAuditDigest(const model::AuditDigest& digest) override;

 private:
  const std::shared_ptr<MemoryDatabase> database_;
  std::atomic<int64_t> last_commit_sequence_{0};
  int64_t announced_ = 0;  // the sequence the last wait reported; under the database's mutex
};

}  // namespace gatehouse::store
