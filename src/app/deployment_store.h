// The database of a deployment, opened for a command: the URL it is named by (--database,
// GATEHOUSE_DATABASE, the config file's `database`; default sqlite:DATA/gatehouse.db), loaded
// into a State, and the master key that every instance on it shares, checked against the
// database's key check (app/master_key_check.h). `serve` and `gatehouse account` open their
// database here, so they take the key from the same places and refuse the same wrong ones.
// The master key comes from GATEHOUSE_MASTER_KEY (64 hex digits), from --master-key-file, or,
// with SQLite only, from DATA/master.key (created with a new database); PostgreSQL is shared by
// instances on several machines, so its key is never a data directory's own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "store/database_url.h"
#include "store/directory.h"

namespace gatehouse::app {

struct DatabaseSettings {
  std::string data = "./data";  // the data directory
  std::string database;         // sqlite:PATH or postgresql://…; "": sqlite:DATA/gatehouse.db
  std::string master_key_hex;   // GATEHOUSE_MASTER_KEY (or the config file's master-key)
  std::string master_key_file;  // --master-key-file: a file holding the 64 hex digits
};

// The URL the settings name; InvalidParameterValue for a malformed one.
Result<store::DatabaseUrl> DatabaseUrlOf(const DatabaseSettings& settings);

// A store and the State loaded from it. The State refers to the store: it is declared after it,
// so it goes first. Movable, not copyable.
struct LoadedStore {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::State> state;
};

// Opens (creating or migrating as needed) the database `url` names and loads it.
Result<LoadedStore> OpenAndLoad(const store::DatabaseUrl& url);

struct Deployment {
  store::DatabaseUrl url;
  LoadedStore loaded;
  std::string master_key;  // 32 bytes
};

// Opens and loads the settings' database and checks the master key against it (recording the
// check on a database that has none). InvalidParameterValue when the key is missing (with
// PostgreSQL), malformed, or another one than the database's; ServiceFailure when the
// database cannot be opened. A PostgreSQL deployment without a key is refused before any
// connection is made.
Result<Deployment> OpenDeployment(const DatabaseSettings& settings, Random& random, int64_t now_ms);

}  // namespace gatehouse::app
