// The statements of PostgresStore over libpq: a result that clears itself, a statement with its
// text parameters, and the ways to run them — one at a time, or several in one round trip
// (libpq's pipeline mode), the statements with parameters prepared once per connection.
// Failures become Status values as SqliteStore's do. Internal to the store.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/pg_prepared.h"

namespace gatehouse::store::pg {

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

// One statement of a batch's writes, with its text parameters ($1, $2 …).
struct Sql {
  std::string text;
  std::vector<std::string> params = {};
  // Spending a password-reset token: NoSuchEntity when the statement changed no row.
  bool must_change = false;
};

// A PostgreSQL array literal of `items`: {"a","b"}, each item quoted and escaped.
std::string ArrayLiteral(const std::vector<std::string>& items);

// Milliseconds since the epoch: the time the store writes in its rows.
int64_t NowMs();

// Runs `sql` with text parameters ($1, $2 …).
std::unique_ptr<PgResult> Exec(pg_conn* conn, const char* sql,
                               const std::vector<std::string>& params = {});

// A failed statement as a Status: a unique or foreign-key violation is EntityAlreadyExists (as
// in SqliteStore), a serialization failure or deadlock a conflict the caller runs again, the
// rest ServiceFailure.
Status Failure(const PgResult& r, const std::string& what);

Status Run(pg_conn* conn, const char* sql, const std::vector<std::string>& params = {});

// The answer of one statement of `sql`.
Status Outcome(const PgResult& r, const Sql& sql);

// Runs `statements` in order, each waiting for the previous one; stops at the first failure.
// `last` receives the last statement's result.
Status RunEach(pg_conn* conn, const std::vector<Sql>& statements, std::unique_ptr<PgResult>* last);

// Sends `statements` together (libpq's pipeline mode: one round trip) and reads every result,
// up to the sync's, whatever failed, so that the connection is idle again; after a failed
// statement the server skips the rest (PGRES_PIPELINE_ABORTED). Statements with parameters are
// prepared first (once per connection: `prepared`). An error when the statements could not all
// be sent.
Result<std::vector<std::unique_ptr<PgResult>>> SendPipelined(pg_conn* conn,
                                                             PreparedStatements& prepared,
                                                             const std::vector<Sql>& statements);

// Whether the server skipped the statement, after an earlier one of its pipeline failed.
bool Aborted(const PgResult& r);

// Sends `statements` in one round trip; stops at the first failure. `last` receives the last
// statement's result.
Status RunPipelined(pg_conn* conn, PreparedStatements& prepared, const std::vector<Sql>& statements,
                    std::unique_ptr<PgResult>* last);

}  // namespace gatehouse::store::pg
