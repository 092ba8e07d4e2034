#include "store/sqlite_audit_lookup.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "store/audit_postings.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_audit_blocks.h"

namespace gatehouse::store::sqlite {
namespace {

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

// Adds `found` to `rows` when the query takes it.
void Take(const AuditQuery& query, std::optional<AuditRow> found, std::vector<AuditRow>& rows) {
  if (found && found->seq < Before(query) && InRange(query, found->entry.time_ms)) {
    rows.push_back(std::move(*found));
  }
}

// An EventId lookup: the id's own index holds at most one row; a block's event is found by
// the time its id carries (store/sqlite_audit_blocks.h).
Status LookupById(sqlite3* db, const AuditQuery& query, std::vector<AuditRow>& rows) {
  Statement read(db, (std::string("SELECT ") + kEventColumns +
                      " FROM audit_events e WHERE e.account_id = ? AND e.event_id = ?")
                         .c_str());
  read.Bind(1, query.account_id).Bind(2, query.value);
  if (!read.ok()) return Failure(db, "audit lookup");
  const int rc = read.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LookupFailure(db, rc);
  if (rc == SQLITE_ROW) {
    Take(query, EventRow(db, read), rows);
    return Status::Ok();
  }
  BlockReader blocks(db);
  ASSIGN_OR_RETURN(std::optional<AuditRow> found, blocks.FindId(query.account_id, query.value));
  Take(query, std::move(found), rows);
  return Status::Ok();
}

// The event numbered `seq`, a row or in a block; nullopt when none is (pruned, or a number a
// failed transaction took).
Result<std::optional<AuditRow>> EventAt(sqlite3* db, Statement& event, BlockReader& blocks,
                                        int64_t seq) {
  event.Reset();
  event.Bind(1, seq);
  const int rc = event.Step();
  if (rc == SQLITE_ROW) return std::optional<AuditRow>(EventRow(db, event));
  if (rc != SQLITE_DONE) return LookupFailure(db, rc);
  return blocks.Find(seq);
}

// Every other lookup: the key's postings newest first, those outside the time range skipped
// whole, merged; each listed event (newest first) is read until the page is full.
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
  BlockReader blocks(db);
  const int64_t before = Before(query);
  audit_postings::NewestFirst merged(before);
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
    ASSIGN_OR_RETURN(std::optional<AuditRow> found, EventAt(db, event, blocks, *seq));
    Take(query, std::move(found), rows);
  }
  return Status::Ok();
}

}  // namespace

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

// The event of `read`'s row (kEventColumns) with its resources.
AuditRow EventRow(sqlite3* db, const Statement& read) {
  AuditRow row = RowOf(read);
  row.entry.resources = ResourcesOf(db, row.seq);
  return row;
}

// The highest number of an event older than `before_ms`, from the accounts' postings that
// began before it (those wholly older than it, and the events of those it cuts across).
Result<int64_t> LastNumberBefore(sqlite3* db, int64_t before_ms) {
  Statement old(db,
                "SELECT last_seq, max_time, seqs FROM audit_postings WHERE code = 0 AND "
                "min_time < ?");
  Statement event(db, (std::string("SELECT ") + kEventColumns +
                       " FROM audit_events e WHERE "
                       "e.seq = ?")
                          .c_str());
  BlockReader blocks(db);
  if (!old.ok() || !event.ok()) return Failure(db, "audit prune");
  old.Bind(1, before_ms);
  int64_t through = 0;
  while (old.Step() == SQLITE_ROW) {
    if (old.Int(1) < before_ms) {
      through = std::max(through, old.Int(0));
      continue;
    }
    for (int64_t seq : audit_postings::Unpack(old.Text(2)).value_or(std::vector<int64_t>{})) {
      ASSIGN_OR_RETURN(std::optional<AuditRow> found, EventAt(db, event, blocks, seq));
      if (found && found->entry.time_ms < before_ms) through = std::max(through, seq);
    }
  }
  return through;
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
  return rows;
}

}  // namespace gatehouse::store::sqlite
