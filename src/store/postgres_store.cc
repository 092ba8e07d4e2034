#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
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
#include "store/pg_prepared.h"
#include "store/precondition_check.h"
#include "store/record_codec.h"

namespace gatehouse::store {
namespace {

// The key of the advisory locks: migrations (session lock) and commits (transaction lock).
constexpr int64_t kMigrationLock = 0x6761746568;  // "gateh"
constexpr int64_t kCommitLock = 0x6761746569;
// The channel each commit NOTIFYs.
constexpr std::string_view kChannel = "gatehouse_changes";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One statement's result, cleared on scope exit.
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result) {}
  ~PgResult() { PQclear(result_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  bool ok() const {
    ExecStatusType s = PQresultStatus(result_);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  std::string sqlstate() const {
    const char* s = PQresultErrorField(result_, PG_DIAG_SQLSTATE);
    return s == nullptr ? "" : s;
  }
  std::string error() const {
    const char* s = PQresultErrorField(result_, PG_DIAG_MESSAGE_PRIMARY);
    return s == nullptr ? PQresStatus(PQresultStatus(result_)) : s;
  }
  PGresult* get() const { return result_; }
  int rows() const { return PQntuples(result_); }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(result_, row, col), PQgetlength(result_, row, col));
  }
  int64_t Int(int row, int col) const { return std::stoll(Text(row, col)); }
  bool Null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
  int64_t affected() const {
    const char* n = PQcmdTuples(result_);
    return n[0] == '\0' ? 0 : std::stoll(n);
  }

 private:
  PGresult* result_;
};

// Runs `sql` with text parameters ($1, $2 …).
std::unique_ptr<PgResult> Exec(pg_conn* conn, const char* sql,
                               const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const std::string& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(static_cast<int>(p.size()));
  }
  return std::make_unique<PgResult>(PQexecParams(conn, sql, static_cast<int>(params.size()),
                                                 nullptr, values.data(), lengths.data(), nullptr,
                                                 0));
}

// A failed statement as a Status: a unique or foreign-key violation is EntityAlreadyExists (as
// in SqliteStore), a serialization failure or deadlock a conflict the caller runs again, the
// rest ServiceFailure.
Status Failure(const PgResult& r, const std::string& what) {
  const std::string state = r.sqlstate();
  if (state.starts_with("23")) return Status(ErrorCode::kEntityAlreadyExists, r.error());
  if (state == "40001" || state == "40P01") {
    return Status(ErrorCode::kStoreConflict, "precondition failed: " + r.error());
  }
  return Status(ErrorCode::kServiceFailure, what + ": " + r.error());
}

Status Run(pg_conn* conn, const char* sql, const std::vector<std::string>& params = {}) {
  std::unique_ptr<PgResult> r = Exec(conn, sql, params);
  return r->ok() ? Status::Ok() : Failure(*r, "write");
}

std::string KeyStatus(model::AccessKeyStatus status) {
  return status == model::AccessKeyStatus::kActive ? "Active" : "Inactive";
}

// One statement of a batch's writes, with its text parameters ($1, $2 …).
struct Sql {
  std::string text;
  std::vector<std::string> params = {};
  // Spending a password-reset token: NoSuchEntity when the statement changed no row.
  bool must_change = false;
};

void UpdateUserRows(const UpdateUser& w, std::vector<Sql>& out) {
  out.push_back({"SET CONSTRAINTS ALL DEFERRED"});
  out.push_back({"UPDATE users SET name = $1, path = $2 WHERE account_id = $3 AND name = $4",
                 {w.new_name, w.new_path, w.account_id, w.name}});
  for (const char* table :
       {"access_keys", "user_policies", "user_attached_policies", "user_tags"}) {
    out.push_back({std::string("UPDATE ") + table +
                       " SET user_name = $1 WHERE account_id = $2 AND user_name = $3",
                   {w.new_name, w.account_id, w.name}});
  }
}

