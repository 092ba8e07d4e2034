// Internal to store/: the SQLite audit log's blocks (store/audit_block_codec.h). A busy server's
// events are mostly reads, each recorded whole and never rewritten, and completions, written
// once: an append stores its read-only events and the completions of the events it adopts from
// the feed as rows of audit_blocks, numbered first_seq..last_seq in their order, instead of a
// row and an event-id index entry each, which cost the recorder more than the rest of its work.
// Postings list their numbers as they list any event's; reading one event decodes its block (kept
// while the next number falls in it). An EventId lookup, which has no index for them, reads the
// fields of the blocks whose times span the time its id carries (a UUIDv7: audit/event_id.h). The
// table's columns are those CopyAuditTables copies (sqlite_audit.cc).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/audit_block_codec.h"
#include "store/audit_log.h"
#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {

inline constexpr char kBlockColumns[] = "first_seq, last_seq, min_time, max_time, fields, bodies";
inline constexpr char kBlockDefinition[] =
    "(first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, min_time INTEGER NOT NULL, "
    "max_time INTEGER NOT NULL, fields BLOB NOT NULL, bodies TEXT NOT NULL)";

// A block holds events until their bodies (and about kFieldBytes of fields each) reach
// kBlockBytes, so that its row fits in one page of the audit file: a larger one spills into
// overflow pages, and SQLite copies a value that large through fresh memory twice.
inline constexpr size_t kBlockBytes = 60000;
inline constexpr size_t kFieldBytes = 150;

// Stores `events` (each Blockable) as blocks numbered from `first_seq` on, with `insert`.
Status InsertAuditBlocks(sqlite3* db, Statement& insert, int64_t first_seq,
                         const std::vector<const model::AuditEntry*>& events);
// The statement InsertAuditBlocks runs.
inline constexpr char kInsertBlock[] =
    "INSERT INTO audit_blocks (first_seq, last_seq, min_time, max_time, fields, bodies) VALUES "
    "(?,?,?,?,?,?)";

// Reads the events of blocks by number, keeping the last block it decoded.
class BlockReader {
 public:
  explicit BlockReader(sqlite3* db);
  BlockReader(const BlockReader&) = delete;  // the block's views point into its own bodies_
  BlockReader& operator=(const BlockReader&) = delete;
  // The event numbered `seq` when a block holds it; nullopt when none does. A damaged block
  // is an error.
  Result<std::optional<AuditRow>> Find(int64_t seq);
  // The event of `account_id` with id `event_id`, from the blocks whose times reach within a
  // few seconds of the time the id carries; nullopt when none holds it, and for an id of any
  // other form (the recorder made every id a block holds).
  Result<std::optional<AuditRow>> FindId(const std::string& account_id,
                                         const std::string& event_id);

 private:
  Status Load(const Statement& row);  // the block `row` holds (kBlockColumns' first four)
  AuditRow RowAt(int64_t seq) const;  // of the block loaded
  sqlite3* db_;
  Statement at_;  // the block holding a number
  int64_t first_ = 0, last_ = -1;
  std::string bodies_;       // the loaded block's, whole
  DecodedAuditBlock block_;  // its bodies are views into bodies_
};

// The events blocks hold numbered first_seq..last_seq, in increasing order.
Result<std::vector<AuditRow>> AuditBlockRows(sqlite3* db, int64_t first_seq, int64_t last_seq);
// The highest number a block holds, 0 when none does.
Result<int64_t> LastBlockNumber(sqlite3* db);

}  // namespace gatehouse::store::sqlite
