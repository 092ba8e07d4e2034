#include "app/audit_command.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/database_options.h"
#include "app/deployment_store.h"
#include "audit/file_chain_check.h"
#include "audit/store_chain_check.h"
#include "store/database_url.h"

namespace gatehouse::app {
namespace {

constexpr int kExitBroken = 1;
constexpr int kExitUsage = 2;

struct VerifyOptions {
  DatabaseSettings database;
  std::vector<std::string> files;
};

int Fail(const std::string& message, int code) {
  std::cerr << "gatehouse audit verify: " << message << "\n";
  return code;
}

int Report(const audit::ChainReport& report) {
  for (const std::string& note : report.notes) std::cout << "note: " << note << "\n";
  if (report.broken) {
    std::cout << "broken link: batch " << report.broken->batch << " (" << report.broken->where
              << "): " << report.broken->reason << "\n"
              << std::flush;
    return kExitBroken;
  }
  std::cout << "verified: " << report.events << " events in " << report.batches
            << " batches, chain intact";
  if (report.unsealed > 0) std::cout << "; " << report.unsealed << " events not yet sealed";
  std::cout << "\n" << std::flush;
  return 0;
}

int VerifyStore(const DatabaseSettings& settings) {
  Result<store::DatabaseUrl> url = DatabaseUrlOf(settings);
  if (!url.ok()) return Fail(url.status().message(), kExitUsage);
  // Opening an SQLite database creates it: a mistyped --data would verify an empty new one.
  if (url->engine == store::DatabaseUrl::kSqlite &&
      !std::filesystem::is_regular_file(url->target)) {
    return Fail("no gatehouse database at " + url->target, kExitUsage);
  }
  Result<std::unique_ptr<store::Store>> store = store::OpenDatabase(*url);
  if (!store.ok()) return Fail(store.status().message(), kExitBroken);
  Result<audit::ChainReport> report = audit::CheckStoreChain(**store);
  if (!report.ok()) return Fail(report.status().message(), kExitBroken);
  return Report(*report);
}

void AddVerifyCommand(CLI::App& audit, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* verify = audit.add_subcommand(
      "verify",
      "Check the chain of digests of the stored events, or of exported files (--file), and "
      "report the first broken link");
  AddDatabaseOptions(*verify, options->database.data, options->database.database);
  verify->add_option("--file", options->files,
                     "an exported file (--audit-file) to check with its PATH.digest; repeat "
                     "oldest first (PATH.1 then PATH) to check the links between them");
  // With --file the database options (perhaps set in the environment) are not used.
  verify->callback([options, &exit_code] {
    exit_code = options->files.empty() ? VerifyStore(options->database)
                                       : Report(audit::CheckExportedFiles(options->files));
  });
}

}  // namespace

void AddAuditCommand(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "The audit trail's tamper evidence");
  audit->require_subcommand(1);
  AddVerifyCommand(*audit, exit_code);
}

}  // namespace gatehouse::app
