// The data directory's files besides the database: the master key (32 random bytes, mode
// 0600, created once) and files written with owner-only permissions.
#pragma once

#include <string>

#include "core/random.h"
#include "core/status.h"

namespace gatehouse::app {

// DATA/master.key, created on first use.
Result<std::string> LoadOrCreateMasterKey(const std::string& data_dir, Random& random);

// Writes `content` to `path` (mode 0600) through a temporary file and a rename, so a reader
// never sees half a file.
Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace gatehouse::app
