// The command-line options that name a deployment's database and its master key, the same for
// every command that opens it (serve, account, backup): --data (GATEHOUSE_DATA), --database
// (GATEHOUSE_DATABASE), --master-key-file (GATEHOUSE_MASTER_KEY_FILE) and the master key itself,
// taken from GATEHOUSE_MASTER_KEY only: a secret on the command line would show in the process
// list (main refuses --master-key there).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace gatehouse::app {

void AddDatabaseOptions(CLI::App& command, std::string& data, std::string& database);
void AddMasterKeyOptions(CLI::App& command, std::string& master_key_hex,
                         std::string& master_key_file);

}  // namespace gatehouse::app
