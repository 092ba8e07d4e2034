#include "app/migrate_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/server_lock.h"
#include "app/store_copy.h"
#include "store/database_url.h"

namespace gatehouse::app {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct MigrateOptions {
  std::string from;
  std::string to;
};

int Fail(const std::string& message, int code = kExitFailed) {
  std::cerr << "gatehouse migrate: " << message << "\n";
  return code;
}

// The lock of the data directory that holds an SQLite source, when it has one (nullopt when
// not): a server that holds it is still writing the source.
Result<std::optional<ServerLock>> LockSourceDirectory(const store::DatabaseUrl& source) {
  std::filesystem::path dir = std::filesystem::path(source.target).parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::exists(dir / "server.lock")) return std::optional<ServerLock>();
  Result<ServerLock> lock = ServerLock::Acquire(dir.string());
  if (!lock.ok()) return lock.status();
  if (!lock->acquired()) {
    return Status(ErrorCode::kInvalidParameterValue,
                  "a gatehouse server is running on " + source.target + " (" + dir.string() +
                      "/server.lock is held): stop it first, or the writes it takes after the "
                      "copy are lost");
  }
  return std::optional<ServerLock>(std::move(lock).value());
}

void PrintReport(const StoreCopyReport& report) {
  std::printf("%-24s %10s %10s\n", "kind", "source", "target");
  for (size_t i = 0; i < report.source.counts.size(); ++i) {
    int64_t source = report.source.counts[i].second;
    int64_t target = i < report.target.counts.size() ? report.target.counts[i].second : 0;
    if (source == 0 && target == 0) continue;
    std::printf("%-24s %10lld %10lld\n", report.source.counts[i].first.c_str(),
                static_cast<long long>(source), static_cast<long long>(target));
  }
  std::printf("%-24s %10lld %10lld\n", "all", static_cast<long long>(report.source.total),
              static_cast<long long>(report.target.total));
  std::printf("sha256 source %s\nsha256 target %s\n", report.source.sha256.c_str(),
              report.target.sha256.c_str());
  std::fflush(stdout);
}

int RunMigrate(const MigrateOptions& options) {
  Result<store::DatabaseUrl> from = store::ParseDatabaseUrl(options.from);
  if (!from.ok()) return Fail("--from: " + from.status().message(), kExitUsage);
  Result<store::DatabaseUrl> to = store::ParseDatabaseUrl(options.to);
  if (!to.ok()) return Fail("--to: " + to.status().message(), kExitUsage);
  if (from->engine == to->engine && from->target == to->target) {
    return Fail("--from and --to name the same database", kExitUsage);
  }
  Result<std::optional<ServerLock>> source_lock = std::optional<ServerLock>();
  if (from->engine == store::DatabaseUrl::kSqlite) {
    if (!std::filesystem::is_regular_file(from->target)) {
      return Fail("no gatehouse database at " + from->target);
    }
    source_lock = LockSourceDirectory(*from);  // held until the copy is done
    if (!source_lock.ok()) return Fail(source_lock.status().message());
  }
  Result<std::unique_ptr<store::Store>> source = store::OpenDatabase(*from);
  if (!source.ok()) return Fail("--from " + options.from + ": " + source.status().message());
  Result<std::unique_ptr<store::Store>> target = store::OpenDatabase(*to);
  if (!target.ok()) return Fail("--to " + options.to + ": " + target.status().message());
  Result<StoreCopyReport> report = CopyStore(**source, **target);
  if (!report.ok()) return Fail(report.status().message());
  PrintReport(*report);
  if (!report->matches()) {
    return Fail("the copy in " + options.to +
                " differs from the source: do not use it; drop it and migrate again");
  }
  std::cout << "copied " << report->source.total << " entries from " << options.from << " to "
            << options.to << " and verified them; start the instances with --database "
            << options.to << " and the source's master key\n"
            << std::flush;
  return 0;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* migrate = app.add_subcommand(
      "migrate",
      "Copy a database into an empty one (SQLite to PostgreSQL, or back) and verify the copy");
  migrate
      ->add_option("--from", options->from,
                   "the source: sqlite:PATH or postgresql://HOST[:PORT]/DB (stop its servers "
                   "first)")
      ->required();
  migrate
      ->add_option("--to", options->to,
                   "the target, empty: postgresql://HOST[:PORT]/DB or sqlite:PATH (password from "
                   "PGPASSWORD or ~/.pgpass)")
      ->required();
  migrate->callback([options, &exit_code] { exit_code = RunMigrate(*options); });
}

}  // namespace gatehouse::app
