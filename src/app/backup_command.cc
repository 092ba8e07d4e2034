#include "app/backup_command.h"

#include <iostream>
#include <memory>

#include "app/database_options.h"
#include "app/deployment_store.h"
#include "app/sqlite_backup.h"

namespace gatehouse::app {
namespace {

struct BackupOptions {
  DatabaseSettings database;
  std::string to;
};

int RunBackup(const BackupOptions& options) {
  Result<store::DatabaseUrl> url = DatabaseUrlOf(options.database);
  if (!url.ok()) {
    std::cerr << "gatehouse backup: " << url.status().message() << "\n";
    return 2;
  }
  if (url->engine == store::DatabaseUrl::kPostgres) {
    std::cerr << "gatehouse backup: " << PostgresBackupAdvice(url->target, options.to) << "\n";
    return 2;
  }
  Result<StoreDigest> copy = BackupSqliteDatabase(url->target, options.to);
  if (!copy.ok()) {
    std::cerr << "gatehouse backup: " << copy.status().message() << "\n";
    return 1;
  }
  std::cout << "backed up " << url->target << " to " << options.to << " (integrity_check ok; "
            << DescribeDigest(*copy) << ")\n"
            << std::flush;
  return 0;
}

}  // namespace

std::string PostgresBackupAdvice(const std::string& uri, const std::string& to) {
  return "a PostgreSQL database is backed up with PostgreSQL's tools, not gatehouse's: "
         "pg_dump --format=custom --file=" +
         to + " '" + uri +
         "' (a consistent snapshot, taken while the instances run; restore it into an empty "
         "database with pg_restore --no-owner --dbname='postgresql://HOST/NEWDB' " +
         to +
         "), or pg_basebackup with WAL archiving for point-in-time recovery; the master key is "
         "kept apart, as for SQLite";
}

void AddBackupCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BackupOptions>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Copy the SQLite database to a file, safely while the server runs, and verify the copy "
      "(PostgreSQL: use pg_dump)");
  AddDatabaseOptions(*backup, options->database.data, options->database.database);
  backup->add_option("--to", options->to, "the backup file to create (never overwritten)")
      ->required();
  backup->callback([options, &exit_code] { exit_code = RunBackup(*options); });
}

}  // namespace gatehouse::app
