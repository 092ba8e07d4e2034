#include "store/sqlite_audit_blocks.h"

#include <algorithm>

#include "store/audit_block_codec.h"
#include "store/audit_entry_codec.h"

namespace gatehouse::store::sqlite {
namespace {

// An EventId lookup reads the blocks whose times reach within this of the time its id carries:
// an event's time is its call's second, its id's the millisecond the id was made, later.
constexpr int64_t kIdEarlierMs = 3000;
constexpr int64_t kIdLaterMs = 1000;

// The milliseconds a UUIDv7 event id carries (audit/event_id.h: 48 bits of Unix time first,
// version 7); nullopt for any other string.
std::optional<int64_t> MillisOfEventId(const std::string& id) {
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[14] != '7') return std::nullopt;
  int64_t ms = 0;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12}) {
    const char c = id[i];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    ms = ms * 16 + digit;
  }
  return ms;
}

Status Damaged(int64_t first_seq) {
  return Status(ErrorCode::kServiceFailure,
                "audit: the block of events from " + std::to_string(first_seq) + " is damaged");
}

}  // namespace

namespace {

// Stores events[begin, end) as one block numbered from `first_seq`.
Status InsertOneBlock(sqlite3* db, Statement& insert, int64_t first_seq,
                      const std::vector<const model::AuditEntry*>& events) {
  int64_t min_time = INT64_MAX, max_time = INT64_MIN;
  for (const model::AuditEntry* e : events) {
    min_time = std::min(min_time, e->time_ms);
    max_time = std::max(max_time, e->time_ms);
  }
  AuditBlock block = EncodeAuditBlock(events);
  insert.Reset();
  insert.Bind(1, first_seq)
      .Bind(2, first_seq + static_cast<int64_t>(events.size()) - 1)
      .Bind(3, min_time)
      .Bind(4, max_time)
      .BindBlob(5, block.fields)
      .Bind(6, block.bodies);
  return Run(db, insert);
}

}  // namespace

Status InsertAuditBlocks(sqlite3* db, Statement& insert, int64_t first_seq,
                         const std::vector<const model::AuditEntry*>& events) {
  std::vector<const model::AuditEntry*> block;
  size_t bytes = 0;
  for (const model::AuditEntry* e : events) {
    const size_t size = e->body.size() + kFieldBytes;
    if (!block.empty() && bytes + size > kBlockBytes) {
      RETURN_IF_ERROR(InsertOneBlock(db, insert, first_seq, block));
      first_seq += static_cast<int64_t>(block.size());
      block.clear();
      bytes = 0;
    }
    block.push_back(e);
    bytes += size;
  }
  return block.empty() ? Status::Ok() : InsertOneBlock(db, insert, first_seq, block);
}

BlockReader::BlockReader(sqlite3* db)
    : db_(db),
      at_(db,
          "SELECT first_seq, last_seq, fields, bodies FROM audit_blocks WHERE first_seq <= ? "
          "ORDER BY first_seq DESC LIMIT 1") {}

Status BlockReader::Load(const Statement& row) {
  const int64_t first = row.Int(0), last = row.Int(1);
  if (last < first) return Damaged(first);
  // The bodies are kept whole, and each event's copied out only when asked for.
  first_ = 0;
  last_ = -1;  // none is loaded unless this one decodes
  bodies_.assign(row.View(3));
  std::optional<DecodedAuditBlock> block =
      DecodeAuditBlock(row.View(2), bodies_, static_cast<size_t>(last - first + 1));
  if (!block) return Damaged(first);
  block_ = std::move(*block);  // its views point into bodies_, which stays as it is
  first_ = first;
  last_ = last;
  return Status::Ok();
}

AuditRow BlockReader::RowAt(int64_t seq) const {
  AuditRow row{seq, block_.events[static_cast<size_t>(seq - first_)]};
  row.entry.body = std::string(block_.bodies[static_cast<size_t>(seq - first_)]);
  return row;
}