void SetTags(const SetUserTags& w, std::vector<Sql>& out) {
  out.push_back({"DELETE FROM user_tags WHERE account_id = $1 AND user_name = $2",
                 {w.account_id, w.user_name}});
  for (size_t i = 0; i < w.tags.size(); ++i) {
    out.push_back(
        {"INSERT INTO user_tags (account_id, user_name, position, tag_key, "
         "tag_value) VALUES ($1, $2, $3, $4, $5)",
         {w.account_id, w.user_name, std::to_string(i), w.tags[i].key, w.tags[i].value}});
  }
}

void SpendResetToken(const ResetRootPassword& w, std::vector<Sql>& out) {
  out.push_back({"DELETE FROM root_reset_tokens WHERE token_hash = $1 AND account_id = $2",
                 {w.token_hash, w.account_id},
                 /*must_change=*/true});
  out.push_back({"DELETE FROM root_reset_tokens WHERE account_id = $1", {w.account_id}});
  out.push_back({"UPDATE root_users SET password_hash = $1 WHERE account_id = $2",
                 {w.password_hash, w.account_id}});
}

// The batch's writes of the generic records (record_kinds.def).
template <typename T>
Sql PutRecord(const Put<T>& w) {
  return {w.create ? "INSERT INTO records (kind, key, body) VALUES ($1, $2, $3)"
                   : "INSERT INTO records (kind, key, body) VALUES ($1, $2, $3) "
                     "ON CONFLICT (kind, key) DO UPDATE SET body = EXCLUDED.body",
          {RecordKind<T>::kName, w.value.Key(), EncodeRecord(w.value)}};
}

// The statements that make `write`, appended to `out`.
void AppendStatements(const Write& write, std::vector<Sql>& out) {
  std::visit(
      [&out](const auto& w) {
        using T = std::decay_t<decltype(w)>;
        if constexpr (IsPut<T>::value) {
          out.push_back(PutRecord(w));
        } else if constexpr (IsErase<T>::value) {
          out.push_back({"DELETE FROM records WHERE kind = $1 AND key = $2",
                         {RecordKind<typename T::Type>::kName, w.key}});
        } else if constexpr (std::is_same_v<T, InsertAccount>) {
          out.push_back({"INSERT INTO accounts (id, name, email, created_ms) VALUES ($1,$2,$3,$4)",
                         {w.account.id, w.account.name, w.account.email,
                          std::to_string(w.account.created_ms)}});
        } else if constexpr (std::is_same_v<T, InsertRootUser>) {
          out.push_back(
              {"INSERT INTO root_users (account_id, email, password_hash) "
               "VALUES ($1,$2,$3)",
               {w.root.account_id, w.root.email, w.root.password_hash}});
        } else if constexpr (std::is_same_v<T, InsertUser>) {
          out.push_back(
              {"INSERT INTO users (account_id, name, path, id, created_ms) "
               "VALUES ($1,$2,$3,$4,$5)",
               {w.user.account_id, w.user.name, w.user.path, w.user.id,
                std::to_string(w.user.created_ms)}});
        } else if constexpr (std::is_same_v<T, DeleteUser>) {
          out.push_back(
              {"DELETE FROM users WHERE account_id = $1 AND name = $2", {w.account_id, w.name}});
        } else if constexpr (std::is_same_v<T, UpdateUser>) {
          UpdateUserRows(w, out);
        } else if constexpr (std::is_same_v<T, SetUserTags>) {
          SetTags(w, out);
        } else if constexpr (std::is_same_v<T, InsertAccessKey>) {
          out.push_back(
              {"INSERT INTO access_keys (id, account_id, user_name, sealed_secret, "
               "status, created_ms) VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6)",
               {w.key.id, w.key.account_id, w.key.user_name, HexEncode(w.key.sealed_secret),
                KeyStatus(w.key.status), std::to_string(w.key.created_ms)}});
        } else if constexpr (std::is_same_v<T, DeleteAccessKey>) {
          out.push_back({"DELETE FROM access_key_last_used WHERE access_key_id = $1", {w.id}});
          out.push_back({"DELETE FROM access_keys WHERE id = $1", {w.id}});
        } else if constexpr (std::is_same_v<T, SetAccessKeyStatus>) {
          out.push_back(
              {"UPDATE access_keys SET status = $1 WHERE id = $2", {KeyStatus(w.status), w.id}});
        } else if constexpr (std::is_same_v<T, SetAccessKeyLastUsed>) {
          out.push_back(
              {"INSERT INTO access_key_last_used (access_key_id, used_ms, service, "
               "region) VALUES ($1,$2,$3,$4) ON CONFLICT (access_key_id) DO UPDATE SET "
               "used_ms = EXCLUDED.used_ms, service = EXCLUDED.service, "
               "region = EXCLUDED.region",
               {w.usage.access_key_id, std::to_string(w.usage.used_ms), w.usage.service,
                w.usage.region}});
        } else if constexpr (std::is_same_v<T, InsertRootResetToken>) {
          out.push_back(
              {"INSERT INTO root_reset_tokens (token_hash, account_id, expires_ms) "
               "VALUES ($1,$2,$3)",
               {w.token.token_hash, w.token.account_id, std::to_string(w.token.expires_ms)}});
        } else if constexpr (std::is_same_v<T, ResetRootPassword>) {
          SpendResetToken(w, out);
        } else if constexpr (std::is_same_v<T, PutUserPolicy>) {
          out.push_back(
              {"INSERT INTO user_policies (account_id, user_name, name, document) "
               "VALUES ($1,$2,$3,$4) ON CONFLICT (account_id, user_name, name) "
               "DO UPDATE SET document = EXCLUDED.document",
               {w.policy.account_id, w.policy.user_name, w.policy.name, w.policy.document}});
        } else if constexpr (std::is_same_v<T, DeleteUserPolicy>) {
          out.push_back(
              {"DELETE FROM user_policies WHERE account_id = $1 AND user_name = $2 AND "
               "name = $3",
               {w.account_id, w.user_name, w.name}});
        } else if constexpr (std::is_same_v<T, AttachUserPolicy>) {
          out.push_back(
              {"INSERT INTO user_attached_policies (account_id, user_name, policy_arn) "
               "VALUES ($1,$2,$3)",
               {w.attachment.account_id, w.attachment.user_name, w.attachment.policy_arn}});
        } else {
          static_assert(std::is_same_v<T, DetachUserPolicy>);
          out.push_back(
              {"DELETE FROM user_attached_policies WHERE account_id = $1 AND "
               "user_name = $2 AND policy_arn = $3",
               {w.attachment.account_id, w.attachment.user_name, w.attachment.policy_arn}});
        }
      },
      write);
}

