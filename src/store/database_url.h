// The database a deployment names with --database (GATEHOUSE_DATABASE, the config file's
// `database`): `sqlite:PATH`, the embedded default, or a libpq URI `postgresql://…` (also
// `postgres://…`) for several instances sharing one state. A URI that carries a password is
// refused: the command line and the environment of a process are readable by other local
// users and end up in logs; libpq reads the password from PGPASSWORD or ~/.pgpass.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace gatehouse::store {

struct DatabaseUrl {
  enum Engine { kSqlite, kPostgres };
  Engine engine = kSqlite;
  std::string target;  // the SQLite file's path, or the libpq URI as given
};

// InvalidParameterValue for anything else, an empty path, or a password in the URI.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

// Opens (creating or migrating as needed) the store the URL names.
Result<std::unique_ptr<Store>> OpenDatabase(const DatabaseUrl& url);

}  // namespace gatehouse::store
