#include "store/pg_audit.h"

#include <string>

namespace gatehouse::store::pg {
namespace {

constexpr char kUpsert[] =
    "WITH e AS (INSERT INTO audit_events (account_id, event_id, time_ms, event_name, "
    "event_source, username, access_key_id, read_only, body) VALUES ($1, $2, $3::bigint, $4, $5, "
    "$6, $7, $8::integer, $9) ON CONFLICT (account_id, event_id) DO UPDATE SET "
    "body = excluded.body WHERE audit_events.seq > COALESCE((SELECT last_seq FROM "
    "audit_digests ORDER BY first_seq DESC LIMIT 1), 0) RETURNING seq), "
    "r AS (SELECT t.type, t.name, t.position - 1 AS position FROM "
    "unnest($10::text[], $11::text[]) WITH ORDINALITY AS t(type, name, position)), "
    "gone AS (DELETE FROM audit_resources WHERE seq IN (SELECT seq FROM e) AND "
    "position >= (SELECT count(*) FROM r)) "
    "INSERT INTO audit_resources (seq, position, account_id, type, name) "
    "SELECT e.seq, r.position, $1, r.type, r.name FROM e, r "
    "ON CONFLICT (seq, position) DO UPDATE SET type = excluded.type, name = excluded.name";

constexpr char kColumns[] =
    "e.seq, e.account_id, e.event_id, e.time_ms, e.event_name, e.event_source, e.username, "
    "e.access_key_id, e.read_only, e.body";

// The condition LookupEvents's attribute adds, its value bound as $6; "" for none (and for a
// resource's, which the FROM clause carries).
std::string AttributeCondition(AuditAttribute attribute) {
  switch (attribute) {
    case AuditAttribute::kNone:
    case AuditAttribute::kResourceType:
    case AuditAttribute::kResourceName:
      return "";
    case AuditAttribute::kEventId:
      return " AND e.event_id = $6";
    case AuditAttribute::kEventName:
      return " AND e.event_name = $6";
    case AuditAttribute::kReadOnly:
      return " AND e.read_only = $6::integer";
    case AuditAttribute::kUsername:
      return " AND e.username = $6";
    case AuditAttribute::kEventSource:
      return " AND e.event_source = $6";
    case AuditAttribute::kAccessKeyId:
      return " AND e.access_key_id = $6";
  }
  return "";
}

// Newest first along the attribute's index, whose entries carry the time; a resource's from
// the resources' index, an event naming two resources of the kind folded into one row (seq is
// audit_events' key: its other columns may be selected beside GROUP BY).
std::string LookupSql(AuditAttribute attribute) {
  const bool by_resource =
      attribute == AuditAttribute::kResourceType || attribute == AuditAttribute::kResourceName;
  const std::string from =
      !by_resource ? " FROM audit_events e WHERE e.account_id = $1 AND e.seq < $4::bigint"
                   : std::string(
                         " FROM audit_resources r JOIN audit_events e ON e.seq = r.seq "
                         "WHERE r.account_id = $1 AND r.seq < $4::bigint AND r.") +
                         (attribute == AuditAttribute::kResourceType ? "type" : "name") + " = $6";
  return std::string("SELECT ") + kColumns + from +
         " AND e.time_ms >= $2::bigint AND e.time_ms <= $3::bigint" +
         AttributeCondition(attribute) + (by_resource ? " GROUP BY e.seq" : "") +
         " ORDER BY e.seq DESC LIMIT $5::integer";
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
  const std::string value = query.attribute == AuditAttribute::kReadOnly
                                ? (query.value == "true" ? "1" : "0")
                                : query.value;
  std::vector<std::string> params = {
      query.account_id, std::to_string(query.start_ms), std::to_string(query.end_ms),
      std::to_string(query.before_seq == 0 ? INT64_MAX : query.before_seq),
      std::to_string(query.limit)};
  if (query.attribute != AuditAttribute::kNone) params.push_back(value);  // $6
  const std::string sql = LookupSql(query.attribute);
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
             // Never into a sealed batch: from the start of one the cut would fall in.
             "WITH o AS (SELECT COALESCE(MAX(seq), 0) AS through FROM audit_events WHERE "
             "time_ms < $1::bigint), "
             "t AS (SELECT COALESCE((SELECT d.first_seq - 1 FROM audit_digests d, o WHERE "
             "d.first_seq <= o.through AND d.last_seq > o.through), (SELECT through FROM o)) "
             "AS through), "
             "a AS (DELETE FROM audit_resources WHERE seq <= (SELECT through FROM t)), "
             "b AS (DELETE FROM audit_digests WHERE last_seq <= (SELECT through FROM t)), "
             "c AS (DELETE FROM audit_digest_signatures WHERE first_seq <= (SELECT through FROM "
             "t)) "
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
  std::unique_ptr<PgResult> r =
      Exec(conn,
           "SELECT d.first_seq, d.last_seq, d.previous, d.digest, COALESCE(s.signature, '') FROM "
           "audit_digests d LEFT JOIN audit_digest_signatures s ON s.first_seq = d.first_seq "
           "ORDER BY d.first_seq");
  if (!r->ok()) return Failure(*r, "audit digests");
  std::vector<model::AuditDigest> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({r->Int(i, 0), r->Int(i, 1), r->Text(i, 2), r->Text(i, 3), r->Text(i, 4)});
  }
  return out;
}

Status AppendAuditDigestRow(pg_conn* conn, const model::AuditDigest& digest) {
  // Only after the last digest, chained from it: one statement, so that two instances sealing
  // at once cannot both append (the primary key and the condition settle it).
  std::unique_ptr<PgResult> r =
      Exec(conn,
           "WITH d AS (INSERT INTO audit_digests (first_seq, last_seq, previous, digest) "
           "SELECT $1::bigint, $2::bigint, $3, $4 WHERE $3 = COALESCE((SELECT digest FROM "
           "audit_digests ORDER BY first_seq DESC LIMIT 1), repeat('0', 64)) AND $1::bigint > "
           "COALESCE((SELECT last_seq FROM audit_digests ORDER BY first_seq DESC LIMIT 1), 0) "
           "ON CONFLICT DO NOTHING RETURNING first_seq), "
           "s AS (INSERT INTO audit_digest_signatures (first_seq, signature) SELECT first_seq, "
           "$5 FROM d WHERE $5 <> '' ON CONFLICT (first_seq) DO UPDATE SET signature = "
           "excluded.signature) "
           "SELECT COUNT(*) FROM d",
           {std::to_string(digest.first_seq), std::to_string(digest.last_seq), digest.previous,
            digest.digest, digest.signature});
  if (!r->ok()) return Failure(*r, "audit digest");
  if (r->Int(0, 0) != 1) {
    return Status(ErrorCode::kStoreConflict, "another digest was sealed first");
  }
  return Status::Ok();
}

}  // namespace gatehouse::store::pg