// The answer of one statement of `sql`.
Status Outcome(const PgResult& r, const Sql& sql) {
  if (!r.ok()) return Failure(r, "write");
  if (sql.must_change && r.affected() == 0) {
    return Status(ErrorCode::kNoSuchEntity, "the password-reset token is spent");
  }
  return Status::Ok();
}

// Runs `statements` in order, each waiting for the previous one; stops at the first failure.
// `last` receives the last statement's result.
Status RunEach(pg_conn* conn, const std::vector<Sql>& statements, std::unique_ptr<PgResult>* last) {
  for (const Sql& sql : statements) {
    *last = Exec(conn, sql.text.c_str(), sql.params);
    RETURN_IF_ERROR(Outcome(**last, sql));
  }
  return Status::Ok();
}

// Sends `statements` together (libpq's pipeline mode: one round trip) and reads every result,
// up to the sync's, whatever failed, so that the connection is idle again; after a failed
// statement the server skips the rest (PGRES_PIPELINE_ABORTED). Statements with parameters are
// prepared first (once per connection: `prepared`). An error when the statements could not all
// be sent.
Result<std::vector<std::unique_ptr<PgResult>>> SendPipelined(pg_conn* conn,
                                                             PreparedStatements& prepared,
                                                             const std::vector<Sql>& statements) {
  std::vector<std::string> names;
  for (const Sql& sql : statements) {
    names.push_back(sql.params.empty()
                        ? ""
                        : prepared.NameOf(conn, sql.text, static_cast<int>(sql.params.size())));
  }
  if (PQenterPipelineMode(conn) != 1) {
    return Status(ErrorCode::kServiceFailure, std::string("write: ") + PQerrorMessage(conn));
  }
  size_t sent = 0;
  for (size_t i = 0; i < statements.size(); ++i) {
    const Sql& sql = statements[i];
    std::vector<const char*> values;
    std::vector<int> lengths;
    for (const std::string& p : sql.params) {
      values.push_back(p.c_str());
      lengths.push_back(static_cast<int>(p.size()));
    }
    const int n = static_cast<int>(sql.params.size());
    const int queued = names[i].empty()
                           ? PQsendQueryParams(conn, sql.text.c_str(), n, nullptr, values.data(),
                                               lengths.data(), nullptr, 0)
                           : PQsendQueryPrepared(conn, names[i].c_str(), n, values.data(),
                                                 lengths.data(), nullptr, 0);
    if (queued != 1) break;
    ++sent;
  }
  const bool synced = PQpipelineSync(conn) == 1;
  Status status;
  if (sent < statements.size() || !synced) {
    status = Status(ErrorCode::kServiceFailure, std::string("write: ") + PQerrorMessage(conn));
  }
  std::vector<std::unique_ptr<PgResult>> results;
  for (size_t i = 0; i < sent; ++i) {
    results.push_back(std::make_unique<PgResult>(PQgetResult(conn)));
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);  // the query's end
  }
  if (synced) {
    while (PGresult* r = PQgetResult(conn)) {
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  }
  if (PQexitPipelineMode(conn) != 1 && status.ok()) {
    status = Status(ErrorCode::kServiceFailure, std::string("write: ") + PQerrorMessage(conn));
  }
  if (!status.ok()) return status;
  if (results.size() != statements.size()) {
    return Status(ErrorCode::kServiceFailure, "write: the pipeline lost a result");
  }
  return results;
}

