#include "app/bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/data_dir.h"
#include "core/crypto.h"
#include "services/directory_credentials.h"
#include "store/sqlite_store.h"

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
  std::string dir = std::filesystem::temp_directory_path() /
                    ("gatehouse-bootstrap-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  SystemRandom random;
  auto master = LoadOrCreateMasterKey(dir, random);
  ASSERT_TRUE(master.ok());
  EXPECT_EQ(*LoadOrCreateMasterKey(dir, random), *master);  // created once
  struct stat st{};
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

  // The root reset token is kept only as its SHA-256, valid for a day.
  EXPECT_EQ(result->root_reset_token.size(), 64u);
  auto token = state.directory().FindRootResetToken(HexEncode(Sha256(result->root_reset_token)));
  ASSERT_NE(token, nullptr);
  EXPECT_EQ(token->account_id, "123456789012");
  EXPECT_EQ(token->expires_ms, 1000 + 24 * 3600 * 1000LL);
  EXPECT_EQ(state.directory().FindRootResetToken(result->root_reset_token), nullptr);

  auto again = Bootstrap(state, options, *master, random, 2000);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatehouse::app
