#include "app/deployment_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/standalone_account.h"
#include "core/crypto.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

const std::string kKeyHex(64, 'a');

DatabaseSettings Settings(const TempDataDir& dir) {
  DatabaseSettings settings;
  settings.data = dir.path();
  return settings;
}

TEST(DeploymentStoreTest, TheDefaultDatabaseIsTheDataDirectorysSqliteFile) {
  DatabaseSettings settings;
  settings.data = "/srv/gh";
  Result<store::DatabaseUrl> url = DatabaseUrlOf(settings);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->engine, store::DatabaseUrl::kSqlite);
  EXPECT_EQ(url->target, "/srv/gh/gatehouse.db");
  settings.database = "postgresql://db.internal/gatehouse";
  EXPECT_EQ(DatabaseUrlOf(settings)->engine, store::DatabaseUrl::kPostgres);
  settings.database = "mysql://db";
  EXPECT_EQ(DatabaseUrlOf(settings).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(DeploymentStoreTest, ANewSqliteDatabaseGetsTheDataDirectorysKeyRecorded) {
  TempDataDir dir;
  SystemRandom random;
  Result<Deployment> first = OpenDeployment(Settings(dir), random, 1000);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/master.key"));
  EXPECT_EQ(first->master_key.size(), 32u);
  EXPECT_NE(first->loaded.state->directory().Get<model::MasterKeyCheck>("master"), nullptr);

  // The same key again; an explicit other key is refused by the check.
  Result<Deployment> again = OpenDeployment(Settings(dir), random, 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->master_key, first->master_key);
  DatabaseSettings other = Settings(dir);
  other.master_key_hex = kKeyHex;
  Result<Deployment> refused = OpenDeployment(other, random, 3000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refused.status().message().find("another master key"), std::string::npos);
}

TEST(DeploymentStoreTest, NoNewDataDirectoryKeyForADatabaseThatHoldsAccounts) {
  TempDataDir dir;
  SystemRandom random;
  StandaloneAccountRequest request;
  request.name = "dev";
  request.email = "dev@example.com";
  ASSERT_TRUE(CreateStandaloneAccount(dir.state(), request, std::string(32, 'k'), random, 1).ok());
  Result<Deployment> refused = OpenDeployment(Settings(dir), random, 2);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("master.key is missing but the database holds"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/master.key"));

  DatabaseSettings given = Settings(dir);
  given.master_key_hex = HexEncode(std::string(32, 'k'));
  Result<Deployment> opened = OpenDeployment(given, random, 3);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->loaded.state->directory().ListAccounts().size(), 1u);
}

TEST(DeploymentStoreTest, TheKeyFromAFile) {
  TempDataDir dir;
  SystemRandom random;
  DatabaseSettings settings = Settings(dir);
  settings.master_key_file = dir.path() + "/elsewhere.key";
  { std::ofstream(settings.master_key_file) << kKeyHex << "\n"; }
  Result<Deployment> opened = OpenDeployment(settings, random, 1);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->master_key, std::string(32, '\xaa'));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/master.key"));

  settings.master_key_hex = kKeyHex;  // both: which one?
  EXPECT_NE(OpenDeployment(settings, random, 1).status().message().find("give the master key once"),
            std::string::npos);
  settings.master_key_hex.clear();
  settings.master_key_file = dir.path() + "/missing.key";
  EXPECT_NE(OpenDeployment(settings, random, 1).status().message().find("cannot read"),
            std::string::npos);
}

TEST(DeploymentStoreTest, PostgresWithoutAGivenKeyIsRefusedBeforeAnyConnection) {
  TempDataDir dir;
  SystemRandom random;
  DatabaseSettings settings = Settings(dir);
  settings.database = "postgresql://gatehouse@127.0.0.1:1/nowhere";  // nothing listens there
  Result<Deployment> refused = OpenDeployment(settings, random, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refused.status().message().find("GATEHOUSE_MASTER_KEY or --master-key-file"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/master.key"));
  settings.master_key_hex = "xyz";
  EXPECT_NE(OpenDeployment(settings, random, 1).status().message().find("64 hex digits"),
            std::string::npos);
}

}  // namespace
}  // namespace gatehouse::app
