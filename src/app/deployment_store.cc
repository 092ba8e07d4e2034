#include "app/deployment_store.h"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>

#include "app/data_dir.h"
#include "app/master_key_check.h"

namespace gatehouse::app {
namespace {

Status Invalid(const std::string& message) {
  return Status(ErrorCode::kInvalidParameterValue, message);
}

// The key the operator gave (GATEHOUSE_MASTER_KEY or --master-key-file), nullopt when neither.
Result<std::optional<std::string>> GivenMasterKey(const DatabaseSettings& settings) {
  if (!settings.master_key_hex.empty() && !settings.master_key_file.empty()) {
    return Invalid("give the master key once: GATEHOUSE_MASTER_KEY or --master-key-file");
  }
  if (!settings.master_key_hex.empty()) {
    Result<std::string> key = MasterKeyFromHex(settings.master_key_hex);
    if (!key.ok()) return key.status();
    return std::optional<std::string>(std::move(key).value());
  }
  if (settings.master_key_file.empty()) return std::optional<std::string>();
  std::ifstream in(settings.master_key_file);
  std::string hex((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || (!in.good() && !in.eof())) {
    return Invalid("cannot read " + settings.master_key_file);
  }
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  Result<std::string> key = MasterKeyFromHex(hex);
  if (!key.ok()) return key.status();
  return std::optional<std::string>(std::move(key).value());
}

// DATA/master.key, made with a new database only: a new key for a database that already holds
// accounts would seal secrets that the instances holding the real key cannot open.
Result<std::string> DataDirectoryMasterKey(const DatabaseSettings& settings,
                                           const store::State& state, Random& random) {
  const std::string path = settings.data + "/master.key";
  if (::access(path.c_str(), F_OK) != 0 && !state.directory().ListAccounts().empty()) {
    return Invalid(path +
                   " is missing but the database holds accounts: give the key its server uses "
                   "in GATEHOUSE_MASTER_KEY or --master-key-file");
  }
  return LoadOrCreateMasterKey(settings.data, random);
}

}  // namespace

Result<store::DatabaseUrl> DatabaseUrlOf(const DatabaseSettings& settings) {
  return store::ParseDatabaseUrl(
      settings.database.empty() ? "sqlite:" + settings.data + "/gatehouse.db" : settings.database);
}

Result<LoadedStore> OpenAndLoad(const store::DatabaseUrl& url) {
  LoadedStore loaded;
  Result<std::unique_ptr<store::Store>> opened = store::OpenDatabase(url);
  if (!opened.ok()) return opened.status();
  loaded.store = std::move(opened).value();
  loaded.state = std::make_unique<store::State>(*loaded.store);
  RETURN_IF_ERROR(loaded.state->Load());
  return loaded;
}

Result<Deployment> OpenDeployment(const DatabaseSettings& settings, Random& random,
                                  int64_t now_ms) {
  Result<store::DatabaseUrl> url = DatabaseUrlOf(settings);
  if (!url.ok()) return url.status();
  Result<std::optional<std::string>> given = GivenMasterKey(settings);
  if (!given.ok()) return given.status();
  if (!given->has_value() && url->engine == store::DatabaseUrl::kPostgres) {
    return Invalid(
        "with PostgreSQL, give the master key in GATEHOUSE_MASTER_KEY or --master-key-file: "
        "every instance needs the same one, not a key of its own data directory");
  }
  Result<LoadedStore> loaded = OpenAndLoad(*url);
  if (!loaded.ok()) return loaded.status();
  store::State& state = *loaded->state;
  Result<std::string> key = given->has_value() ? Result<std::string>(**given)
                                               : DataDirectoryMasterKey(settings, state, random);
  if (!key.ok()) return key.status();
  RETURN_IF_ERROR(CheckMasterKey(state, *key, random, now_ms));
  return Deployment{*url, std::move(loaded).value(), std::move(key).value()};
}

}  // namespace gatehouse::app