bool Aborted(const PgResult& r) { return PQresultStatus(r.get()) == PGRES_PIPELINE_ABORTED; }

// Sends `statements` in one round trip; stops at the first failure. `last` receives the last
// statement's result.
Status RunPipelined(pg_conn* conn, PreparedStatements& prepared, const std::vector<Sql>& statements,
                    std::unique_ptr<PgResult>* last) {
  Result<std::vector<std::unique_ptr<PgResult>>> results =
      SendPipelined(conn, prepared, statements);
  if (!results.ok()) return results.status();
  Status status;
  for (size_t i = 0; i < results->size(); ++i) {
    if (status.ok() && !Aborted(*(*results)[i])) status = Outcome(*(*results)[i], statements[i]);
  }
  if (!results->empty()) *last = std::move(results->back());
  return status;
}

Status Conflict(const std::string& what) {
  return Status(ErrorCode::kStoreConflict, "precondition failed: " + what);
}

// As SqliteStore's (store/precondition_check.h).
template <typename T>
Status CheckExpect(pg_conn* conn, const Expect<T>& e) {
  std::unique_ptr<PgResult> r = Exec(conn, "SELECT body FROM records WHERE kind = $1 AND key = $2",
                                     {RecordKind<T>::kName, e.key});
  if (!r->ok()) return Failure(*r, "read");
  const std::string body = r->rows() == 0 ? "" : r->Text(0, 0);
  return CheckStoredRecord(e,
                           r->rows() == 0 ? std::nullopt : std::optional<std::string_view>(body));
}

template <typename T>
Status CheckExpectFewer(pg_conn* conn, const ExpectFewer<T>& e) {
  // starts_with compares bytes, whatever the database's collation. A field counts when it is
  // the value, or a list holding it.
  std::unique_ptr<PgResult> r =
      e.field.empty()
          ? Exec(conn, "SELECT COUNT(*) FROM records WHERE kind = $1 AND starts_with(key, $2)",
                 {RecordKind<T>::kName, e.prefix})
          : Exec(conn,
                 "SELECT COUNT(*) FROM records WHERE kind = $1 AND starts_with(key, $2) AND "
                 "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN "
                 "jsonb_typeof(body::jsonb -> $3) = 'array' THEN body::jsonb -> $3 ELSE "
                 "jsonb_build_array(body::jsonb -> $3) END) AS v (value) "
                 "WHERE lower(v.value) = lower($4))",
                 {RecordKind<T>::kName, e.prefix, e.field, e.value});
  if (!r->ok()) return Failure(*r, "count");
  const int64_t count = r->Int(0, 0);
  if (count >= e.limit) {
    return Conflict(std::to_string(count) + " " + RecordKind<T>::kName + " under " + e.prefix);
  }
  return Status::Ok();
}

