#include "store/sqlite_audit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "store/audit_block_codec.h"
#include "store/audit_entry_codec.h"
#include "store/audit_postings.h"
#include "store/sqlite_audit_blocks.h"
#include "store/sqlite_audit_lookup.h"
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
            "INSERT INTO audit_events (seq, account_id, event_id, time_ms, event_name, "
            "event_source, username, access_key_id, read_only, body) VALUES "
            "(?10,?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT (account_id, event_id) DO UPDATE SET "
            "body = excluded.body WHERE audit_events.seq > COALESCE((SELECT last_seq FROM "
            "audit_digests ORDER BY first_seq DESC LIMIT 1), 0)"),
        // A committed event whose completion was stored first keeps the completed body.
        adopt(db,
              "INSERT INTO audit_events (seq, account_id, event_id, time_ms, event_name, "
              "event_source, username, access_key_id, read_only, body) VALUES "
              "(?10,?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT (account_id, event_id) DO NOTHING"),
        block(db, kInsertBlock),
        // Rows and blocks share one sequence of numbers, which never starts over: past what a
        // prune left too.
        next(db,
             "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM audit_events), COALESCE((SELECT "
             "last_seq FROM audit_blocks ORDER BY first_seq DESC LIMIT 1), 0), COALESCE((SELECT "
             "last_seq FROM audit_numbering), 0)) + 1"),
        resource(db,
                 "INSERT INTO audit_resources (seq, position, account_id, type, name) VALUES "
                 "(?,?,?,?,?)"),
        posting(db,
                "INSERT INTO audit_postings (account_id, code, value, last_seq, first_seq, "
                "min_time, max_time, seqs) VALUES (?,?,?,?,?,?,?,?)"),
        committed(db,
                  "SELECT c.seq, c.audit FROM audit_adopted a CROSS JOIN changes c ON c.seq > "
                  "a.change_seq WHERE c.audit IS NOT NULL ORDER BY c.seq LIMIT ?1"),
        feed_end(db, "SELECT COALESCE(MAX(seq), 0) FROM changes"),
        mark(db, "UPDATE audit_adopted SET change_seq = ?1 WHERE change_seq < ?1") {}
  bool ok() const {
    return put.ok() && adopt.ok() && block.ok() && next.ok() && resource.ok() && posting.ok() &&
           committed.ok() && feed_end.ok() && mark.ok();
  }
  Statement put;
  Statement adopt;
  Statement block;
  Statement next;  // the number the next event takes
  Statement resource;
  Statement posting;
  Statement committed;  // the change rows whose events wait for adoption
  Statement feed_end;   // the number of the feed's last row
  Statement mark;       // the change feed adopted through a number
};

void AppendStatementsDeleter::operator()(AppendStatements* statements) const { delete statements; }

