#include "store/pg_prepared.h"

#include <libpq-fe.h>

namespace gatehouse::store {

std::string PreparedStatements::NameOf(pg_conn* conn, const std::string& text, int params) {
  if (auto it = names_.find(text); it != names_.end()) return it->second;
  if (names_.size() >= kMaxStatements) return "";
  std::string name = "gatehouse_" + std::to_string(next_++);
  PGresult* r = PQprepare(conn, name.c_str(), text.c_str(), params, nullptr);
  const bool prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!prepared) return "";
  names_.emplace(text, name);
  return name;
}

}  // namespace gatehouse::store
