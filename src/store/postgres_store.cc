#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <regex>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/crypto.h"
#include "store/change_codec.h"
#include "store/migrations.h"
#include "store/pg_audit.h"
#include "store/pg_group_commit.h"
#include "store/pg_statements.h"
#include "store/record_codec.h"

namespace gatehouse::store {
namespace {

using pg::ArrayLiteral;
using pg::Exec;
using pg::Failure;
using pg::NowMs;
using pg::PgResult;
using pg::Run;

// The key of the advisory lock that migrations take (a session lock; commits take
// pg::kCommitLock).
constexpr int64_t kMigrationLock = 0x6761746568;  // "gateh"

// libpq's notice receiver: the server's NOTICEs ("relation … already exists, skipping" at
// every start) are routine and dropped; warnings still go to stderr, as libpq's default does.
void DropNotices(void*, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr) return;
  const std::string_view level(severity);
  if (level == "NOTICE" || level == "INFO" || level == "DEBUG" || level == "LOG") return;
  std::fputs(PQresultErrorMessage(notice), stderr);
}

// Runs `sql` for every row of its result.
template <typename F>
Status ForEachRow(pg_conn* conn, const char* sql, F&& row) {
  std::unique_ptr<PgResult> r = Exec(conn, sql);
  if (!r->ok()) return Failure(*r, "load");
  for (int i = 0; i < r->rows(); ++i) row(*r, i);
  return Status::Ok();
}

}  // namespace

std::string PostgresSchema(std::string_view migration) {
  std::string sql(migration);
  sql = std::regex_replace(sql, std::regex(R"(\bBLOB\b)"), "BYTEA");
  sql = std::regex_replace(sql, std::regex(R"(\bseq INTEGER PRIMARY KEY\b)"),
                           "seq BIGSERIAL PRIMARY KEY");
  sql = std::regex_replace(sql, std::regex(R"(REFERENCES users \(account_id, name\))"),
                           "REFERENCES users (account_id, name) DEFERRABLE INITIALLY IMMEDIATE");
  sql = std::regex_replace(sql, std::regex(R"(json_extract\(body, '\$\.(\w+)'\))"),
                           "(body::json ->> '$1')");
  return sql;
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(conninfo));
  std::lock_guard lock(store->mu_);
  RETURN_IF_ERROR(store->Connect());
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

PostgresStore::~PostgresStore() {
  PQfinish(conn_);
  PQfinish(listen_conn_);
}

// Connects with the caller's URI over defaults that keep a call from hanging on a database that
// does not answer: a connect timeout and a TCP user timeout (a value in the URI wins).
pg_conn* OpenConnection(const std::string& conninfo) {
  const char* keys[] = {"connect_timeout", "tcp_user_timeout", "keepalives_idle", "dbname",
                        nullptr};
  const char* values[] = {"5", "10000", "30", conninfo.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn != nullptr) PQsetNoticeReceiver(conn, DropNotices, nullptr);
  return conn;
}

// libpq's message names the host and the reason, never the password.
std::string ConnectionError(pg_conn* conn) {
  std::string reason = conn == nullptr ? "out of memory" : PQerrorMessage(conn);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return reason;
}

Status PostgresStore::Connect() {
  pg_conn* conn = OpenConnection(conninfo_);
  if (PQstatus(conn) != CONNECTION_OK) {
    Status s(ErrorCode::kServiceFailure, "cannot connect to PostgreSQL: " + ConnectionError(conn));
    PQfinish(conn);
    return s;
  }
  // Commits must not wait forever for a lock held by a stuck transaction.
  std::unique_ptr<PgResult> r = Exec(conn, "SET lock_timeout = '10s'");
  if (!r->ok()) {
    Status s = Failure(*r, "set-up");
    PQfinish(conn);
    return s;
  }
  ReplaceConnection(conn);
  return Status::Ok();
}

void PostgresStore::ReplaceConnection(pg_conn* conn) {
  PQfinish(conn_);
  conn_ = conn;
  prepared_.Clear();
}

Status PostgresStore::EnsureConnected() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  // Calls never wait for a reconnection: the follower's thread reconnects (Reconnect), and
  // meanwhile every call fails at once.
  down_ = true;
  return Status(ErrorCode::kServiceUnavailable,
                "the database is unreachable; the server is reconnecting");
}

