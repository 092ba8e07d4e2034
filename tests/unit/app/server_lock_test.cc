#include "app/server_lock.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "app/data_dir.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

TEST(ServerLockTest, OneHolderAtATime) {
  TempDataDir data;
  auto first = ServerLock::Acquire(data.path());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->acquired());
  // A second open file description is refused, within this process as from another.
  auto second = ServerLock::Acquire(data.path(), std::chrono::milliseconds(120));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->acquired());
  ServerLock moved = std::move(first).value();
  EXPECT_TRUE(moved.acquired());
  EXPECT_FALSE(ServerLock::Acquire(data.path())->acquired());
  moved = std::move(second).value();  // drops the lock it held
  EXPECT_TRUE(ServerLock::Acquire(data.path())->acquired());
}

TEST(ServerLockTest, ServerInfoRoundTrip) {
  TempDataDir data;
  EXPECT_EQ(ReadServerEndpoint(data.path()).status().code(), ErrorCode::kNoSuchEntity);
  ASSERT_TRUE(WriteServerInfo(data.path(), "http://127.0.0.1:4566").ok());
  auto endpoint = ReadServerEndpoint(data.path());
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(*endpoint, "http://127.0.0.1:4566");
  struct stat st {};
  ASSERT_EQ(stat((data.path() + "/server.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  RemoveServerInfo(data.path());
  EXPECT_FALSE(ReadServerEndpoint(data.path()).ok());
}

TEST(OperatorSecretTest, CreatedOncePrivateAndHex) {
  TempDataDir data;
  EXPECT_FALSE(ReadOperatorSecret(data.path()).ok());
  SystemRandom random;
  auto secret = LoadOrCreateOperatorSecret(data.path(), random);
  ASSERT_TRUE(secret.ok()) << secret.status().message();
  EXPECT_EQ(secret->size(), 64u);
  EXPECT_EQ(secret->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(*LoadOrCreateOperatorSecret(data.path(), random), *secret);
  EXPECT_EQ(*ReadOperatorSecret(data.path()), *secret);
  struct stat st {};
  ASSERT_EQ(stat((data.path() + "/operator.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace gatehouse::app