Status CheckUser(pg_conn* conn, const ExpectUser& e) {
  std::unique_ptr<PgResult> r = Exec(conn,
                                     "SELECT name, path, id, created_ms FROM users WHERE "
                                     "account_id = $1 AND lower(name) = lower($2)",
                                     {e.account_id, e.name});
  if (!r->ok()) return Failure(*r, "read");
  if (r->rows() == 0) return CheckStoredUser(e, nullptr);
  model::User stored{e.account_id, r->Text(0, 0), r->Text(0, 1), r->Text(0, 2), r->Int(0, 3), {}};
  std::unique_ptr<PgResult> tags = Exec(conn,
                                        "SELECT tag_key, tag_value FROM user_tags WHERE "
                                        "account_id = $1 AND user_name = $2 ORDER BY position",
                                        {e.account_id, stored.name});
  if (!tags->ok()) return Failure(*tags, "read");
  for (int i = 0; i < tags->rows(); ++i) {
    stored.tags.push_back({tags->Text(i, 0), tags->Text(i, 1)});
  }
  return CheckStoredUser(e, &stored);
}

Status CheckFewerOfUser(pg_conn* conn, const ExpectFewerOfUser& e) {
  const char* table = e.table == UserTable::kAccessKeys       ? "access_keys"
                      : e.table == UserTable::kInlinePolicies ? "user_policies"
                                                              : "user_attached_policies";
  std::string sql = std::string("SELECT COUNT(*) FROM ") + table +
                    " WHERE account_id = $1 AND lower(user_name) = lower($2)";
  std::unique_ptr<PgResult> r = Exec(conn, sql.c_str(), {e.account_id, e.user_name});
  if (!r->ok()) return Failure(*r, "count");
  if (r->Int(0, 0) >= e.limit) {
    return Conflict(std::to_string(r->Int(0, 0)) + " " + table + " of " + e.user_name);
  }
  return Status::Ok();
}

Status CheckNoUserAttached(pg_conn* conn, const ExpectNoUserAttached& e) {
  std::unique_ptr<PgResult> r = Exec(conn,
                                     "SELECT COUNT(*) FROM user_attached_policies WHERE "
                                     "account_id = $1 AND policy_arn = $2",
                                     {e.account_id, e.policy_arn});
  if (!r->ok()) return Failure(*r, "count");
  if (r->Int(0, 0) > 0) return Conflict(e.policy_arn + " is attached to users");
  return Status::Ok();
}

Status Check(pg_conn* conn, const Precondition& precondition) {
  return std::visit(
      [conn](const auto& p) -> Status {
        using T = std::decay_t<decltype(p)>;
        if constexpr (IsExpect<T>::value) {
          return CheckExpect(conn, p);
        } else if constexpr (IsExpectFewer<T>::value) {
          return CheckExpectFewer(conn, p);
        } else if constexpr (std::is_same_v<T, ExpectUser>) {
          return CheckUser(conn, p);
        } else if constexpr (std::is_same_v<T, ExpectFewerOfUser>) {
          return CheckFewerOfUser(conn, p);
        } else {
          static_assert(std::is_same_v<T, ExpectNoUserAttached>);
          return CheckNoUserAttached(conn, p);
        }
      },
      precondition);
}

// Whether the batch renames a user, which defers the foreign keys to a user.
bool RenamesUser(const WriteBatch& batch) {
  for (const Write& w : batch.writes) {
    if (std::holds_alternative<UpdateUser>(w)) return true;
  }
  return false;
}

// Forgets the writes of batches the feed no longer keeps, every kFeedPruneEvery numbers.
Status PruneFeedAt(pg_conn* conn, int64_t sequence) {
  if (sequence % kFeedPruneEvery != 0) return Status::Ok();
  return Run(conn, "UPDATE changes SET writes = NULL WHERE seq <= $1 AND writes IS NOT NULL",
             {std::to_string(sequence - kFeedKept)});
}

