// Internal to store/: a connection's prepared statements, kept to be run again. Preparing a
// statement (parsing its SQL and planning it) costs more than running most of the store's, and a
// commit runs the same dozen each time. A statement is taken out while in use and given back
// reset, so that a second use of the same SQL while the first is open (a nested one) gets a
// statement of its own. Not thread-safe: used under the lock of its connection.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/string_hash.h"

namespace gatehouse::store::sqlite {

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache() { Clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  // The statement of `sql`, kept or prepared now; null when SQLite refuses it.
  sqlite3_stmt* Take(std::string_view sql);
  // Gives back what Take returned: reset, its bindings cleared, kept for the next Take of its
  // SQL (or finalized when one is kept already, or when the cache is full). The statement names
  // its own SQL (sqlite3_sql): nothing of the caller's need outlive it.
  void GiveBack(sqlite3_stmt* statement);
  size_t size() const { return kept_count_; }  // the statements kept, not those taken
  // Finalizes the statements kept: before the connection closes.
  void Clear();

  // A bound on the SQL texts kept: SQL that is built from parts comes in a few forms only, but
  // a bound keeps a mistake from growing the cache without end.
  static constexpr size_t kMaxKept = 256;

 private:
  sqlite3* db_;
  StringMap<sqlite3_stmt*> kept_;  // by SQL text; null while its statement is taken
  size_t kept_count_ = 0;
};

}  // namespace gatehouse::store::sqlite
