#include "store/sqlite_audit.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "store/audit_postings.h"
#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {

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
        resource(db,
                 "INSERT INTO audit_resources (seq, position, account_id, type, name) VALUES "
                 "(?,?,?,?,?)"),
        posting(db,
                "INSERT INTO audit_postings (account_id, code, value, last_seq, first_seq, "
                "min_time, max_time, seqs) VALUES (?,?,?,?,?,?,?,?)"),
        defer(db, "INSERT INTO audit_unposted (seq) VALUES (?)"),
        undefer(db, "DELETE FROM audit_unposted WHERE seq = ?") {}
  bool ok() const {
    return put.ok() && number.ok() && resource.ok() && posting.ok() && defer.ok() && undefer.ok();
  }
  Statement put;
  Statement number;
  Statement resource;
  Statement posting;
  Statement defer;    // an event to list with its completion
  Statement undefer;  // a completion's event, listed now
};

void AppendStatementsDeleter::operator()(AppendStatements* statements) const { delete statements; }

namespace {

Status InsertResources(sqlite3* db, AppendStatements& s, int64_t seq, const model::AuditEntry& e) {
  int64_t position = 0;
  for (const auto& [type, name] : e.resources) {
    s.resource.Reset();
    s.resource.Bind(1, seq).Bind(2, position++).Bind(3, e.account_id).Bind(4, type).Bind(5, name);
    RETURN_IF_ERROR(Run(db, s.resource));
  }
  return Status::Ok();
}

// Upserts `e`; the number of the event when postings must list it now: a new one, or a
// completed one that was waiting for its completion. 0 otherwise (sealed, or listed already). A
// completion changes the body alone (audit_log.h): the event keeps its resources and postings.
Result<int64_t> Upsert(sqlite3* db, AppendStatements& s, const model::AuditEntry& e) {
  sqlite3_set_last_insert_rowid(db, 0);  // an update leaves it so: an insert sets the number
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
  if (sqlite3_changes(db) == 0) return int64_t{0};  // sealed: kept as it was
  const int64_t inserted = sqlite3_last_insert_rowid(db);
  if (inserted != 0) {
    // A new number: pruning removes an event's resources with it, so none are left under it.
    RETURN_IF_ERROR(InsertResources(db, s, inserted, e));
    return inserted;
  }
  s.number.Reset();
  s.number.Bind(1, e.account_id).Bind(2, e.event_id);
  if (s.number.Step() != SQLITE_ROW) return Failure(db, "audit event");
  const int64_t seq = s.number.Int(0);
  s.number.Reset();  // no read left open between appends
  s.undefer.Reset();
  s.undefer.Bind(1, seq);
  RETURN_IF_ERROR(Run(db, s.undefer));
  return sqlite3_changes(db) == 1 ? seq : int64_t{0};
}

Status WritePostings(sqlite3* db, Statement& insert, audit_postings::Postings& postings) {
  for (auto& [key, p] : postings) {
    const auto& [account, code, value] = key;
    std::sort(p.seqs.begin(), p.seqs.end());  // a completion's event comes after newer ones
    insert.Reset();
    insert.Bind(1, account)
        .Bind(2, code)
        .Bind(3, value)
        .Bind(4, p.seqs.back())
        .Bind(5, p.seqs.front())
        .Bind(6, p.min_time)
        .Bind(7, p.max_time)
        .BindBlob(8, audit_postings::Pack(p.seqs));
    RETURN_IF_ERROR(Run(db, insert));
  }
  return Status::Ok();
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

// An event's columns, from audit_events as `e`.
constexpr char kEventColumns[] =
    "e.seq, e.account_id, e.event_id, e.time_ms, e.event_name, e.event_source, e.username, "
    "e.access_key_id, e.read_only, e.body";
// The events awaiting their completion's postings, driven from their short list (CROSS JOIN
// keeps SQLite from walking audit_events instead, which holds every event).
constexpr char kWaitingEvents[] =
    " FROM audit_unposted u CROSS JOIN audit_events e ON e.seq = u.seq";

AuditRow RowOf(const Statement& read) {
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
  return row;
}

// A lookup's step that did not succeed: stopped at its deadline, or failed.
Status LookupFailure(sqlite3* db, int rc) {
  if (rc == SQLITE_INTERRUPT) {
    return Status(ErrorCode::kServiceUnavailable,
                  "The event lookup took too long. Narrow it with a lookup attribute or a time "
                  "range.");
  }
  return Failure(db, "audit lookup");
}

bool InRange(const AuditQuery& query, int64_t time_ms) {
  return time_ms >= query.start_ms && time_ms <= query.end_ms;
}

int64_t Before(const AuditQuery& query) {
  return query.before_seq == 0 ? INT64_MAX : query.before_seq;
}

// An EventId lookup: the id's own index holds at most one event.
Status LookupById(sqlite3* db, const AuditQuery& query, std::vector<AuditRow>& rows) {
  Statement read(db,
                 (std::string("SELECT ") + kEventColumns +
                  " FROM audit_events e WHERE e.account_id = ? AND e.event_id = ? AND e.seq < ?")
                     .c_str());
  read.Bind(1, query.account_id).Bind(2, query.value).Bind(3, Before(query));
  if (!read.ok()) return Failure(db, "audit lookup");
  const int rc = read.Step();
  if (rc == SQLITE_ROW && InRange(query, read.Int(3))) rows.push_back(RowOf(read));
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LookupFailure(db, rc);
  return Status::Ok();
}

// The events awaiting postings (their completion has not been appended yet) that `key` would
// list, below `before`, in increasing order.
Result<std::vector<int64_t>> PendingMatches(sqlite3* db, const AuditQuery& query,
                                            const std::pair<audit_postings::Code, std::string>& key,
                                            int64_t before) {
  Statement pending(db, (std::string("SELECT ") + kEventColumns + kWaitingEvents +
                         " WHERE e.account_id = ? AND u.seq < ? ORDER BY u.seq")
                            .c_str());
  if (!pending.ok()) return Failure(db, "audit lookup");
  pending.Bind(1, query.account_id).Bind(2, before);
  std::vector<int64_t> out;
  int rc;
  while ((rc = pending.Step()) == SQLITE_ROW) {
    AuditRow row = RowOf(pending);
    row.entry.resources = ResourcesOf(db, row.seq);
    const auto keys = audit_postings::KeysOf(row.entry);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) out.push_back(row.seq);
  }
  if (rc != SQLITE_DONE) return LookupFailure(db, rc);
  return out;
}

// Every other lookup: the key's postings newest first, those outside the time range skipped
// whole, merged with the events awaiting postings; each listed event (newest first) is read
// until the page is full.
Status LookupByPostings(sqlite3* db, const AuditQuery& query,
                        const std::pair<audit_postings::Code, std::string>& key,
                        std::vector<AuditRow>& rows) {
  Statement postings(db,
                     "SELECT min_time, max_time, seqs, last_seq FROM audit_postings WHERE "
                     "account_id = ? AND code = ? AND value = ? AND first_seq < ? ORDER BY "
                     "last_seq DESC");
  Statement event(
      db,
      (std::string("SELECT ") + kEventColumns + " FROM audit_events e WHERE e.seq = ?").c_str());
  if (!postings.ok() || !event.ok()) return Failure(db, "audit lookup");
  const int64_t before = Before(query);
  audit_postings::NewestFirst merged(before);
  ASSIGN_OR_RETURN(std::vector<int64_t> pending, PendingMatches(db, query, key, before));
  merged.Add(std::move(pending));
  postings.Bind(1, query.account_id).Bind(2, int64_t{key.first}).Bind(3, key.second);
  postings.Bind(4, before);
  int rc = postings.Step();
  while (rows.size() < static_cast<size_t>(query.limit)) {
    for (; rc == SQLITE_ROW && merged.Wants(postings.Int(3)); rc = postings.Step()) {
      if (postings.Int(1) < query.start_ms || postings.Int(0) > query.end_ms) continue;
      std::optional<std::vector<int64_t>> seqs = audit_postings::Unpack(postings.Text(2));
      if (!seqs) return Status(ErrorCode::kServiceFailure, "audit lookup: a posting is damaged");
      merged.Add(std::move(*seqs));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LookupFailure(db, rc);
    std::optional<int64_t> seq = merged.Next();
    if (!seq) break;
    event.Reset();
    event.Bind(1, *seq);
    const int found = event.Step();
    if (found == SQLITE_ROW && InRange(query, event.Int(3))) rows.push_back(RowOf(event));
    if (found != SQLITE_ROW && found != SQLITE_DONE) return LookupFailure(db, found);
  }
  return Status::Ok();
}

// The highest number of an event older than `before_ms`, from the accounts' postings that
// began before it (those wholly older than it, and the events of those it cuts across).
Result<int64_t> LastNumberBefore(sqlite3* db, int64_t before_ms) {
  Statement old(db,
                "SELECT last_seq, max_time, seqs FROM audit_postings WHERE code = 0 AND "
                "min_time < ?");
  Statement time(db, "SELECT time_ms FROM audit_events WHERE seq = ?");
  if (!old.ok() || !time.ok()) return Failure(db, "audit prune");
  old.Bind(1, before_ms);
  int64_t through = 0;
  while (old.Step() == SQLITE_ROW) {
    if (old.Int(1) < before_ms) {
      through = std::max(through, old.Int(0));
      continue;
    }
    for (int64_t seq : audit_postings::Unpack(old.Text(2)).value_or(std::vector<int64_t>{})) {
      time.Reset();
      time.Bind(1, seq);
      if (time.Step() == SQLITE_ROW && time.Int(0) < before_ms) through = std::max(through, seq);
    }
  }
  return through;
}

// Lists in postings every event `read` yields (rows of kEventColumns, in increasing order).
Status PostRows(sqlite3* db, Statement& read, Statement& insert) {
  audit_postings::Postings postings;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    AuditRow row = RowOf(read);
    row.entry.resources = ResourcesOf(db, row.seq);
    audit_postings::Add(postings, row.entry, row.seq);
  }
  if (rc != SQLITE_DONE) return Failure(db, "audit postings");
  return WritePostings(db, insert, postings);
}

// Events stored before postings existed (a store of an earlier version) get theirs, in spans
// of a thousand numbers; so do those a process left waiting for their completion.
Status PostEarlierEvents(sqlite3* db) {
  Statement any_posting(db, "SELECT 1 FROM audit_postings LIMIT 1");
  Statement range(db, "SELECT COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM audit_events");
  Statement insert(db,
                   "INSERT INTO audit_postings (account_id, code, value, last_seq, first_seq, "
                   "min_time, max_time, seqs) VALUES (?,?,?,?,?,?,?,?)");
  Statement span(db, (std::string("SELECT ") + kEventColumns +
                      " FROM audit_events e WHERE e.seq >= ? AND e.seq <= ? ORDER BY e.seq")
                         .c_str());
  Statement waiting(
      db, (std::string("SELECT ") + kEventColumns + kWaitingEvents + " ORDER BY u.seq").c_str());
  if (!any_posting.ok() || !range.ok() || !insert.ok() || !span.ok() || !waiting.ok() ||
      range.Step() != SQLITE_ROW) {
    return Failure(db, "audit postings");
  }
  if (any_posting.Step() != SQLITE_ROW) {
    for (int64_t first = range.Int(0); range.Int(1) != 0 && first <= range.Int(1); first += 1000) {
      span.Reset();
      span.Bind(1, first).Bind(2, first + 999);
      RETURN_IF_ERROR(PostRows(db, span, insert));
    }
  } else {
    RETURN_IF_ERROR(PostRows(db, waiting, insert));
  }
  return sqlite3_exec(db, "DELETE FROM audit_unposted", nullptr, nullptr, nullptr) == SQLITE_OK
             ? Status::Ok()
             : Failure(db, "audit postings");
}

// The shared schema's audit_resources is a rowid table beside its primary key's index: two
// B-trees, two pages more in every commit that records an event. SQLite keeps it clustered on
// the key instead (WITHOUT ROWID), as one. Within PrepareAuditLayout's transaction.
Status ClusterResources(sqlite3* db) {
  Statement layout(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
  layout.Bind(1, std::string("audit_resources"));
  if (!layout.ok() || layout.Step() != SQLITE_ROW) return Failure(db, "audit layout");
  if (layout.Text(0).find("WITHOUT ROWID") != std::string::npos) return Status::Ok();
  layout.Reset();  // no read left open while the table is replaced
  static constexpr char kClustered[] = R"sql(
CREATE TABLE audit_resources_clustered (
  seq BIGINT NOT NULL,
  position INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (seq, position)
) WITHOUT ROWID;
INSERT INTO audit_resources_clustered SELECT seq, position, account_id, type, name
  FROM audit_resources;
DROP TABLE audit_resources;
ALTER TABLE audit_resources_clustered RENAME TO audit_resources;
)sql";
  if (sqlite3_exec(db, kClustered, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db, "audit layout");
  }
  return Status::Ok();
}

}  // namespace