// The statement that appends `batch` to the change feed and answers its number.
Sql ChangeStatement(const WriteBatch& batch) {
  return {"INSERT INTO changes (committed_ms, writes) VALUES ($1, $2) RETURNING seq",
          {std::to_string(NowMs()), EncodeWrites(batch.writes)}};
}

// Checks and writes one batch inside the group's open transaction, in a savepoint of its own
// named `savepoint`, and appends it to the change feed; `sequence` receives its number.
Status CommitBatch(pg_conn* conn, PreparedStatements& prepared, const WriteBatch& batch,
                   const std::string& savepoint, int64_t* sequence) {
  std::vector<Sql> statements;
  if (batch.preconditions.empty()) {
    statements.push_back({"SAVEPOINT " + savepoint});
  } else {
    // The checks' answers decide whether the writes are sent.
    RETURN_IF_ERROR(Run(conn, ("SAVEPOINT " + savepoint).c_str()));
    for (const Precondition& p : batch.preconditions) RETURN_IF_ERROR(Check(conn, p));
  }
  for (const Write& w : batch.writes) AppendStatements(w, statements);
  // The foreign keys a rename deferred are checked now, so that a violation fails this batch
  // and not the COMMIT of the whole group.
  if (RenamesUser(batch)) statements.push_back({"SET CONSTRAINTS ALL IMMEDIATE"});
  statements.push_back(ChangeStatement(batch));
  // A statement whose row count decides the batch is waited for, so that a batch it fails
  // never takes a number of the change feed; the others go in one round trip.
  const bool waits = std::any_of(statements.begin(), statements.end(),
                                 [](const Sql& sql) { return sql.must_change; });
  std::unique_ptr<PgResult> change;
  RETURN_IF_ERROR(waits ? RunEach(conn, statements, &change)
                        : RunPipelined(conn, prepared, statements, &change));
  if (change == nullptr || change->rows() != 1) {
    return Status(ErrorCode::kServiceFailure, "write: the change feed gave no number");
  }
  *sequence = change->Int(0, 0);
  return PruneFeedAt(conn, *sequence);
}

// The savepoint of the group's batch number `i`. Savepoints are not released (that costs a
// round trip; the COMMIT ends them all), and each has a name of its own, so that a rollback
// never reaches a predecessor's.
std::string SavepointName(size_t i) { return "batch_" + std::to_string(i); }

// Whether nothing in `batch` waits for an answer before the next statement: no precondition,
// no statement whose row count decides it, no rename (whose deferred keys are checked alone).
bool Plain(const WriteBatch* batch) {
  if (!batch->preconditions.empty() || RenamesUser(*batch)) return false;
  std::vector<Sql> statements;
  for (const Write& w : batch->writes) AppendStatements(w, statements);
  return std::none_of(statements.begin(), statements.end(),
                      [](const Sql& sql) { return sql.must_change; });
}

// Appends the statements of the plain batches [begin, end) of the group to `out`, each batch
// in its savepoint and ending with its change; `ends` receives the index in `out` past each
// batch's last statement.
void AppendRun(const std::vector<const WriteBatch*>& batches, size_t begin, size_t end,
               std::vector<Sql>& out, std::vector<size_t>& ends) {
  for (size_t i = begin; i < end; ++i) {
    out.push_back({"SAVEPOINT " + SavepointName(i)});
    for (const Write& w : batches[i]->writes) AppendStatements(w, out);
    out.push_back(ChangeStatement(*batches[i]));
    ends.push_back(out.size());
  }
}

// Reads the answers of a run that AppendRun wrote from index `first` of `statements`: appends
// each batch's to `out` up to the first that failed (the server skipped the ones after it) and
// returns that batch's index, or `end` when none failed. `numbers` receives those committed.
Result<size_t> ReadRun(const std::vector<Sql>& statements,
                       const std::vector<std::unique_ptr<PgResult>>& results,
                       const std::vector<size_t>& ends, size_t first, size_t begin, size_t end,
                       std::vector<Result<int64_t>>& out, std::vector<int64_t>& numbers) {
  for (size_t i = begin; i < end; first = ends[i - begin], ++i) {
    Status status;
    for (size_t k = first; k < ends[i - begin] && status.ok(); ++k) {
      status = Aborted(*results[k]) ? Status(ErrorCode::kServiceFailure, "write: skipped")
                                    : Outcome(*results[k], statements[k]);
    }
    if (!status.ok()) {
      out.push_back(status);
      return i;
    }
    const PgResult& change = *results[ends[i - begin] - 1];
    if (change.rows() != 1) {
      return Status(ErrorCode::kServiceFailure, "write: the change feed gave no number");
    }
    out.push_back(change.Int(0, 0));
    numbers.push_back(change.Int(0, 0));
  }
  return end;
}