void PostgresStore::Reconnect() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return;
  pg_conn* conn = OpenConnection(conninfo_);  // outside the lock: calls keep failing fast
  PgResult setup(PQstatus(conn) == CONNECTION_OK ? PQexec(conn, "SET lock_timeout = '10s'")
                                                 : nullptr);
  if (PQstatus(conn) != CONNECTION_OK || !setup.ok()) {
    if (backoff_.count() == 0) {
      spdlog::warn("cannot reach PostgreSQL: {}", ConnectionError(conn));
    }
    PQfinish(conn);
    backoff_ = std::min(kMaxBackoff, std::max(kMinBackoff, backoff_ * 2));
    next_attempt_ = now + backoff_;
    return;
  }
  {
    std::lock_guard lock(mu_);
    ReplaceConnection(conn);
    down_ = false;
  }
  backoff_ = std::chrono::milliseconds(0);
  spdlog::info("reconnected to PostgreSQL");
}

Status PostgresStore::Migrate() {
  // One instance migrates at a time; the others find the work done.
  RETURN_IF_ERROR(Run(conn_, "SELECT pg_advisory_lock($1)", {std::to_string(kMigrationLock)}));
  struct Unlock {
    pg_conn* conn;
    ~Unlock() { Exec(conn, "SELECT pg_advisory_unlock($1)", {std::to_string(kMigrationLock)}); }
  } unlock{conn_};
  RETURN_IF_ERROR(Run(conn_,
                      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_ms BIGINT NOT NULL)"));
  std::unique_ptr<PgResult> current =
      Exec(conn_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current->ok()) return Failure(*current, "schema version");
  schema_version_ = static_cast<int>(current->Int(0, 0));
  if (schema_version_ > static_cast<int>(kMigrations.size())) {
    return Status(ErrorCode::kServiceFailure,
                  "the database was written by a newer gatehouse (schema version " +
                      std::to_string(schema_version_) + ")");
  }
  for (size_t v = schema_version_ + 1; v <= kMigrations.size(); ++v) {
    std::string sql = "BEGIN;" + PostgresSchema(kMigrations[v - 1]) +
                      "INSERT INTO schema_migrations (version, applied_ms) VALUES (" +
                      std::to_string(v) + ", " + std::to_string(NowMs()) + ");COMMIT;";
    PgResult r(PQexec(conn_, sql.c_str()));
    if (!r.ok()) {
      Status s = Failure(r, "migration " + std::to_string(v));
      PQclear(PQexec(conn_, "ROLLBACK"));
      return s;
    }
    schema_version_ = static_cast<int>(v);
  }
  return Status::Ok();
}

Result<StoreData> PostgresStore::LoadAll() {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  // One snapshot for every table.
  RETURN_IF_ERROR(Run(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  struct Rollback {
    pg_conn* conn;
    ~Rollback() { PQclear(PQexec(conn, "ROLLBACK")); }
  } rollback{conn_};
  StoreData data;
  using R = const PgResult&;
  RETURN_IF_ERROR(
      ForEachRow(conn_, "SELECT id, name, email, created_ms FROM accounts", [&](R r, int i) {
        data.accounts.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3)});
      }));
  RETURN_IF_ERROR(
      ForEachRow(conn_, "SELECT account_id, email, password_hash FROM root_users", [&](R r, int i) {
        data.roots.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2)});
      }));
  RETURN_IF_ERROR(ForEachRow(
      conn_, "SELECT account_id, name, path, id, created_ms FROM users", [&](R r, int i) {
        data.users.push_back(
            {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Int(i, 4), {}});
      }));
  RETURN_IF_ERROR(ForEachRow(conn_,
                             "SELECT account_id, user_name, tag_key, tag_value FROM user_tags "
                             "ORDER BY account_id, user_name, position",
                             [&](R r, int i) {
                               for (model::User& u : data.users) {
                                 if (u.account_id == r.Text(i, 0) && u.name == r.Text(i, 1)) {
                                   u.tags.push_back({r.Text(i, 2), r.Text(i, 3)});
                                 }
                               }
                             }));
  RETURN_IF_ERROR(ForEachRow(conn_,
                             "SELECT id, account_id, user_name, encode(sealed_secret, 'hex'), "
                             "status, created_ms FROM access_keys",
                             [&](R r, int i) {
                               data.access_keys.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2),
                                                           HexDecode(r.Text(i, 3)).value_or(""),
                                                           r.Text(i, 4) == "Active"
                                                               ? model::AccessKeyStatus::kActive
                                                               : model::AccessKeyStatus::kInactive,
                                                           r.Int(i, 5)});
                             }));
  RETURN_IF_ERROR(ForEachRow(
      conn_, "SELECT account_id, user_name, name, document FROM user_policies", [&](R r, int i) {
        data.user_policies.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3)});
      }));
  RETURN_IF_ERROR(
      ForEachRow(conn_, "SELECT account_id, user_name, policy_arn FROM user_attached_policies",
                 [&](R r, int i) {
                   data.user_attachments.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2)});
                 }));
  RETURN_IF_ERROR(ForEachRow(
      conn_, "SELECT token_hash, account_id, expires_ms FROM root_reset_tokens", [&](R r, int i) {
        data.root_reset_tokens.push_back({r.Text(i, 0), r.Text(i, 1), r.Int(i, 2)});
      }));
  RETURN_IF_ERROR(ForEachRow(
      conn_, "SELECT access_key_id, used_ms, service, region FROM access_key_last_used",
      [&](R r, int i) {
        data.key_usage.push_back({r.Text(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3)});
      }));
  RETURN_IF_ERROR(ForEachRow(conn_,
                             "SELECT kind, key, body FROM records ORDER BY kind COLLATE \"C\", "
                             "key COLLATE \"C\"",
                             [&](R r, int i) {
                               data.records.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2)});
                             }));
  RETURN_IF_ERROR(ForEachRow(conn_, "SELECT COALESCE(MAX(seq), 0) FROM changes",
                             [&](R r, int i) { data.sequence = r.Int(i, 0); }));
  return data;
}