Status PrepareAuditLayout(sqlite3* db) {
  static constexpr char kLayout[] = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS audit_postings (
  account_id TEXT NOT NULL,
  code INTEGER NOT NULL,
  value TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  min_time INTEGER NOT NULL,
  max_time INTEGER NOT NULL,
  seqs BLOB NOT NULL,
  PRIMARY KEY (last_seq, account_id, code, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_postings_key ON audit_postings (account_id, code, value, last_seq);
CREATE INDEX IF NOT EXISTS audit_postings_time ON audit_postings (min_time) WHERE code = 0;
CREATE TABLE IF NOT EXISTS audit_unposted (seq INTEGER PRIMARY KEY);
)sql";
  if (sqlite3_exec(db, kLayout, nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status s = Failure(db, "audit layout");
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  Status s = PostEarlierEvents(db);
  if (s.ok()) s = ClusterResources(db);
  // The per-column indexes of the shared schema (PostgreSQL's lookups): SQLite uses postings.
  for (const char* index : {"audit_events_account", "audit_events_name", "audit_events_source",
                            "audit_events_user", "audit_events_key", "audit_events_read_only",
                            "audit_events_time", "audit_resources_type", "audit_resources_name"}) {
    if (!s.ok()) break;
    const std::string drop = std::string("DROP INDEX IF EXISTS ") + index;
    if (sqlite3_exec(db, drop.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      s = Failure(db, "audit layout");
    }
  }
  if (s.ok() && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    s = Failure(db, "audit layout");
  }
  if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

Result<AppendStatementsPtr> PrepareAppendStatements(sqlite3* db) {
  AppendStatementsPtr statements(new AppendStatements(db));
  if (!statements->ok()) return Failure(db, "prepare");
  return statements;
}

Status AppendAuditEntries(sqlite3* db, AppendStatements& statements,
                          const std::vector<model::AuditEntry>& entries, Posting posting) {
  if (entries.empty()) return Status::Ok();
  audit_postings::Postings postings;
  for (const model::AuditEntry& e : entries) {
    ASSIGN_OR_RETURN(int64_t seq, Upsert(db, statements, e));
    if (seq == 0) continue;
    if (posting == Posting::kNow) {
      audit_postings::Add(postings, e, seq);
      continue;
    }
    statements.defer.Reset();
    statements.defer.Bind(1, seq);
    RETURN_IF_ERROR(Run(db, statements.defer));
  }
  return WritePostings(db, statements.posting, postings);
}

Result<std::vector<AuditRow>> LookupAuditRows(sqlite3* db, const AuditQuery& query) {
  std::vector<AuditRow> rows;
  auto deadline = std::chrono::steady_clock::now() + kLookupBudget;
  sqlite3_progress_handler(db, 10000, PastDeadline, &deadline);
  std::optional<std::pair<audit_postings::Code, std::string>> key =
      audit_postings::KeyOf(query.attribute, query.value);
  Status s = key ? LookupByPostings(db, query, *key, rows) : LookupById(db, query, rows);
  sqlite3_progress_handler(db, 0, nullptr, nullptr);
  RETURN_IF_ERROR(s);
  for (AuditRow& row : rows) row.entry.resources = ResourcesOf(db, row.seq);
  return rows;
}

Status PruneAuditRows(sqlite3* db, int64_t before_ms) {
  ASSIGN_OR_RETURN(int64_t through, LastNumberBefore(db, before_ms));
  // Never into a sealed batch: from the start of one the cut would fall in.
  Statement cut(db,
                "SELECT first_seq - 1 FROM audit_digests WHERE first_seq <= ?1 AND last_seq > ?1");
  cut.Bind(1, through);
  if (!cut.ok()) return Failure(db, "audit prune");
  if (cut.Step() == SQLITE_ROW) through = cut.Int(0);
  if (through <= 0) return Status::Ok();
  for (const char* sql :
       {"DELETE FROM audit_resources WHERE seq <= ?", "DELETE FROM audit_events WHERE seq <= ?",
        "DELETE FROM audit_postings WHERE last_seq <= ?",
        "DELETE FROM audit_unposted WHERE seq <= ?",
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