namespace {

// The rows of the change feed whose events wait for adoption (their numbers and events as
// store/audit_entry_codec.h packs them), kFeedRowsPerRead of them at most, and the number the
// feed is adopted through once they are: its last as this read saw it, or the last row read when
// more wait.
struct CommittedFeed {
  std::vector<std::pair<int64_t, std::string>> rows;
  int64_t end = 0;
  bool more = false;
};

constexpr int64_t kFeedRowsPerRead = 4096;

Status InsertResources(sqlite3* db, AppendStatements& s, int64_t seq, const model::AuditEntry& e) {
  int64_t position = 0;
  for (const auto& [type, name] : e.resources) {
    s.resource.Reset();
    s.resource.Bind(1, seq).Bind(2, position++).Bind(3, e.account_id).Bind(4, type).Bind(5, name);
    RETURN_IF_ERROR(Run(db, s.resource));
  }
  return Status::Ok();
}

void BindEvent(Statement& insert, int64_t seq, const model::AuditEntry& e) {
  insert.Reset();
  insert.Bind(10, seq)
      .Bind(1, e.account_id)
      .Bind(2, e.event_id)
      .Bind(3, e.time_ms)
      .Bind(4, e.event_name)
      .Bind(5, e.event_source)
      .Bind(6, e.username)
      .Bind(7, e.access_key_id)
      .Bind(8, int64_t{e.read_only ? 1 : 0})
      .Bind(9, e.body);
}

// Stores `e` with `insert` (put or adopt) as a row; the number of the event when it is new
// (`next`, which then moves on), and its resources are stored with it. 0 otherwise: a
// completion changes the body alone (audit_log.h), and the event keeps its resources and
// postings; a sealed or already adopted one is kept.
Result<int64_t> Store(sqlite3* db, AppendStatements& s, Statement& insert,
                      const model::AuditEntry& e, int64_t& next) {
  sqlite3_set_last_insert_rowid(db, 0);  // an update leaves it so: an insert sets the number
  BindEvent(insert, next, e);
  if (insert.Step() != SQLITE_DONE) return Failure(db, "audit event");
  if (sqlite3_changes(db) == 0) return int64_t{0};
  const int64_t inserted = sqlite3_last_insert_rowid(db);
  if (inserted == 0) return int64_t{0};
  ++next;
  // A new number: pruning removes an event's resources with it, so none are left under it.
  RETURN_IF_ERROR(InsertResources(db, s, inserted, e));
  return inserted;
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

// An event by its account and id.
using EventKey = std::pair<std::string_view, std::string_view>;

// Moves the events of `feed` into audit_events, in commit order, and lists them in `postings`;
// an event `superseding` holds (its completion, appended next in the same transaction) is left
// to it, and its key goes into `completed`. Then the feed is adopted through the end it had when
// it was read.
Status AdoptCommitted(sqlite3* db, AppendStatements& s, const CommittedFeed& feed,
                      const std::vector<model::AuditEntry>& superseding,
                      audit_postings::Postings& postings, int64_t& next,
                      std::set<EventKey>& completed) {
  std::set<EventKey> completions;
  for (const model::AuditEntry& e : superseding) completions.emplace(e.account_id, e.event_id);
  for (const auto& [change, bytes] : feed.rows) {
    std::optional<std::vector<model::AuditEntry>> events = DecodeAuditEntries(bytes);
    if (!events) {
      // Only a damaged file writes such a row: refusing it would stop the trail for good.
      spdlog::error("audit: the events of change {} are damaged and were skipped", change);
      continue;
    }
    for (const model::AuditEntry& e : *events) {
      if (auto it = completions.find({e.account_id, e.event_id}); it != completions.end()) {
        completed.insert(*it);  // a view into `superseding`, which outlives `events`
        continue;
      }
      ASSIGN_OR_RETURN(int64_t seq, Store(db, s, s.adopt, e, next));
      if (seq != 0) audit_postings::Add(postings, e, seq);
    }
  }
  s.mark.Reset();
  s.mark.Bind(1, feed.end);
  return Run(db, s.mark);
}

// The events an earlier version left awaiting their completion's postings, driven from their
// short list (CROSS JOIN keeps SQLite from walking audit_events instead, which holds every one).
constexpr char kWaitingEvents[] =
    " FROM audit_unposted u CROSS JOIN audit_events e ON e.seq = u.seq";

// Lists in postings every event `read` yields (rows of kEventColumns, in increasing order).
Status PostRows(sqlite3* db, Statement& read, Statement& insert) {
  audit_postings::Postings postings;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    const AuditRow row = EventRow(db, read);
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

// The audit log's tables, as the audit file keeps them: one list for creating them and for
// copying them from a file of an earlier version or into a backup.
struct AuditTable {
  const char* name;
  const char* columns;
  const char* definition;
};
constexpr AuditTable kAuditTables[] = {
    {"audit_events",
     "seq, account_id, event_id, time_ms, event_name, event_source, username, access_key_id, "
     "read_only, body",
     "(seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL, event_id TEXT NOT NULL, time_ms BIGINT "
     "NOT NULL, event_name TEXT NOT NULL, event_source TEXT NOT NULL, username TEXT NOT NULL, "
     "access_key_id TEXT NOT NULL, read_only INTEGER NOT NULL, body TEXT NOT NULL)"},
    // Clustered on its key (one B-tree where a rowid table would keep two).
    {"audit_resources", "seq, position, account_id, type, name",
     "(seq BIGINT NOT NULL, position INTEGER NOT NULL, account_id TEXT NOT NULL, type TEXT NOT "
     "NULL, name TEXT NOT NULL, PRIMARY KEY (seq, position)) WITHOUT ROWID"},
    {"audit_postings", "account_id, code, value, last_seq, first_seq, min_time, max_time, seqs",
     "(account_id TEXT NOT NULL, code INTEGER NOT NULL, value TEXT NOT NULL, last_seq INTEGER NOT "
     "NULL, first_seq INTEGER NOT NULL, min_time INTEGER NOT NULL, max_time INTEGER NOT NULL, "
     "seqs BLOB NOT NULL, PRIMARY KEY (last_seq, account_id, code, value)) WITHOUT ROWID"},
    {"audit_blocks", kBlockColumns, kBlockDefinition},
    {"audit_digests", "first_seq, last_seq, previous, digest",
     "(first_seq BIGINT PRIMARY KEY, last_seq BIGINT NOT NULL, previous TEXT NOT NULL, digest "
     "TEXT NOT NULL)"},
    {"audit_digest_signatures", "first_seq, signature",
     "(first_seq BIGINT PRIMARY KEY, signature TEXT NOT NULL)"},
    // The events an earlier version left waiting for their completion's postings.
    {"audit_unposted", "seq", "(seq INTEGER PRIMARY KEY)"},
    {"audit_adopted", "id, change_seq",
     "(id INTEGER PRIMARY KEY CHECK (id = 1), change_seq INTEGER NOT NULL)"},
    // The highest number a prune found: numbers go on from it once every event is gone.
    {"audit_numbering", "id, last_seq",
     "(id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)"},
};
struct AuditIndex {
  bool unique;
  const char* name;
  const char* on;
};
constexpr AuditIndex kAuditIndexes[] = {
    {true, "audit_events_id", "audit_events (account_id, event_id)"},
    {false, "audit_postings_key", "audit_postings (account_id, code, value, last_seq)"},
    {false, "audit_postings_time", "audit_postings (min_time) WHERE code = 0"},
    // An EventId lookup's blocks, found without reading them.
    {false, "audit_blocks_time", "audit_blocks (max_time, min_time)"},
};

Status Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db, "audit layout");
  }
  return Status::Ok();
}