Status PostgresStore::Commit(const WriteBatch& batch) { return CommitGroup({&batch})[0].status(); }

std::vector<Result<int64_t>> PostgresStore::CommitGroup(
    const std::vector<const WriteBatch*>& batches) {
  std::lock_guard lock(mu_);
  std::optional<Result<std::vector<Result<int64_t>>>> tried;
  try {
    tried.emplace(CommitTransaction(batches));
  } catch (...) {
    // A connection left inside a transaction (or a pipeline) would refuse every later commit:
    // drop it; the follower's thread reconnects.
    ReplaceConnection(nullptr);
    down_ = true;
    throw;
  }
  Result<std::vector<Result<int64_t>>>& out = *tried;
  if (!out.ok()) {
    if (conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
    return std::vector<Result<int64_t>>(batches.size(), out.status());
  }
  for (const Result<int64_t>& r : *out) {
    if (r.ok()) last_commit_sequence_ = *r;
  }
  return std::move(out).value();
}

Result<std::vector<Result<int64_t>>> PostgresStore::CommitTransaction(
    const std::vector<const WriteBatch*>& batches) {
  RETURN_IF_ERROR(EnsureConnected());
  std::vector<Result<int64_t>> out;
  if (std::all_of(batches.begin(), batches.end(), pg::Plain)) {
    bool committed = false;
    RETURN_IF_ERROR(pg::CommitAtOnce(conn_, prepared_, batches, out, &committed));
    if (committed) return out;
  } else {
    std::unique_ptr<PgResult> begun;
    RETURN_IF_ERROR(pg::RunPipelined(conn_, prepared_, pg::BeginStatements(), &begun));
  }
  RETURN_IF_ERROR(pg::CommitBatches(conn_, prepared_, batches, out));
  bool any = false;
  for (const Result<int64_t>& r : out) any = any || r.ok();
  if (!any) {
    RETURN_IF_ERROR(Run(conn_, "ROLLBACK"));
    return out;
  }
  std::unique_ptr<PgResult> ended;
  RETURN_IF_ERROR(pg::RunPipelined(conn_, prepared_, pg::CommitStatements(), &ended));
  return out;
}

Result<int64_t> PostgresStore::LatestSequence() {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  std::unique_ptr<PgResult> r = Exec(conn_, "SELECT COALESCE(MAX(seq), 0) FROM changes");
  if (!r->ok()) return Failure(*r, "sequence");
  return r->Int(0, 0);
}

Result<std::vector<Change>> PostgresStore::ChangesAfter(int64_t sequence, int64_t limit) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  std::unique_ptr<PgResult> r =
      Exec(conn_, "SELECT seq, writes FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
           {std::to_string(sequence), std::to_string(limit)});
  if (!r->ok()) return Failure(*r, "changes");
  std::vector<Change> changes;
  for (int i = 0; i < r->rows(); ++i) {
    changes.push_back(
        ReadChange(r->Int(i, 0), r->Null(i, 1) ? std::nullopt : std::optional(r->Text(i, 1))));
  }
  return changes;
}

