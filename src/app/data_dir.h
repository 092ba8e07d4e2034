// The data directory's files besides the database: the master key (32 random bytes, mode
// 0600, created once), the operator secret, and files written with owner-only permissions.
#pragma once

#include <string>
#include <string_view>

#include "core/random.h"
#include "core/status.h"

namespace gatehouse::app {

// DATA/master.key, created on first use.
Result<std::string> LoadOrCreateMasterKey(const std::string& data_dir, Random& random);

// A master key given as 64 hex digits (GATEHOUSE_MASTER_KEY or the config file's master-key),
// for deployments that keep it outside the data directory.
Result<std::string> MasterKeyFromHex(std::string_view hex);

// DATA/operator.secret: 32 random bytes as 64 hex digits (mode 0600), created by `serve` when
// absent. Whoever can read it may use the running server's admin endpoint
// (app/admin_endpoint.h); the command line reads it to reach that endpoint.
Result<std::string> LoadOrCreateOperatorSecret(const std::string& data_dir, Random& random);
Result<std::string> ReadOperatorSecret(const std::string& data_dir);

// Writes `content` to `path` (mode 0600) through a temporary file and a rename, so a reader
// never sees half a file.
Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace gatehouse::app