// Runs `step` in a transaction of its own (deferred: store/sqlite_audit.h).
Status InTransaction(sqlite3* db, const std::function<Status()>& step) {
  RETURN_IF_ERROR(Exec(db, "BEGIN"));
  Status s = step();
  if (s.ok()) s = Exec(db, "COMMIT");
  if (!s.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

// Whether `schema` holds the table `name`.
Result<bool> HasTable(sqlite3* db, const std::string& schema, const std::string& name) {
  Statement table(
      db, ("SELECT 1 FROM " + schema + ".sqlite_master WHERE type = 'table' AND name = ?").c_str());
  table.Bind(1, name);
  if (!table.ok()) return Failure(db, "audit layout");
  const int rc = table.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Failure(db, "audit layout");
  return rc == SQLITE_ROW;
}

// A commit's events ride in its row of the change feed (changes.audit) until adopted: the
// database's feed gains the column when it lacks it.
Status CarryEventsInTheFeed(sqlite3* db) {
  Statement column(db,
                   "SELECT COUNT(*) FROM pragma_table_info('changes', 'store') WHERE name = "
                   "'audit'");
  if (!column.ok() || column.Step() != SQLITE_ROW) return Failure(db, "audit layout");
  const bool carried = column.Int(0) != 0;
  column.Reset();
  return carried ? Status::Ok() : Exec(db, "ALTER TABLE store.changes ADD COLUMN audit BLOB");
}

// The mark of the feed adopted: through its end when new, since no row before the column
// carries any; never past its end, where a restored database numbers its commits again (a
// commit adopted twice is stored once: adoption keeps an event it holds).
Status MarkTheFeed(sqlite3* db) {
  return Exec(db,
              "INSERT OR IGNORE INTO audit_adopted (id, change_seq) SELECT 1, COALESCE(MAX(seq), "
              "0) FROM changes; UPDATE audit_adopted SET change_seq = (SELECT COALESCE(MAX(seq), "
              "0) FROM changes) WHERE change_seq > (SELECT COALESCE(MAX(seq), 0) FROM changes)");
}

// Copies the audit file's log into it, which syncs both (synchronous=NORMAL syncs at a
// checkpoint): Ok when every frame was copied, so that all it holds is on the disk.
Status CheckpointAuditFile(sqlite3* db, int mode) {
  int log_frames = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(db, "main", mode, &log_frames, &copied) != SQLITE_OK) {
    return Failure(db, "audit checkpoint");
  }
  if (copied != log_frames) {
    return Status(ErrorCode::kStoreConflict, "a reader held back part of the audit file's log");
  }
  return Status::Ok();
}

// A database of an earlier version keeps its audit tables: they are copied into the audit file,
// which a checkpoint makes durable before the database lets them go, then dropped from the
// database with the shared schema's per-column indexes. Cut short between the two, the next
// open copies again (the rows are there already) and drops.
Status MoveOutOfTheDatabase(sqlite3* db) {
  ASSIGN_OR_RETURN(bool earlier, HasTable(db, "store", "audit_events"));
  if (!earlier) return Status::Ok();
  RETURN_IF_ERROR(InTransaction(db, [db] { return CopyAuditTables(db, "store", "main"); }));
  RETURN_IF_ERROR(CheckpointAuditFile(db, SQLITE_CHECKPOINT_FULL));
  return InTransaction(db, [db] {
    for (const AuditTable& t : kAuditTables) {
      RETURN_IF_ERROR(Exec(db, std::string("DROP TABLE IF EXISTS store.") + t.name));
    }
    return Status::Ok();
  });
}

// Reads the committed feed in a read transaction of its own. Outside a transaction.
Result<CommittedFeed> ReadCommittedFeed(sqlite3* db, AppendStatements& s) {
  // One read of the database, ended before the audit file's write begins: a snapshot held for
  // as long as that write would keep the database's checkpoints from reaching the end of its
  // log, which then grows instead of starting over, and every commit would write further on.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db, "begin");
  }
  CommittedFeed feed;
  Status st = [&]() -> Status {
    s.committed.Reset();
    s.committed.Bind(1, kFeedRowsPerRead);
    int rc;
    while ((rc = s.committed.Step()) == SQLITE_ROW) {
      feed.rows.emplace_back(s.committed.Int(0), std::string(s.committed.View(1)));
    }
    s.committed.Reset();
    if (rc != SQLITE_DONE) return Failure(db, "audit adoption");
    if (feed.rows.size() == static_cast<size_t>(kFeedRowsPerRead)) {
      feed.more = true;
      feed.end = feed.rows.back().first;
      return Status::Ok();
    }
    s.feed_end.Reset();
    if (s.feed_end.Step() != SQLITE_ROW) return Failure(db, "audit adoption");
    feed.end = s.feed_end.Int(0);
    s.feed_end.Reset();
    return Status::Ok();
  }();
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);  // it wrote nothing: it cannot fail
  RETURN_IF_ERROR(st);
  return feed;
}

