#include "app/bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/data_dir.h"
#include "app/profile_files.h"
#include "app/standalone_account.h"
#include "core/crypto.h"
#include "services/directory_credentials.h"
#include "store/sqlite_store.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MasterKeyTest, FromHex) {
  auto key = MasterKeyFromHex(std::string(64, 'a'));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, std::string(32, '\xaa'));
  EXPECT_FALSE(MasterKeyFromHex("abc").ok());
  EXPECT_FALSE(MasterKeyFromHex(std::string(64, 'g')).ok());
}

TEST(BootstrapTest, CreatesTheManagementAccountOnce) {
  std::string dir =
      std::filesystem::temp_directory_path() / ("gatehouse-bootstrap-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SystemRandom random;
  auto master = LoadOrCreateMasterKey(dir, random);
  ASSERT_TRUE(master.ok());
  EXPECT_EQ(*LoadOrCreateMasterKey(dir, random), *master);  // created once
  struct stat st {};
  ASSERT_EQ(stat((dir + "/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto db = store::SqliteStore::Open(dir + "/gatehouse.db");
  ASSERT_TRUE(db.ok());
  store::State state(**db);
  ASSERT_TRUE(state.Load().ok());
  BootstrapOptions options{dir, "http://127.0.0.1:4566", "eu-west-1", "123456789012",
                           "ops@example.com"};
  auto result = Bootstrap(state, options, *master, random, 1000);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->created);
  EXPECT_EQ(result->account_id, "123456789012");
  EXPECT_NE(result->exports.find("export AWS_PROFILE=gatehouse"), std::string::npos);

  auto root = state.directory().FindRoot("123456789012");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->email, "ops@example.com");
  EXPECT_EQ(root->password_hash.rfind("$argon2id$", 0), 0u);
  ASSERT_NE(state.directory().FindUser("123456789012", "admin"), nullptr);

  std::string credentials = Read(dir + "/aws/credentials");
  std::string key_id = credentials.substr(credentials.find("aws_access_key_id = ") + 20, 20);
  std::string secret = credentials.substr(credentials.find("aws_secret_access_key = ") + 24, 40);
  // The secret is sealed at rest, and the credential source opens it again.
  auto key = state.directory().FindAccessKey(key_id);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->sealed_secret.find(secret), std::string::npos);
  services::DirectoryCredentials source(state.directory(), *master);
  auto record = source.FindAccessKey(key_id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->secret, secret);
  EXPECT_EQ(record->principal_arn, "arn:aws:iam::123456789012:user/admin");
  EXPECT_NE(Read(dir + "/aws/config").find("region = eu-west-1"), std::string::npos);
  // Under another master key the sealed secret is unusable.
  services::DirectoryCredentials wrong(state.directory(), std::string(32, 'x'));
  EXPECT_FALSE(wrong.FindAccessKey(key_id));

  // The alias gives the endpoint to CLIs that do not read it from the profile.
  EXPECT_EQ(result->alias, "alias aws='aws --endpoint-url " + options.endpoint_url + "'\n");
  // The root reset link is the console's page with a token kept only as its SHA-256, valid
  // for a day.
  const std::string prefix = options.endpoint_url + "/reset-password?token=";
  ASSERT_EQ(result->root_reset_url.rfind(prefix, 0), 0u) << result->root_reset_url;
  const std::string reset_token = result->root_reset_url.substr(prefix.size());
  EXPECT_EQ(reset_token.size(), 64u);
  auto token = state.directory().FindRootResetToken(HexEncode(Sha256(reset_token)));
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->account_id, "123456789012");
  EXPECT_EQ(token->expires_ms, 1000 + 24 * 3600 * 1000LL);
  EXPECT_EQ(state.directory().FindRootResetToken(reset_token), nullptr);

  auto again = Bootstrap(state, options, *master, random, 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->account_id, "123456789012");
  std::filesystem::remove_all(dir);
}

TEST(BootstrapTest, AccountsCreatedBeforeTheFirstStartDoNotCount) {
  testing_support::TempDataDir data;
  SystemRandom random;
  const std::string master(32, 'm');
  StandaloneAccountRequest request;
  request.name = "dev";
  request.email = "dev@example.com";
  auto dev = CreateStandaloneAccount(data.state(), request, master, random, 1000);
  ASSERT_TRUE(dev.ok());
  ASSERT_TRUE(WriteAwsProfile(data.path(), {"dev", "us-east-1", "http://127.0.0.1:5000",
                                            dev->access_key_id, dev->secret_access_key})
                  .ok());

  BootstrapOptions options{data.path(), "http://127.0.0.1:5000", "us-east-1", "",
                           "ops@example.com"};
  auto result = Bootstrap(data.state(), options, master, random, 2000);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->created);
  EXPECT_NE(result->account_id, dev->account_id);
  auto origin = data.state().directory().Get<model::AccountOrigin>(result->account_id);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->origin, model::kAccountOriginBootstrap);
  EXPECT_EQ(data.state().directory().FindAccount(result->account_id)->name, "management");
  // The profile written before is still there, beside the bootstrap one.
  EXPECT_EQ(ReadAwsConfigProfile(data.path(), "dev")["endpoint_url"], "http://127.0.0.1:5000");
  EXPECT_FALSE(ReadAwsConfigProfile(data.path(), "gatehouse").empty());
  std::string credentials = Read(AwsCredentialsPath(data.path()));
  EXPECT_NE(credentials.find(dev->secret_access_key), std::string::npos);

  data.Reopen();
  auto again = Bootstrap(data.state(), options, master, random, 3000);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->account_id, result->account_id);
  EXPECT_EQ(data.state().directory().ListAccounts().size(), 2u);
}

TEST(BootstrapTest, AnAccountFromBeforeOriginsIsTheManagementAccount) {
  // Data directories bootstrapped before accounts had an origin hold one unmarked account.
  testing_support::TempDataDir data;
  SystemRandom random;
  ASSERT_TRUE(data.state()
                  .Commit({{store::InsertAccount{
                      {"210987654321", "management", "root@gatehouse.local", 10}}}})
                  .ok());
  BootstrapOptions options;
  options.data_dir = data.path();
  options.endpoint_url = "http://127.0.0.1:4566";
  auto result = Bootstrap(data.state(), options, std::string(32, 'm'), random, 2000);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->created);
  EXPECT_EQ(result->account_id, "210987654321");
  auto origin = data.state().directory().Get<model::AccountOrigin>("210987654321");
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->origin, model::kAccountOriginBootstrap);
  EXPECT_EQ(data.state().directory().ListAccounts().size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(AwsConfigPath(data.path())));
}

}  // namespace
}  // namespace gatehouse::app
