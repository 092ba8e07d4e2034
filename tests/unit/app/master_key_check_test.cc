#include "app/master_key_check.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

TEST(MasterKeyCheckTest, TheFirstKeyIsRecordedAndOnlyItOpensTheDatabaseAgain) {
  TempDataDir data;
  SystemRandom random;
  const std::string key(32, 'k');
  ASSERT_TRUE(CheckMasterKey(data.state(), key, random, 1000).ok());
  auto check = data.state().directory().Get<model::MasterKeyCheck>("master");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->created_ms, 1000);
  EXPECT_EQ(check->sealed.find(HexEncode("gatehouse")), std::string::npos);  // sealed

  data.Reopen();  // a restart, or another instance
  EXPECT_TRUE(CheckMasterKey(data.state(), key, random, 2000).ok());
  EXPECT_EQ(data.state().directory().Get<model::MasterKeyCheck>("master")->created_ms, 1000);
  Status other = CheckMasterKey(data.state(), std::string(32, 'x'), random, 2000);
  EXPECT_EQ(other.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(other.message().find("another master key"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::app