// In the open transaction, which reads nothing of the database: adopts the events of `feed`,
// then upserts `entries` by (account, event id) and lists the new ones in postings; an event
// already sealed keeps its stored body.
Status AppendInTransaction(sqlite3* db, AppendStatements& statements, const CommittedFeed& feed,
                           const std::vector<model::AuditEntry>& entries) {
  statements.next.Reset();
  if (statements.next.Step() != SQLITE_ROW) return Failure(db, "audit number");
  int64_t next = statements.next.Int(0);
  statements.next.Reset();
  audit_postings::Postings postings;
  std::set<EventKey> completed;  // completions of events the feed held: none is rewritten later
  RETURN_IF_ERROR(AdoptCommitted(db, statements, feed, entries, postings, next, completed));
  // Each run of events no append rewrites (reads; completions of the events just adopted, which
  // the recorder appends once) is stored in blocks, numbered in its place: the order of
  // `entries` is the order of their numbers.
  std::vector<const model::AuditEntry*> run;
  auto end_run = [&]() -> Status {
    RETURN_IF_ERROR(InsertAuditBlocks(db, statements.block, next, run));
    for (const model::AuditEntry* e : run) audit_postings::Add(postings, *e, next++);
    run.clear();
    return Status::Ok();
  };
  for (const model::AuditEntry& e : entries) {
    if (Blockable(e, completed.count({e.account_id, e.event_id}) != 0)) {
      run.push_back(&e);
      continue;
    }
    RETURN_IF_ERROR(end_run());
    ASSIGN_OR_RETURN(int64_t seq, Store(db, statements, statements.put, e, next));
    if (seq != 0) audit_postings::Add(postings, e, seq);
  }
  RETURN_IF_ERROR(end_run());
  return WritePostings(db, statements.posting, postings);
}

}  // namespace

