#include "store/database_url.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace gatehouse::store {
namespace {

Status Invalid(const std::string& why) {
  return Status(ErrorCode::kInvalidParameterValue, "--database: " + why);
}

// Whether a postgresql:// URI names a password: `user:password@` before the host, or a
// `password=` parameter.
bool HasPassword(std::string_view uri) {
  std::string_view rest = uri.substr(uri.find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (authority.substr(0, at).find(':') != std::string_view::npos) return true;
  }
  if (size_t query = rest.find('?'); query != std::string_view::npos) {
    std::string_view params = rest.substr(query);
    for (size_t p = params.find("password="); p != std::string_view::npos;
         p = params.find("password=", p + 1)) {
      if (params[p - 1] == '?' || params[p - 1] == '&') return true;
    }
  }
  return false;
}

}  // namespace

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string path(url.substr(7));
    if (path.empty()) return Invalid("sqlite: needs a file path (sqlite:/var/lib/gatehouse.db)");
    return DatabaseUrl{DatabaseUrl::kSqlite, path};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    if (HasPassword(url)) {
      return Invalid(
          "the URI holds a password; give it in PGPASSWORD or ~/.pgpass, where libpq finds it");
    }
    return DatabaseUrl{DatabaseUrl::kPostgres, std::string(url)};
  }
  return Invalid("expected sqlite:PATH or postgresql://HOST[:PORT]/DATABASE");
}

Result<std::unique_ptr<Store>> OpenDatabase(const DatabaseUrl& url) {
  if (url.engine == DatabaseUrl::kPostgres) {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(url.target);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(url.target);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace gatehouse::store