// Commits the plain batches [begin, end) of the group in one round trip, each in its savepoint.
// The first batch that fails is rolled back alone, and the ones after it, which the server
// skipped, are sent again. Appends each batch's answer to `out`.
Status CommitPlainRun(pg_conn* conn, PreparedStatements& prepared,
                      const std::vector<const WriteBatch*>& batches, size_t begin, size_t end,
                      std::vector<Result<int64_t>>& out) {
  while (begin < end) {
    std::vector<Sql> statements;
    std::vector<size_t> ends;
    AppendRun(batches, begin, end, statements, ends);
    Result<std::vector<std::unique_ptr<PgResult>>> sent = SendPipelined(conn, prepared, statements);
    if (!sent.ok()) return sent.status();
    std::vector<int64_t> numbers;  // pruned once the run is settled
    Result<size_t> failed = ReadRun(statements, *sent, ends, 0, begin, end, out, numbers);
    if (!failed.ok()) return failed.status();
    // Back to before the failed batch (the server skipped the ones after it), so that the
    // transaction takes statements again.
    if (*failed != end) {
      RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + SavepointName(*failed)).c_str()));
    }
    for (int64_t number : numbers) RETURN_IF_ERROR(PruneFeedAt(conn, number));
    begin = *failed == end ? end : *failed + 1;
  }
  return Status::Ok();
}

// Commits the batches from index out.size() on inside the open transaction, each in a
// savepoint of its own: one that fails is rolled back alone. Consecutive plain batches go out
// together (CommitPlainRun). Fails as a whole (every batch) when the transaction itself breaks.
Status CommitBatches(pg_conn* conn, PreparedStatements& prepared,
                     const std::vector<const WriteBatch*>& batches,
                     std::vector<Result<int64_t>>& out) {
  for (size_t i = out.size(); i < batches.size(); i = out.size()) {
    if (Plain(batches[i])) {
      const auto end = std::find_if_not(batches.begin() + i, batches.end(), Plain);
      RETURN_IF_ERROR(CommitPlainRun(conn, prepared, batches, i, end - batches.begin(), out));
      continue;
    }
    const std::string savepoint = SavepointName(i);
    int64_t sequence = 0;
    Status status = CommitBatch(conn, prepared, *batches[i], savepoint, &sequence);
    if (!status.ok()) {
      // A failed statement aborted the transaction; back to before this batch.
      RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + savepoint).c_str()));
      if (RenamesUser(*batches[i])) RETURN_IF_ERROR(Run(conn, "SET CONSTRAINTS ALL IMMEDIATE"));
    }
    out.push_back(status.ok() ? Result<int64_t>(sequence) : Result<int64_t>(status));
  }
  return Status::Ok();
}

// The statements that open a group's transaction and take the commit lock: commits take it in
// turn (other instances' too), so that the preconditions read the state the writes apply to and
// the change feed's numbers become visible in order.
std::vector<Sql> BeginStatements() {
  return {{"BEGIN"}, {"SELECT pg_advisory_xact_lock($1)", {std::to_string(kCommitLock)}}};
}

// The statements that end a group's transaction. The NOTIFY is delivered to the listeners when
// (and only if) the transaction commits: once per group.
std::vector<Sql> CommitStatements() { return {{"NOTIFY " + std::string(kChannel)}, {"COMMIT"}}; }

