#include "store/sqlite_audit.h"

#include <chrono>
#include <string>

#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {
namespace {

constexpr char kColumns[] =
    "e.seq, e.account_id, e.event_id, e.time_ms, e.event_name, e.event_source, e.username, "
    "e.access_key_id, e.read_only, e.body";

// The condition LookupEvents's attribute adds (bound as ?5), or "" for none.
const char* AttributeCondition(AuditAttribute attribute) {
  switch (attribute) {
    case AuditAttribute::kNone:
      return "";
    case AuditAttribute::kEventId:
      return " AND e.event_id = ?5";
    case AuditAttribute::kEventName:
      return " AND e.event_name = ?5";
    case AuditAttribute::kReadOnly:
      return " AND e.read_only = ?7";
    case AuditAttribute::kUsername:
      return " AND e.username = ?5";
    case AuditAttribute::kEventSource:
      return " AND e.event_source = ?5";
    case AuditAttribute::kAccessKeyId:
      return " AND e.access_key_id = ?5";
    case AuditAttribute::kResourceType:
      return " AND r.type = ?5";
    case AuditAttribute::kResourceName:
      return " AND r.name = ?5";
  }
  return "";
}

// The statements that append a batch, prepared once for all its events.
struct AppendStatements {
  explicit AppendStatements(sqlite3* db)
      : put(db,
            // Completing an event sets its body alone: the columns are the call's, the same
            // in both, and leaving them out of SET spares every index. A sealed event never
            // changes: its digest covers the body as it was (the last digest ends the highest
            // sealed number). No RETURNING: SQLite would keep a statement journal for it, a
            // copy of every page the statement touches, written to a temporary file.
            "INSERT INTO audit_events (account_id, event_id, time_ms, event_name, "
            "event_source, username, access_key_id, read_only, body) VALUES "
            "(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT (account_id, event_id) DO UPDATE SET "
            "body = excluded.body WHERE audit_events.seq > COALESCE((SELECT last_seq FROM "
            "audit_digests ORDER BY first_seq DESC LIMIT 1), 0)"),
        number(db, "SELECT seq FROM audit_events WHERE account_id = ? AND event_id = ?"),
        clear(db, "DELETE FROM audit_resources WHERE seq = ?"),
        resource(db,
                 "INSERT INTO audit_resources (seq, position, account_id, type, name) VALUES "
                 "(?,?,?,?,?)") {}
  bool ok() const { return put.ok() && number.ok() && clear.ok() && resource.ok(); }
  Statement put;
  Statement number;
  Statement clear;
  Statement resource;
};

Status ReplaceResources(sqlite3* db, AppendStatements& s, int64_t seq, const model::AuditEntry& e) {
  s.clear.Reset();
  s.clear.Bind(1, seq);
  RETURN_IF_ERROR(Run(db, s.clear));
  int64_t position = 0;
  for (const auto& [type, name] : e.resources) {
    s.resource.Reset();
    s.resource.Bind(1, seq).Bind(2, position++).Bind(3, e.account_id).Bind(4, type).Bind(5, name);
    RETURN_IF_ERROR(Run(db, s.resource));
  }
  return Status::Ok();
}

// The number of the event `put` just wrote: a new row's, or (a completion) the stored one's.
Result<int64_t> NumberOf(sqlite3* db, AppendStatements& s, const model::AuditEntry& e,
                         int64_t last_rowid_before) {
  const int64_t inserted = sqlite3_last_insert_rowid(db);
  if (inserted != last_rowid_before) return inserted;
  s.number.Reset();
  s.number.Bind(1, e.account_id).Bind(2, e.event_id);
  if (s.number.Step() != SQLITE_ROW) return Failure(db, "audit event");
  return s.number.Int(0);
}

Status Upsert(sqlite3* db, AppendStatements& s, const model::AuditEntry& e) {
  const int64_t last_rowid_before = sqlite3_last_insert_rowid(db);
  s.put.Reset();
  s.put.Bind(1, e.account_id)
      .Bind(2, e.event_id)
      .Bind(3, e.time_ms)
      .Bind(4, e.event_name)
      .Bind(5, e.event_source)
      .Bind(6, e.username)
      .Bind(7, e.access_key_id)
      .Bind(8, int64_t{e.read_only ? 1 : 0})
      .Bind(9, e.body);
  if (s.put.Step() != SQLITE_DONE) return Failure(db, "audit event");
  if (sqlite3_changes(db) == 0) return Status::Ok();  // sealed: kept as it was
  ASSIGN_OR_RETURN(int64_t seq, NumberOf(db, s, e, last_rowid_before));
  return ReplaceResources(db, s, seq, e);
}

// How long one lookup may hold the store (and every commit waiting behind it): SQLite stops it
// after that, whatever plan it took.
constexpr std::chrono::milliseconds kLookupBudget{2000};

int PastDeadline(void* deadline) {
  return std::chrono::steady_clock::now() >
                 *static_cast<std::chrono::steady_clock::time_point*>(deadline)
             ? 1
             : 0;
}

std::vector<std::pair<std::string, std::string>> ResourcesOf(sqlite3* db, int64_t seq) {
  std::vector<std::pair<std::string, std::string>> out;
  Statement read(db, "SELECT type, name FROM audit_resources WHERE seq = ? ORDER BY position");
  read.Bind(1, seq);
  while (read.ok() && read.Step() == SQLITE_ROW) out.emplace_back(read.Text(0), read.Text(1));
  return out;
}

}  // namespace

