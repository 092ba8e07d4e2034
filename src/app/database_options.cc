#include "app/database_options.h"

namespace gatehouse::app {

void AddDatabaseOptions(CLI::App& command, std::string& data, std::string& database) {
  command.add_option("--data", data, "data directory")
      ->envname("GATEHOUSE_DATA")
      ->capture_default_str();
  command
      .add_option("--database", database,
                  "sqlite:PATH (default sqlite:DATA/gatehouse.db) or postgresql://HOST[:PORT]/DB "
                  "(password from PGPASSWORD or ~/.pgpass)")
      ->envname("GATEHOUSE_DATABASE");
}

void AddMasterKeyOptions(CLI::App& command, std::string& master_key_hex,
                         std::string& master_key_file) {
  command.add_option("--master-key", master_key_hex)->envname("GATEHOUSE_MASTER_KEY")->group("");
  command
      .add_option("--master-key-file", master_key_file,
                  "a file (0600) holding the master key's 64 hex digits, kept outside DATA "
                  "(or GATEHOUSE_MASTER_KEY; needed with PostgreSQL)")
      ->envname("GATEHOUSE_MASTER_KEY_FILE");
}

}  // namespace gatehouse::app