Result<std::optional<AuditRow>> BlockReader::Find(int64_t seq) {
  if (seq >= first_ && seq <= last_) return std::optional<AuditRow>(RowAt(seq));
  if (!at_.ok()) return Failure(db_, "audit blocks");
  at_.Reset();
  at_.Bind(1, seq);
  const int rc = at_.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Failure(db_, "audit blocks");
  if (rc == SQLITE_DONE || at_.Int(1) < seq) return std::optional<AuditRow>();
  Status loaded = Load(at_);
  at_.Reset();
  RETURN_IF_ERROR(loaded);
  return std::optional<AuditRow>(RowAt(seq));
}

Result<std::optional<AuditRow>> BlockReader::FindId(const std::string& account_id,
                                                    const std::string& event_id) {
  // Every event a block holds has an id the recorder made: any other form names none of them,
  // and is not looked for in every block (a scan any caller could ask for).
  const std::optional<int64_t> ms = MillisOfEventId(event_id);
  if (!ms) return std::optional<AuditRow>();
  Statement candidates(db_,
                       "SELECT first_seq, fields FROM audit_blocks WHERE max_time >= ? AND "
                       "min_time <= ? ORDER BY first_seq DESC");
  if (!candidates.ok()) return Failure(db_, "audit blocks");
  candidates.Bind(1, *ms - kIdEarlierMs).Bind(2, *ms + kIdLaterMs);
  int rc;
  while ((rc = candidates.Step()) == SQLITE_ROW) {
    std::optional<std::vector<model::AuditEntry>> events = DecodeAuditEntries(candidates.View(1));
    if (!events) return Damaged(candidates.Int(0));
    for (size_t i = 0; i < events->size(); ++i) {
      const model::AuditEntry& e = (*events)[i];
      if (e.event_id == event_id && e.account_id == account_id) {
        const int64_t seq = candidates.Int(0) + static_cast<int64_t>(i);
        candidates.Reset();
        return Find(seq);
      }
    }
  }
  if (rc != SQLITE_DONE) return Failure(db_, "audit blocks");
  return std::optional<AuditRow>();
}

Result<std::vector<AuditRow>> AuditBlockRows(sqlite3* db, int64_t first_seq, int64_t last_seq) {
  Statement blocks(db,
                   "SELECT first_seq, last_seq, fields, bodies FROM audit_blocks WHERE first_seq "
                   "<= ? AND last_seq >= ? ORDER BY first_seq");
  if (!blocks.ok()) return Failure(db, "audit blocks");
  blocks.Bind(1, last_seq).Bind(2, first_seq);
  std::vector<AuditRow> out;
  int rc;
  while ((rc = blocks.Step()) == SQLITE_ROW) {
    const int64_t first = blocks.Int(0), last = blocks.Int(1);
    std::optional<DecodedAuditBlock> block =
        last < first ? std::nullopt
                     : DecodeAuditBlock(blocks.View(2), blocks.View(3),
                                        static_cast<size_t>(last - first + 1));
    if (!block) return Damaged(first);
    for (int64_t seq = std::max(first, first_seq); seq <= std::min(last, last_seq); ++seq) {
      const auto k = static_cast<size_t>(seq - first);
      AuditRow& row = out.emplace_back(AuditRow{seq, std::move(block->events[k])});
      row.entry.body = std::string(block->bodies[k]);
    }
  }
  if (rc != SQLITE_DONE) return Failure(db, "audit blocks");
  return out;
}

Result<int64_t> LastBlockNumber(sqlite3* db) {
  // The last block's: numbers increase with the blocks (found by its key, never a scan).
  Statement read(db,
                 "SELECT COALESCE((SELECT last_seq FROM audit_blocks ORDER BY first_seq DESC "
                 "LIMIT 1), 0)");
  if (!read.ok() || read.Step() != SQLITE_ROW) return Failure(db, "audit blocks");
  return read.Int(0);
}

}  // namespace gatehouse::store::sqlite
