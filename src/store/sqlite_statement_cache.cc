#include "store/sqlite_statement_cache.h"

namespace gatehouse::store::sqlite {

void StatementCache::Clear() {
  for (auto& [sql, statement] : kept_) sqlite3_finalize(statement);
  kept_.clear();
}

sqlite3_stmt* StatementCache::Take(std::string_view sql) {
  if (auto it = kept_.find(sql); it != kept_.end()) {
    sqlite3_stmt* statement = it->second;
    kept_.erase(it);
    return statement;
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
  if (kept_.size() >= kMaxKept || !kept_.emplace(sqlite3_sql(statement), statement).second) {
    sqlite3_finalize(statement);
  }
}

}  // namespace gatehouse::store::sqlite
