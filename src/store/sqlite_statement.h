// Internal to store/: SQLite's prepared statements and errors, as the SQLite store and its
// audit log use them.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/sqlite_statement_cache.h"

namespace gatehouse::store::sqlite {

inline Status Failure(sqlite3* db, const std::string& what) {
  return Status(ErrorCode::kServiceFailure, what + ": " + sqlite3_errmsg(db));
}

// A prepared statement, finalized on scope exit; or one taken from a connection's cache
// (store/sqlite_statement_cache.h), given back to it on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  Statement(StatementCache& cache, std::string_view sql) : stmt_(cache.Take(sql)), cache_(&cache) {}
  ~Statement() {
    if (cache_ != nullptr) {
      cache_->GiveBack(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  // Makes the statement ready to run again (its bindings cleared), as prepared.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
  }
  // The column's bytes in place: valid until the statement steps or is reset.
  std::string_view View(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool Null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  StatementCache* cache_ = nullptr;
};

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs one statement of a batch. SQLITE_CONSTRAINT becomes EntityAlreadyExists.
inline Status Run(sqlite3* db, Statement& s) {
  if (!s.ok()) return Failure(db, "prepare");
  int rc = s.Step();
  if (rc == SQLITE_DONE) return Status::Ok();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return Status(ErrorCode::kEntityAlreadyExists, sqlite3_errmsg(db));
  }
  return Failure(db, "write");
}

}  // namespace gatehouse::store::sqlite
