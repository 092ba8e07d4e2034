#include "store/sqlite_statement_cache.h"

#include <utility>

namespace gatehouse::store::sqlite {

void StatementCache::Clear() {
  for (auto& [sql, statement] : kept_) sqlite3_finalize(statement);  // null when taken: a no-op
  kept_.clear();
  kept_count_ = 0;
}

sqlite3_stmt* StatementCache::Take(std::string_view sql) {
  // An entry stays when its statement is taken (null meanwhile): giving it back then allocates
  // nothing.
  if (auto it = kept_.find(sql); it != kept_.end() && it->second != nullptr) {
    --kept_count_;
    return std::exchange(it->second, nullptr);
  }
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return nullptr;
  }
  return statement;
}

void StatementCache::GiveBack(sqlite3_stmt* statement) {
  if (statement == nullptr) return;
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  const std::string_view sql = sqlite3_sql(statement);
  auto it = kept_.find(sql);
  if (it == kept_.end() && kept_.size() < kMaxKept) it = kept_.emplace(sql, nullptr).first;
  if (it == kept_.end() || it->second != nullptr) {
    sqlite3_finalize(statement);  // one of its SQL is kept already, or the cache is full
    return;
  }
  it->second = statement;
  ++kept_count_;
}

}  // namespace gatehouse::store::sqlite
