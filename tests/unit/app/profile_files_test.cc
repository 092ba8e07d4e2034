#include "app/profile_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(IniSectionTest, AppendsANewSection) {
  EXPECT_EQ(SetIniSection("", "profile dev", "region = eu-west-1\n"),
            "[profile dev]\nregion = eu-west-1\n");
  EXPECT_EQ(SetIniSection("[a]\nx = 1\n", "b", "y = 2\n"), "[a]\nx = 1\n\n[b]\ny = 2\n");
  EXPECT_EQ(SetIniSection("[a]\nx = 1", "b", "y = 2\n"), "[a]\nx = 1\n\n[b]\ny = 2\n");
  EXPECT_EQ(SetIniSection("[a]\nx = 1\n\n", "b", "y = 2\n"), "[a]\nx = 1\n\n[b]\ny = 2\n");
}

TEST(IniSectionTest, ReplacesOnlyItsSection) {
  std::string text =
      "# my profiles\n"
      "[profile gatehouse]\nregion = us-east-1\n\n"
      "[profile  dev]\nregion = old\nendpoint_url = http://old\n\n"
      "[profile other]\n; keep me\nregion = ap-south-1\n";
  EXPECT_EQ(SetIniSection(text, "profile dev", "region = new\n"),
            "# my profiles\n"
            "[profile gatehouse]\nregion = us-east-1\n\n"
            "[profile dev]\nregion = new\n\n"
            "[profile other]\n; keep me\nregion = ap-south-1\n");
  // The last section, and duplicates of it.
  EXPECT_EQ(SetIniSection("[a]\nx = 1\n\n[b]\ny = 1\n[b]\ny = 2\n", "b", "y = 3\n"),
            "[a]\nx = 1\n\n[b]\ny = 3\n");
}

TEST(IniSectionTest, ReadsASection) {
  std::string text =
      "[profile gatehouse]\nregion = eu-west-1\nendpoint_url=http://127.0.0.1:4566\n"
      "# endpoint_url = http://commented\ns3 =\n  addressing_style = path\n"
      "[profile dev]\nregion = us-east-2\n";
  auto settings = GetIniSection(text, "profile gatehouse");
  EXPECT_EQ(settings.size(), 3u);
  EXPECT_EQ(settings["region"], "eu-west-1");
  EXPECT_EQ(settings["endpoint_url"], "http://127.0.0.1:4566");
  EXPECT_EQ(settings["s3"], "");
  EXPECT_EQ(GetIniSection(text, "profile dev")["region"], "us-east-2");
  EXPECT_TRUE(GetIniSection(text, "profile none").empty());
}

TEST(ProfileFilesTest, AddsAndReplacesProfilesKeepingTheOthers) {
  TempDataDir data;
  ASSERT_TRUE(WriteAwsProfile(data.path(), {"gatehouse", "eu-west-1", "http://127.0.0.1:4566",
                                            "AKIAGATEHOUSE0000001", "secret-one"})
                  .ok());
  ASSERT_TRUE(WriteAwsProfile(data.path(), {"dev", "eu-west-1", "http://127.0.0.1:4566",
                                            "AKIADEV0000000000001", "secret-two"})
                  .ok());
  EXPECT_EQ(Read(AwsConfigPath(data.path())),
            "[profile gatehouse]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4566\n"
            "output = json\n\n"
            "[profile dev]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:4566\n"
            "output = json\n");
  EXPECT_EQ(
      Read(AwsCredentialsPath(data.path())),
      "[gatehouse]\naws_access_key_id = AKIAGATEHOUSE0000001\n"
      "aws_secret_access_key = secret-one\n\n"
      "[dev]\naws_access_key_id = AKIADEV0000000000001\naws_secret_access_key = secret-two\n");

  // Replacing dev leaves gatehouse as it was.
  ASSERT_TRUE(WriteAwsProfile(data.path(), {"dev", "us-east-2", "https://iam.internal",
                                            "AKIADEV0000000000002", "secret-three"})
                  .ok());
  auto gatehouse = ReadAwsConfigProfile(data.path(), "gatehouse");
  EXPECT_EQ(gatehouse["region"], "eu-west-1");
  auto dev = ReadAwsConfigProfile(data.path(), "dev");
  EXPECT_EQ(dev["region"], "us-east-2");
  EXPECT_EQ(dev["endpoint_url"], "https://iam.internal");
  std::string credentials = Read(AwsCredentialsPath(data.path()));
  EXPECT_NE(credentials.find("secret-one"), std::string::npos);
  EXPECT_NE(credentials.find("secret-three"), std::string::npos);
  EXPECT_EQ(credentials.find("secret-two"), std::string::npos);

  for (const std::string& path : {AwsConfigPath(data.path()), AwsCredentialsPath(data.path())}) {
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
}

TEST(ProfileFilesTest, TheDefaultProfileIsPlainDefaultInConfig) {
  TempDataDir data;
  ASSERT_TRUE(
      WriteAwsProfile(data.path(), {"default", "us-east-1", "http://h:1", "AKIAX", "s"}).ok());
  EXPECT_EQ(Read(AwsConfigPath(data.path())).rfind("[default]\n", 0), 0u);
  EXPECT_EQ(ReadAwsConfigProfile(data.path(), "default")["endpoint_url"], "http://h:1");
}

TEST(ProfileFilesTest, RefusesNamesAndValuesThatWouldBreakTheFiles) {
  TempDataDir data;
  EXPECT_TRUE(IsValidProfileName("dev.team_2-eu"));
  EXPECT_FALSE(IsValidProfileName(""));
  EXPECT_FALSE(IsValidProfileName("my dev"));
  EXPECT_FALSE(IsValidProfileName("dev]"));
  EXPECT_FALSE(IsValidProfileName(std::string(65, 'p')));
  EXPECT_FALSE(WriteAwsProfile(data.path(), {"my dev", "r", "http://h", "AKIAX", "s"}).ok());
  EXPECT_FALSE(WriteAwsProfile(data.path(), {"dev", "r\n[x]", "http://h", "AKIAX", "s"}).ok());
  EXPECT_FALSE(std::filesystem::exists(AwsConfigPath(data.path())));
}

}  // namespace
}  // namespace gatehouse::app
