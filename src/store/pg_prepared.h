// PreparedStatements: the statements one PostgreSQL connection has prepared, by their text, so
// that a statement sent again is only bound and executed, not parsed and planned again (the
// writes of a commit are a small fixed set of texts). Forget them (Clear) whenever the
// connection is replaced: prepared statements live and die with their session.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

struct pg_conn;

namespace gatehouse::store {

class PreparedStatements {
 public:
  // The name under which `text` (with `params` parameters) is prepared on `conn`, preparing it
  // the first time (one round trip; the connection must be idle and out of pipeline mode).
  // Empty when it is not prepared — the cache is full or the server refused — and the statement
  // is to be sent unnamed, as before.
  std::string NameOf(pg_conn* conn, const std::string& text, int params);
  void Clear() { names_.clear(); }
  size_t size() const { return names_.size(); }

 private:
  // Far above the texts the store writes with; a bound, not a tuning.
  static constexpr size_t kMaxStatements = 256;
  std::unordered_map<std::string, std::string> names_;
  size_t next_ = 0;  // the next name's number, unique for the connection's life
};

}  // namespace gatehouse::store
