#include "store/pg_audit.h"

#include <string>

namespace gatehouse::store::pg {
namespace {

constexpr char kUpsert[] =
    "WITH e AS (INSERT INTO audit_events (account_id, event_id, time_ms, event_name, "
    "event_source, username, access_key_id, read_only, body) VALUES ($1, $2, $3::bigint, $4, $5, "
    "$6, $7, $8::integer, $9) ON CONFLICT (account_id, event_id) DO UPDATE SET "
    "time_ms = excluded.time_ms, event_name = excluded.event_name, "
    "event_source = excluded.event_source, username = excluded.username, "
    "access_key_id = excluded.access_key_id, read_only = excluded.read_only, "
    "body = excluded.body WHERE audit_events.seq > "
    "(SELECT COALESCE(MAX(last_seq), 0) FROM audit_digests) RETURNING seq), "
    "r AS (SELECT t.type, t.name, t.position - 1 AS position FROM "
    "unnest($10::text[], $11::text[]) WITH ORDINALITY AS t(type, name, position)), "
    "gone AS (DELETE FROM audit_resources WHERE seq IN (SELECT seq FROM e) AND "
    "position >= (SELECT count(*) FROM r)) "
    "INSERT INTO audit_resources (seq, position, account_id, type, name) "
    "SELECT e.seq, r.position, $1, r.type, r.name FROM e, r "
    "ON CONFLICT (seq, position) DO UPDATE SET type = excluded.type, name = excluded.name";

constexpr char kColumns[] =
    "seq, account_id, event_id, time_ms, event_name, event_source, username, access_key_id, "
    "read_only, body";

// The condition LookupEvents's attribute adds, its value bound as `$n`; "" for none.
std::string AttributeCondition(AuditAttribute attribute, const std::string& n) {
  switch (attribute) {
    case AuditAttribute::kNone:
      return "";
    case AuditAttribute::kEventId:
      return " AND event_id = " + n;
    case AuditAttribute::kEventName:
      return " AND event_name = " + n;
    case AuditAttribute::kReadOnly:
      return " AND read_only = (CASE WHEN " + n + " = 'true' THEN 1 ELSE 0 END)";
    case AuditAttribute::kUsername:
      return " AND username = " + n;
    case AuditAttribute::kEventSource:
      return " AND event_source = " + n;
    case AuditAttribute::kAccessKeyId:
      return " AND access_key_id = " + n;
    case AuditAttribute::kResourceType:
      return " AND seq IN (SELECT seq FROM audit_resources WHERE account_id = $1 AND type = " + n +
             ")";
    case AuditAttribute::kResourceName:
      return " AND seq IN (SELECT seq FROM audit_resources WHERE account_id = $1 AND name = " + n +
             ")";
  }
  return "";
}

Status ReadResources(pg_conn* conn, std::vector<AuditRow>& rows) {
  if (rows.empty()) return Status::Ok();
  std::vector<std::string> numbers;
  for (const AuditRow& row : rows) numbers.push_back(std::to_string(row.seq));
  std::unique_ptr<PgResult> r =
      Exec(conn,
           "SELECT seq, type, name FROM audit_resources WHERE seq = ANY($1::bigint[]) "
           "ORDER BY seq, position",
           {ArrayLiteral(numbers)});
  if (!r->ok()) return Failure(*r, "audit resources");
  for (int i = 0; i < r->rows(); ++i) {
    const int64_t seq = r->Int(i, 0);
    for (AuditRow& row : rows) {
      if (row.seq == seq) row.entry.resources.emplace_back(r->Text(i, 1), r->Text(i, 2));
    }
  }
  return Status::Ok();
}

}  // namespace

void AppendAuditStatements(const std::vector<model::AuditEntry>& entries, std::vector<Sql>& out) {
  for (const model::AuditEntry& e : entries) {
    std::vector<std::string> types, names;
    for (const auto& [type, name] : e.resources) {
      types.push_back(type);
      names.push_back(name);
    }
    out.push_back({kUpsert,
                   {e.account_id, e.event_id, std::to_string(e.time_ms), e.event_name,
                    e.event_source, e.username, e.access_key_id, e.read_only ? "1" : "0", e.body,
                    ArrayLiteral(types), ArrayLiteral(names)}});
  }
}

Result<std::vector<AuditRow>> LookupAuditRows(pg_conn* conn, const AuditQuery& query) {
  std::vector<std::string> params = {query.account_id, std::to_string(query.start_ms),
                                     std::to_string(query.end_ms),
                                     std::to_string(query.before_seq)};
  std::string condition;
  if (query.attribute != AuditAttribute::kNone) {
    params.push_back(query.value);
    condition = AttributeCondition(query.attribute, "$" + std::to_string(params.size()));
  }
  params.push_back(std::to_string(query.limit));
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM audit_events WHERE account_id = $1 AND time_ms >= $2::bigint AND "
                          "time_ms <= $3::bigint AND ($4::bigint = 0 OR seq < $4::bigint)" +
                          condition + " ORDER BY seq DESC LIMIT $" + std::to_string(params.size()) +
                          "::integer";
  std::unique_ptr<PgResult> r = Exec(conn, sql.c_str(), params);
  if (!r->ok()) return Failure(*r, "audit lookup");
  std::vector<AuditRow> rows;
  for (int i = 0; i < r->rows(); ++i) {
    AuditRow row;
    row.seq = r->Int(i, 0);
    model::AuditEntry& e = row.entry;
    e.account_id = r->Text(i, 1);
    e.event_id = r->Text(i, 2);
    e.time_ms = r->Int(i, 3);
    e.event_name = r->Text(i, 4);
    e.event_source = r->Text(i, 5);
    e.username = r->Text(i, 6);
    e.access_key_id = r->Text(i, 7);
    e.read_only = r->Int(i, 8) != 0;
    e.body = r->Text(i, 9);
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR(ReadResources(conn, rows));
  return rows;
}

Status PruneAuditRows(pg_conn* conn, int64_t before_ms) {
  return Run(conn,
             "WITH t AS (SELECT COALESCE(MAX(seq), 0) AS through FROM audit_events WHERE "
             "time_ms < $1::bigint), "
             "a AS (DELETE FROM audit_resources WHERE seq <= (SELECT through FROM t)), "
             "b AS (DELETE FROM audit_digests WHERE last_seq <= (SELECT through FROM t)) "
             "DELETE FROM audit_events WHERE seq <= (SELECT through FROM t)",
             {std::to_string(before_ms)});
}

Result<std::vector<model::AuditBody>> AuditBodies(pg_conn* conn, int64_t first_seq,
                                                  int64_t last_seq) {
  std::unique_ptr<PgResult> r = Exec(conn,
                                     "SELECT seq, body FROM audit_events WHERE seq >= $1::bigint "
                                     "AND seq <= $2::bigint ORDER BY seq",
                                     {std::to_string(first_seq), std::to_string(last_seq)});
  if (!r->ok()) return Failure(*r, "audit events");
  std::vector<model::AuditBody> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back({r->Int(i, 0), r->Text(i, 1)});
  return out;
}

Result<int64_t> LatestAuditNumber(pg_conn* conn) {
  std::unique_ptr<PgResult> r = Exec(conn, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  if (!r->ok()) return Failure(*r, "audit number");
  return r->Int(0, 0);
}

Result<std::vector<model::AuditDigest>> AuditDigestRows(pg_conn* conn) {
  std::unique_ptr<PgResult> r = Exec(
      conn, "SELECT first_seq, last_seq, previous, digest FROM audit_digests ORDER BY first_seq");
  if (!r->ok()) return Failure(*r, "audit digests");
  std::vector<model::AuditDigest> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({r->Int(i, 0), r->Int(i, 1), r->Text(i, 2), r->Text(i, 3)});
  }
  return out;
}

Status AppendAuditDigestRow(pg_conn* conn, const model::AuditDigest& digest) {
  // Only after the last digest, chained from it: one statement, so that two instances sealing
  // at once cannot both append (the primary key and the condition settle it).
  std::unique_ptr<PgResult> r =
      Exec(conn,
           "INSERT INTO audit_digests (first_seq, last_seq, previous, digest) "
           "SELECT $1::bigint, $2::bigint, $3, $4 WHERE $3 = COALESCE((SELECT digest FROM "
           "audit_digests ORDER BY first_seq DESC LIMIT 1), repeat('0', 64)) AND $1::bigint > "
           "COALESCE((SELECT MAX(last_seq) FROM audit_digests), 0) ON CONFLICT DO NOTHING",
           {std::to_string(digest.first_seq), std::to_string(digest.last_seq), digest.previous,
            digest.digest});
  if (!r->ok()) return Failure(*r, "audit digest");
  if (r->affected() != 1) {
    return Status(ErrorCode::kStoreConflict, "another digest was sealed first");
  }
  return Status::Ok();
}

}  // namespace gatehouse::store::pg