Status AppendAuditEntries(sqlite3* db, const std::vector<model::AuditEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  AppendStatements statements(db);
  if (!statements.ok()) return Failure(db, "prepare");
  for (const model::AuditEntry& e : entries) RETURN_IF_ERROR(Upsert(db, statements, e));
  return Status::Ok();
}

Result<std::vector<AuditRow>> LookupAuditRows(sqlite3* db, const AuditQuery& query) {
  // Newest first along the attribute's index (a resource's: from the resources' index), whose
  // entries carry the time; the unary + keeps SQLite off the time index, which would sort.
  const bool by_resource = query.attribute == AuditAttribute::kResourceType ||
                           query.attribute == AuditAttribute::kResourceName;
  const std::string from =
      by_resource ? " FROM audit_resources r JOIN audit_events e ON e.seq = r.seq WHERE "
                    "r.account_id = ?1 AND r.seq < ?4"
                  : " FROM audit_events e WHERE e.account_id = ?1 AND e.seq < ?4";
  // An event naming two resources of the kind is one row of the page: GROUP BY folds its
  // index entries, which come one after the other (no sort: the index gives that order).
  const std::string sql =
      std::string("SELECT ") + kColumns + from + " AND +e.time_ms >= ?2 AND +e.time_ms <= ?3" +
      AttributeCondition(query.attribute) +
      (by_resource ? " GROUP BY r.seq ORDER BY r.seq DESC" : " ORDER BY e.seq DESC") + " LIMIT ?6";
  Statement read(db, sql.c_str());
  if (!read.ok()) return Failure(db, "audit lookup");
  read.Bind(1, query.account_id)
      .Bind(2, query.start_ms)
      .Bind(3, query.end_ms)
      .Bind(4, query.before_seq == 0 ? INT64_MAX : query.before_seq)
      .Bind(5, query.value)
      .Bind(6, int64_t{query.limit})
      .Bind(7, int64_t{query.value == "true" ? 1 : 0});
  std::vector<AuditRow> rows;
  auto deadline = std::chrono::steady_clock::now() + kLookupBudget;
  sqlite3_progress_handler(db, 10000, PastDeadline, &deadline);
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    AuditRow row;
    row.seq = read.Int(0);
    model::AuditEntry& e = row.entry;
    e.account_id = read.Text(1);
    e.event_id = read.Text(2);
    e.time_ms = read.Int(3);
    e.event_name = read.Text(4);
    e.event_source = read.Text(5);
    e.username = read.Text(6);
    e.access_key_id = read.Text(7);
    e.read_only = read.Int(8) != 0;
    e.body = read.Text(9);
    rows.push_back(std::move(row));
  }
  sqlite3_progress_handler(db, 0, nullptr, nullptr);
  if (rc == SQLITE_INTERRUPT) {
    return Status(ErrorCode::kServiceUnavailable,
                  "The event lookup took too long. Narrow it with a lookup attribute or a time "
                  "range.");
  }
  if (rc != SQLITE_DONE) return Failure(db, "audit lookup");
  for (AuditRow& row : rows) row.entry.resources = ResourcesOf(db, row.seq);
  return rows;
}