// Commits a group of plain batches in one round trip: BEGIN, the lock, every batch in its
// savepoint, NOTIFY and COMMIT. When a batch fails, the server skips the rest, the COMMIT
// included: the transaction is left open, rolled back to before that batch, with the answers
// up to it in `out`, for CommitBatches to go on from the next. `committed` says whether the
// COMMIT went through.
Status CommitAtOnce(pg_conn* conn, PreparedStatements& prepared,
                    const std::vector<const WriteBatch*>& batches,
                    std::vector<Result<int64_t>>& out, bool* committed) {
  std::vector<Sql> statements = BeginStatements();
  const size_t first = statements.size();
  std::vector<size_t> ends;
  AppendRun(batches, 0, batches.size(), statements, ends);
  for (Sql& sql : CommitStatements()) statements.push_back(std::move(sql));
  Result<std::vector<std::unique_ptr<PgResult>>> sent = SendPipelined(conn, prepared, statements);
  if (!sent.ok()) return sent.status();
  for (size_t k = 0; k < first; ++k) {
    if (!(*sent)[k]->ok()) return Failure(*(*sent)[k], "begin");
  }
  std::vector<int64_t> numbers;
  Result<size_t> failed = ReadRun(statements, *sent, ends, first, 0, batches.size(), out, numbers);
  if (!failed.ok()) return failed.status();
  if (*failed != batches.size()) {
    RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + SavepointName(*failed)).c_str()));
    for (int64_t number : numbers) RETURN_IF_ERROR(PruneFeedAt(conn, number));
    return Status::Ok();
  }
  for (size_t k = ends.empty() ? first : ends.back(); k < statements.size(); ++k) {
    if (!(*sent)[k]->ok()) return Failure(*(*sent)[k], "commit");
  }
  *committed = true;
  // Outside the transaction now: a prune that fails is done by a later one (it is cumulative).
  for (int64_t number : numbers) {
    if (Status s = PruneFeedAt(conn, number); !s.ok()) {
      spdlog::warn("pruning the change feed: {}", s.message());
    }
  }
  return Status::Ok();
}

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
  if (std::all_of(batches.begin(), batches.end(), Plain)) {
    bool committed = false;
    RETURN_IF_ERROR(CommitAtOnce(conn_, prepared_, batches, out, &committed));
    if (committed) return out;
  } else {
    std::unique_ptr<PgResult> begun;
    RETURN_IF_ERROR(RunPipelined(conn_, prepared_, BeginStatements(), &begun));
  }
  RETURN_IF_ERROR(CommitBatches(conn_, prepared_, batches, out));
  bool any = false;
  for (const Result<int64_t>& r : out) any = any || r.ok();
  if (!any) {
    RETURN_IF_ERROR(Run(conn_, "ROLLBACK"));
    return out;
  }
  std::unique_ptr<PgResult> ended;
  RETURN_IF_ERROR(RunPipelined(conn_, prepared_, CommitStatements(), &ended));
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

namespace {

// A PostgreSQL array literal of `items`: {"a","b"}.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

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

Status PostgresStore::FinishWork(const std::string& queue, const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(EnsureConnected());
  return Run(conn_, "DELETE FROM work_leases WHERE queue = $1 AND key = ANY($2::text[])",
             {queue, ArrayLiteral(keys)});
}

bool PostgresStore::WaitForChange(std::chrono::milliseconds timeout) {
  if (down_) Reconnect();
  std::lock_guard lock(listen_mu_);
  if (listen_conn_ == nullptr || PQstatus(listen_conn_) != CONNECTION_OK) {
    PQfinish(listen_conn_);
    listen_conn_ = OpenConnection(conninfo_);
    PgResult listen(PQexec(listen_conn_, ("LISTEN " + std::string(kChannel)).c_str()));
    if (PQstatus(listen_conn_) != CONNECTION_OK || !listen.ok()) {
      // The database is away: wait, and let the caller poll when it is back.
      std::this_thread::sleep_for(timeout);
      return false;
    }
  }
  auto announced = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(listen_conn_)) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  PQconsumeInput(listen_conn_);
  if (announced()) return true;
  pollfd fd{PQsocket(listen_conn_), POLLIN, 0};
  if (fd.fd < 0 || ::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return false;
  PQconsumeInput(listen_conn_);
  return announced();
}

}  // namespace gatehouse::store
