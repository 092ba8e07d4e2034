#include "store/pg_statements.h"

#include <chrono>

namespace gatehouse::store::pg {

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

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<PgResult> Exec(pg_conn* conn, const char* sql,
                               const std::vector<std::string>& params) {
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

Status Failure(const PgResult& r, const std::string& what) {
  const std::string state = r.sqlstate();
  if (state.starts_with("23")) return Status(ErrorCode::kEntityAlreadyExists, r.error());
  if (state == "40001" || state == "40P01") {
    return Status(ErrorCode::kStoreConflict, "precondition failed: " + r.error());
  }
  return Status(ErrorCode::kServiceFailure, what + ": " + r.error());
}

Status Run(pg_conn* conn, const char* sql, const std::vector<std::string>& params) {
  std::unique_ptr<PgResult> r = Exec(conn, sql, params);
  return r->ok() ? Status::Ok() : Failure(*r, "write");
}

Status Outcome(const PgResult& r, const Sql& sql) {
  if (!r.ok()) return Failure(r, "write");
  if (sql.must_change && r.affected() == 0) {
    return Status(ErrorCode::kNoSuchEntity, "the password-reset token is spent");
  }
  return Status::Ok();
}

Status RunEach(pg_conn* conn, const std::vector<Sql>& statements, std::unique_ptr<PgResult>* last) {
  for (const Sql& sql : statements) {
    *last = Exec(conn, sql.text.c_str(), sql.params);
    RETURN_IF_ERROR(Outcome(**last, sql));
  }
  return Status::Ok();
}

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

}  // namespace gatehouse::store::pg
