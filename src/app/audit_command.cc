#include "app/audit_command.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/database_options.h"
#include "app/deployment_store.h"
#include "audit/digest_signature.h"
#include "audit/file_chain_check.h"
#include "audit/store_chain_check.h"
#include "core/random.h"
#include "store/database_url.h"

namespace gatehouse::app {
namespace {

constexpr int kExitBroken = 1;
constexpr int kExitUsage = 2;

struct VerifyOptions {
  DatabaseSettings database;
  std::vector<std::string> files;
  std::string public_key;  // base64 (audit/digest_signature.h); "": signatures not checked
};

int Fail(const std::string& message, int code, const char* command = "verify") {
  std::cerr << "gatehouse audit " << command << ": " << message << "\n";
  return code;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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

// The database the settings name, which must exist: opening an SQLite database creates it, and
// a mistyped --data would verify an empty new one (or make a new key for it).
Result<store::DatabaseUrl> ExistingDatabase(const DatabaseSettings& settings) {
  Result<store::DatabaseUrl> url = DatabaseUrlOf(settings);
  if (url.ok() && url->engine == store::DatabaseUrl::kSqlite &&
      !std::filesystem::is_regular_file(url->target)) {
    return Status(ErrorCode::kInvalidParameterValue, "no gatehouse database at " + url->target);
  }
  return url;
}

int VerifyStore(const DatabaseSettings& settings, const std::optional<std::string>& public_key) {
  Result<store::DatabaseUrl> url = ExistingDatabase(settings);
  if (!url.ok()) return Fail(url.status().message(), kExitUsage);
  Result<std::unique_ptr<store::Store>> store = store::OpenDatabase(*url);
  if (!store.ok()) return Fail(store.status().message(), kExitBroken);
  Result<audit::ChainReport> report = audit::CheckStoreChain(**store, public_key);
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
  verify->add_option("--public-key", options->public_key,
                     "the deployment's key for the digests' signatures (gatehouse audit "
                     "public-key prints it): every digest must be signed by it");
  // With --file the database options (perhaps set in the environment) are not used.
  verify->callback([options, &exit_code] {
    std::optional<std::string> key;
    if (!options->public_key.empty()) {
      key = audit::ParsePublicKey(options->public_key);
      if (!key) {
        exit_code =
            Fail("--public-key is not an Ed25519 public key (base64 of 32 bytes)", kExitUsage);
        return;
      }
    }
    if (!key) {
      std::cout << "note: digest signatures not checked: give --public-key (gatehouse audit "
                   "public-key prints it)\n";
    }
    exit_code = options->files.empty() ? VerifyStore(options->database, key)
                                       : Report(audit::CheckExportedFiles(options->files, key));
  });
}

// The deployment's key opens its database (as serve does: the master key checked against it).
int PrintPublicKey(const DatabaseSettings& settings) {
  if (Result<store::DatabaseUrl> url = ExistingDatabase(settings); !url.ok()) {
    return Fail(url.status().message(), kExitUsage, "public-key");
  }
  SystemRandom random;
  Result<Deployment> deployment = OpenDeployment(settings, random, NowMs());
  if (!deployment.ok()) return Fail(deployment.status().message(), kExitUsage, "public-key");
  std::cout << audit::DigestSigner::FromMasterKey(deployment->master_key).public_key() << "\n";
  return 0;
}

void AddPublicKeyCommand(CLI::App& audit, int& exit_code) {
  auto settings = std::make_shared<DatabaseSettings>();
  CLI::App* command = audit.add_subcommand(
      "public-key",
      "Print the public key of the deployment's digest signatures, for audit verify "
      "--public-key");
  AddDatabaseOptions(*command, settings->data, settings->database);
  AddMasterKeyOptions(*command, settings->master_key_hex, settings->master_key_file);
  command->callback([settings, &exit_code] { exit_code = PrintPublicKey(*settings); });
}

}  // namespace

void AddAuditCommand(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "The audit trail's tamper evidence");
  audit->require_subcommand(1);
  AddVerifyCommand(*audit, exit_code);
  AddPublicKeyCommand(*audit, exit_code);
}

}  // namespace gatehouse::app
