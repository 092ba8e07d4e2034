// PostgresStore: the Store on a PostgreSQL database through libpq, for deployments that outgrow
// one machine. The schema is migrations.h's, in PostgreSQL's dialect (PostgresSchema); the
// migrations run under an advisory lock, so instances starting together apply each one once,
// and a database migrated by a newer gatehouse is refused. A commit is one transaction that
// first takes a transaction-scoped advisory lock — commits are serialized as SQLite's
// BEGIN IMMEDIATE serializes them, so the preconditions read the state the writes apply to —
// then, for each batch of the group (CommitGroup) in a savepoint of its own, checks the
// preconditions, writes, and appends to `changes`; one COMMIT, one WAL flush, for the group.
// A group whose batches have no preconditions is one round trip, BEGIN to COMMIT in one
// pipeline (when a batch fails, the server skips the rest, the COMMIT included, and the others
// are sent again without it); statements with parameters are prepared once per connection.
// Uniqueness is the database's (unique indexes), so racing instances get one winner. One
// connection, serialized by a mutex: writes are small and the directory answers all reads; a
// second one LISTENs for the NOTIFY each commit sends (the change feed's wake-up). A lost
// connection is re-established by the follower's thread (WaitForChange) with backoff; while the
// database cannot be reached, calls fail at once with ServiceUnavailable and Reachable() is
// false. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/pg_prepared.h"
#include "store/store.h"

struct pg_conn;

namespace gatehouse::store {

// A migration of migrations.h (written in SQL that both engines share) in PostgreSQL's
// dialect: BLOB is BYTEA, the change sequence a BIGSERIAL, and the foreign keys to a user are
// deferrable (a rename moves the user's rows in every table before they are checked).
std::string PostgresSchema(std::string_view migration);

class PostgresStore : public Store {
 public:
  // Connects with a libpq connection string or URI (postgresql://…); the password comes from
  // libpq's own places (PGPASSWORD, ~/.pgpass), never from a logged string. Migrates.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo);
  ~PostgresStore() override;

  Result<StoreData> LoadAll() override;
  Status Commit(const WriteBatch& batch) override;
  // One transaction for the group, a savepoint for each batch.
  std::vector<Result<int64_t>> CommitGroup(const std::vector<const WriteBatch*>& batches) override;
  Result<int64_t> LatestSequence() override;
  Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) override;
  Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                             const std::vector<std::string>& keys,
                                             const std::string& owner, int64_t now_ms,
                                             int64_t lease_ms) override;
  Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                    const std::string& owner) override;
  int64_t last_commit_sequence() const override { return last_commit_sequence_; }
  // AuditLog (store/pg_audit.cc).
  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override;
  Result<std::vector<AuditRow>> LookupAudit(const AuditQuery& query) override;
  Status PruneAudit(int64_t before_ms) override;
  Result<std::vector<model::AuditBody>> AuditEvents(int64_t first_seq, int64_t last_seq) override;
  Result<int64_t> LatestAuditSeq() override;
  Result<std::vector<model::AuditDigest>> AuditDigests() override;
  Status AppendAuditDigest(const model::AuditDigest& digest) override;
  // LISTENs on a connection of its own for the notification every commit sends. An
  // announcement of this store's own commits (numbered up to last_commit_sequence(), which its
  // caller applied already) does not end the wait: only another writer's does.
  bool WaitForChange(std::chrono::milliseconds timeout) override;

  bool Reachable() const override { return !down_; }

  int schema_version() const { return schema_version_; }

 private:
  explicit PostgresStore(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  Status Connect();
  Status EnsureConnected();
  // Closes conn_ for `conn` (null: none until Reconnect), forgetting what it had prepared.
  void ReplaceConnection(pg_conn* conn);
  // Replaces a lost connection, at most once per backoff (250 ms doubling to 5 s); from the
  // follower's thread (WaitForChange), never from a call.
  void Reconnect();
  Status Migrate();
  // CommitGroup's transaction (under mu_); an error when the transaction itself failed.
  Result<std::vector<Result<int64_t>>> CommitTransaction(
      const std::vector<const WriteBatch*>& batches);
  // Whether the notifications read on listen_conn_ (under listen_mu_) include one that this
  // store's commits do not account for; consumes them.
  bool AnnouncedByAnother();

  const std::string conninfo_;
  pg_conn* conn_ = nullptr;
  PreparedStatements prepared_;  // on conn_
  std::mutex mu_;
  int schema_version_ = 0;
  std::atomic<int64_t> last_commit_sequence_{0};
  std::atomic<bool> down_{false};  // the connection was lost; calls fail at once
  static constexpr std::chrono::milliseconds kMinBackoff{250};
  static constexpr std::chrono::milliseconds kMaxBackoff{5000};
  std::chrono::milliseconds backoff_{0};                // Reconnect's, on the follower's thread
  std::chrono::steady_clock::time_point next_attempt_;  // likewise
  pg_conn* listen_conn_ = nullptr;  // used by WaitForChange only, under listen_mu_
  std::mutex listen_mu_;
};

}  // namespace gatehouse::store