Result<std::vector<std::string>> PostgresStore::ClaimWork(const std::string& queue,
                                                          const std::vector<std::string>& keys,
                                                          const std::string& owner, int64_t now_ms,
                                                          int64_t lease_ms) {
  if (keys.empty()) return std::vector<std::string>();
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  const std::string array = ArrayLiteral(keys);
  RETURN_IF_ERROR(Run(conn_,
                      "INSERT INTO work_leases (queue, key, owner, expires_ms) "
                      "SELECT $1, k, '', 0 FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING",
                      {queue, array}));
  // Rows another instance is claiming right now are skipped, not waited for.
  std::unique_ptr<PgResult> r =
      Exec(conn_,
           "UPDATE work_leases AS l SET owner = $3, expires_ms = $4::bigint + $5::bigint "
           "FROM (SELECT queue, key FROM work_leases WHERE queue = $1 AND key = ANY($2::text[]) "
           "AND (owner = $3 OR expires_ms <= $4::bigint) ORDER BY key FOR UPDATE SKIP LOCKED) AS c "
           "WHERE l.queue = c.queue AND l.key = c.key RETURNING l.key",
           {queue, array, owner, std::to_string(now_ms), std::to_string(lease_ms)});
  if (!r->ok()) return Failure(*r, "claim");
  std::vector<std::string> claimed;
  for (int i = 0; i < r->rows(); ++i) claimed.push_back(r->Text(i, 0));
  return claimed;
}

Status PostgresStore::FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                                 const std::string& owner) {
  if (keys.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return Run(conn_,
             "DELETE FROM work_leases WHERE queue = $1 AND key = ANY($2::text[]) AND owner = $3",
             {queue, ArrayLiteral(keys), owner});
}

bool PostgresStore::AnnouncedByAnother() {
  int64_t highest = 0;
  bool unnumbered = false;
  while (PGnotify* n = PQnotifies(listen_conn_)) {
    const std::string_view payload(n->extra);
    int64_t number = 0;
    const auto [end, error] =
        std::from_chars(payload.data(), payload.data() + payload.size(), number);
    if (error != std::errc() || end != payload.data() + payload.size()) unnumbered = true;
    highest = std::max(highest, number);
    PQfreemem(n);
  }
  if (unnumbered) return true;
  if (highest == 0) return false;
  if (highest <= last_commit_sequence_) return false;
  // The announcement may be of this store's commit whose answer is still being read: wait for
  // the commit under way, if any, before deciding.
  { std::lock_guard lock(mu_); }
  return highest > last_commit_sequence_;
}

bool PostgresStore::WaitForChange(std::chrono::milliseconds timeout) {
  if (down_) Reconnect();
  std::lock_guard lock(listen_mu_);
  if (listen_conn_ == nullptr || PQstatus(listen_conn_) != CONNECTION_OK) {
    PQfinish(listen_conn_);
    listen_conn_ = OpenConnection(conninfo_);
    PgResult listen(PQexec(listen_conn_, ("LISTEN " + std::string(pg::kChannel)).c_str()));
    if (PQstatus(listen_conn_) != CONNECTION_OK || !listen.ok()) {
      // The database is away: wait, and let the caller poll when it is back.
      std::this_thread::sleep_for(timeout);
      return false;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // A lost connection ends the wait: the caller polls, and the next call listens again.
    if (PQconsumeInput(listen_conn_) != 1) return false;
    if (AnnouncedByAnother()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{PQsocket(listen_conn_), POLLIN, 0};
    if (fd.fd < 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
  }
}

// The audit log (store/pg_audit.cc), on the store's connection under its lock.
Status PostgresStore::AppendAudit(const std::vector<model::AuditEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  std::vector<pg::Sql> statements = {{"BEGIN"}};
  pg::AppendAuditStatements(entries, statements);
  statements.push_back({"COMMIT"});
  std::unique_ptr<pg::PgResult> last;
  Status s = pg::RunPipelined(conn_, prepared_, statements, &last);
  if (!s.ok()) (void)pg::Run(conn_, "ROLLBACK");
  return s;
}

Result<std::vector<AuditRow>> PostgresStore::LookupAudit(const AuditQuery& query) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::LookupAuditRows(conn_, query);
}

Status PostgresStore::PruneAudit(int64_t before_ms) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::PruneAuditRows(conn_, before_ms);
}

Result<std::vector<model::AuditBody>> PostgresStore::AuditEvents(int64_t first_seq,
                                                                 int64_t last_seq) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::AuditBodies(conn_, first_seq, last_seq);
}

Result<int64_t> PostgresStore::LatestAuditSeq() {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::LatestAuditNumber(conn_);
}

Result<std::vector<model::AuditDigest>> PostgresStore::AuditDigests() {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::AuditDigestRows(conn_);
}

Status PostgresStore::AppendAuditDigest(const model::AuditDigest& digest) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return pg::AppendAuditDigestRow(conn_, digest);
}

}  // namespace gatehouse::store