Status PruneAuditRows(sqlite3* db, int64_t before_ms) {
  Statement last(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events WHERE time_ms < ?");
  last.Bind(1, before_ms);
  if (!last.ok() || last.Step() != SQLITE_ROW) return Failure(db, "audit prune");
  const int64_t through = last.Int(0);
  if (through == 0) return Status::Ok();
  for (const char* sql :
       {"DELETE FROM audit_resources WHERE seq <= ?", "DELETE FROM audit_events WHERE seq <= ?",
        "DELETE FROM audit_digests WHERE last_seq <= ?"}) {
    Statement prune(db, sql);
    prune.Bind(1, through);
    RETURN_IF_ERROR(Run(db, prune));
  }
  return Status::Ok();
}

Result<std::vector<model::AuditBody>> AuditBodies(sqlite3* db, int64_t first_seq,
                                                  int64_t last_seq) {
  Statement read(db, "SELECT seq, body FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq");
  read.Bind(1, first_seq).Bind(2, last_seq);
  if (!read.ok()) return Failure(db, "audit events");
  std::vector<model::AuditBody> out;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) out.push_back({read.Int(0), read.Text(1)});
  if (rc != SQLITE_DONE) return Failure(db, "audit events");
  return out;
}

Result<int64_t> LatestAuditNumber(sqlite3* db) {
  Statement read(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  if (!read.ok() || read.Step() != SQLITE_ROW) return Failure(db, "audit number");
  return read.Int(0);
}

Result<std::vector<model::AuditDigest>> AuditDigestRows(sqlite3* db) {
  Statement read(db,
                 "SELECT first_seq, last_seq, previous, digest FROM audit_digests ORDER BY "
                 "first_seq");
  if (!read.ok()) return Failure(db, "audit digests");
  std::vector<model::AuditDigest> out;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    out.push_back({read.Int(0), read.Int(1), read.Text(2), read.Text(3)});
  }
  if (rc != SQLITE_DONE) return Failure(db, "audit digests");
  return out;
}

Status AppendAuditDigestRow(sqlite3* db, const model::AuditDigest& digest) {
  Statement last(db, "SELECT last_seq, digest FROM audit_digests ORDER BY first_seq DESC LIMIT 1");
  if (!last.ok()) return Failure(db, "audit digests");
  const bool any = last.Step() == SQLITE_ROW;
  const int64_t last_seq = any ? last.Int(0) : 0;
  const std::string previous = any ? last.Text(1) : std::string(64, '0');
  if (digest.previous != previous || digest.first_seq <= last_seq) {
    return Status(ErrorCode::kStoreConflict, "another digest was sealed first");
  }
  Statement put(db,
                "INSERT INTO audit_digests (first_seq, last_seq, previous, digest) VALUES "
                "(?,?,?,?)");
  put.Bind(1, digest.first_seq)
      .Bind(2, digest.last_seq)
      .Bind(3, digest.previous)
      .Bind(4, digest.digest);
  return Run(db, put);
}

}  // namespace gatehouse::store::sqlite