std::string AuditFilePath(const std::string& database_path) {
  if (database_path.empty() || database_path == ":memory:") return ":memory:";
  if (database_path.ends_with(".db")) {
    return database_path.substr(0, database_path.size() - 3) + "-audit.db";
  }
  return database_path + "-audit";
}

Status PrepareAuditConnection(sqlite3* db, const std::string& store_path) {
  for (const char* pragma : {"PRAGMA page_size=65536", "PRAGMA journal_mode=WAL",
                             "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-65536"}) {
    RETURN_IF_ERROR(Exec(db, pragma));
  }
  Statement attach(db, "ATTACH DATABASE ? AS store");
  attach.Bind(1, store_path);
  return Run(db, attach);
}

Status CreateAuditTables(sqlite3* db, const std::string& schema) {
  for (const AuditTable& t : kAuditTables) {
    RETURN_IF_ERROR(
        Exec(db, "CREATE TABLE IF NOT EXISTS " + schema + "." + t.name + " " + t.definition));
  }
  for (const AuditIndex& i : kAuditIndexes) {
    RETURN_IF_ERROR(Exec(db, std::string(i.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") +
                                 " IF NOT EXISTS " + schema + "." + i.name + " ON " + i.on));
  }
  return Status::Ok();
}

Status CopyAuditTables(sqlite3* db, const std::string& from, const std::string& to) {
  for (const AuditTable& t : kAuditTables) {
    ASSIGN_OR_RETURN(bool present, HasTable(db, from, t.name));
    if (!present) continue;
    RETURN_IF_ERROR(Exec(db, "INSERT OR IGNORE INTO " + to + "." + t.name + " (" + t.columns +
                                 ") SELECT " + t.columns + " FROM " + from + "." + t.name));
  }
  return Status::Ok();
}

Status PrepareAuditLayout(sqlite3* db) {
  RETURN_IF_ERROR(InTransaction(db, [db] { return CreateAuditTables(db, "main"); }));
  RETURN_IF_ERROR(MoveOutOfTheDatabase(db));
  RETURN_IF_ERROR(InTransaction(db, [db] { return CarryEventsInTheFeed(db); }));
  return InTransaction(db, [db] {
    RETURN_IF_ERROR(PostEarlierEvents(db));
    return MarkTheFeed(db);
  });
}

Result<AppendStatementsPtr> PrepareAppendStatements(sqlite3* db) {
  AppendStatementsPtr statements(new AppendStatements(db));
  if (!statements->ok()) return Failure(db, "prepare");
  return statements;
}

Status AppendAuditEntries(sqlite3* db, AppendStatements& statements,
                          const std::vector<model::AuditEntry>& entries) {
  static const std::vector<model::AuditEntry> kNone;
  while (true) {
    ASSIGN_OR_RETURN(CommittedFeed feed, ReadCommittedFeed(db, statements));
    // A backlog (a trail that could not write for a while) is adopted a bounded read at a
    // time, each in a transaction of its own, ahead of `entries`: numbers keep commit order.
    RETURN_IF_ERROR(InTransaction(db, [&] {
      return AppendInTransaction(db, statements, feed, feed.more ? kNone : entries);
    }));
    if (!feed.more) return Status::Ok();
  }
}

Result<int64_t> SyncAuditFile(sqlite3* db) {
  Statement mark(db, "SELECT change_seq FROM audit_adopted");
  if (!mark.ok() || mark.Step() != SQLITE_ROW) return Failure(db, "audit mark");
  const int64_t adopted = mark.Int(0);
  mark.Reset();
  RETURN_IF_ERROR(CheckpointAuditFile(db, SQLITE_CHECKPOINT_PASSIVE));
  return adopted;
}

Result<bool> CommittedEventsWait(sqlite3* db) {
  Statement any(db,
                "SELECT 1 FROM audit_adopted a CROSS JOIN changes c ON c.seq > a.change_seq "
                "WHERE c.audit IS NOT NULL LIMIT 1");
  if (!any.ok()) return Failure(db, "audit adoption");
  const int rc = any.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Failure(db, "audit adoption");
  return rc == SQLITE_ROW;
}

Status PruneAuditRows(sqlite3* db, int64_t before_ms) {
  ASSIGN_OR_RETURN(int64_t through, LastNumberBefore(db, before_ms));
  // First the highest number, kept for when every event is gone (the next append numbers on).
  ASSIGN_OR_RETURN(int64_t latest, LatestAuditNumber(db));
  Statement keep(db,
                 "INSERT INTO audit_numbering (id, last_seq) VALUES (1, ?1) ON CONFLICT (id) DO "
                 "UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)");
  keep.Bind(1, latest);
  RETURN_IF_ERROR(Run(db, keep));
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
        // Whole blocks: one the cut falls in is kept, a few events older than the rest.
        "DELETE FROM audit_blocks WHERE last_seq <= ?", "DELETE FROM audit_unposted WHERE seq <= ?",
        "DELETE FROM audit_digests WHERE last_seq <= ?",
        // Pruning never cuts a batch: the digests forgotten are those that begin by then.
        "DELETE FROM audit_digest_signatures WHERE first_seq <= ?"}) {
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
  ASSIGN_OR_RETURN(std::vector<AuditRow> blocks, AuditBlockRows(db, first_seq, last_seq));
  for (AuditRow& row : blocks) out.push_back({row.seq, std::move(row.entry.body)});
  std::sort(out.begin(), out.end(),
            [](const model::AuditBody& a, const model::AuditBody& b) { return a.seq < b.seq; });
  return out;
}

Result<int64_t> LatestAuditNumber(sqlite3* db) {
  Statement read(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  if (!read.ok() || read.Step() != SQLITE_ROW) return Failure(db, "audit number");
  ASSIGN_OR_RETURN(int64_t blocks, LastBlockNumber(db));
  return std::max(read.Int(0), blocks);
}

}  // namespace gatehouse::store::sqlite
