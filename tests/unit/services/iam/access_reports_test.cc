#include "services/iam/access_reports.h"

#include <gtest/gtest.h>

#include "policy/parse.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1796000000000;  // 2026-11-30T00:53:20Z
constexpr int64_t kDay = 24LL * 3600 * 1000;

AccessSubject Role(const std::string& name) {
  return {AccessSubject::Kind::kRole, "arn:aws:iam::111122223333:role/" + name, name, "AROA" + name,
          "/"};
}

ServiceReportInput Input(std::vector<PrincipalUsage> principals) {
  ServiceReportInput in;
  in.services = {"iam", "sts"};
  auto doc = policy::ParsePolicy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:Get*","sts:*"],)"
      R"("Resource":"*"}})",
      policy::PolicyKind::kIdentity);
  in.policies = {*doc};
  in.principals = std::move(principals);
  in.now_ms = kNow;
  in.tracked_actions = [](std::string_view ns) {
    return ns == "iam" ? std::vector<std::string>{"iam:CreateUser", "iam:GetRole", "iam:GetUser"}
                       : std::vector<std::string>{};
  };
  return in;
}

model::PrincipalActivity Used(const std::string& role, int64_t ms) {
  return {"111122223333",
          "AROA" + role,
          "arn:aws:iam::111122223333:role/" + role,
          {{"sts", {ms, "eu-west-1"}}, {"iam", {ms - 1000, "us-east-1"}}},
          {{"sts:AssumeRole", {ms, "eu-west-1"}}, {"iam:GetRole", {ms - 1000, "us-east-1"}}}};
}

TEST(AccessReportsTest, ARoleUsedYesterdayAndOneNeverUsed) {
  json used = ServiceReportContents(Input({{Role("Used"), Used("Used", kNow - kDay)}}));
  json services = used["ServicesLastAccessed"];
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[1], json({{"ServiceName", "AWS Security Token Service"},
                               {"ServiceNamespace", "sts"},
                               {"LastAuthenticated", "2026-11-29T00:53:20Z"},
                               {"LastAuthenticatedEntity", "arn:aws:iam::111122223333:role/Used"},
                               {"LastAuthenticatedRegion", "eu-west-1"},
                               {"TotalAuthenticatedEntities", 1}}));
  json never = ServiceReportContents(Input({{Role("Idle"), {}}}));
  EXPECT_EQ(never["ServicesLastAccessed"][0],
            json({{"ServiceName", "AWS Identity and Access Management"},
                  {"ServiceNamespace", "iam"},
                  {"TotalAuthenticatedEntities", 0}}));
}

TEST(AccessReportsTest, AttemptsBeforeTheTrackingPeriodAreNotShown) {
  json old = ServiceReportContents(Input({{Role("Old"), Used("Old", kNow - 401 * kDay)}}));
  EXPECT_FALSE(old["ServicesLastAccessed"][1].contains("LastAuthenticated"));
  EXPECT_EQ(old["ServicesLastAccessed"][1]["TotalAuthenticatedEntities"], 0);
  EXPECT_EQ(EntityDetails(old, "sts")[0].contains("LastAuthenticated"), false);
}

TEST(AccessReportsTest, ActionLevelListsTheGrantedTrackedActions) {
  ServiceReportInput in = Input({{Role("Used"), Used("Used", kNow - kDay)}});
  in.action_level = true;
  json iam = ServiceReportContents(in)["ServicesLastAccessed"][0];
  // CreateUser is tracked but not granted; GetRole was used, GetUser not.
  EXPECT_EQ(iam["TrackedActionsLastAccessed"],
            json::parse(R"([{"ActionName":"GetRole",)"
                        R"("LastAccessedEntity":"arn:aws:iam::111122223333:role/Used",)"
                        R"("LastAccessedTime":"2026-11-29T00:53:19Z",)"
                        R"("LastAccessedRegion":"us-east-1"},{"ActionName":"GetUser"}])"));
  json sts = ServiceReportContents(in)["ServicesLastAccessed"][1];
  EXPECT_FALSE(sts.contains("TrackedActionsLastAccessed"));  // no tracked action
}

TEST(AccessReportsTest, EntitiesAreTheLatestFirstThenTheUnused) {
  json contents = ServiceReportContents(Input({{Role("A"), {}},
                                               {Role("B"), Used("B", kNow - 3 * kDay)},
                                               {Role("C"), Used("C", kNow - kDay)}}));
  EXPECT_EQ(contents["ServicesLastAccessed"][1]["TotalAuthenticatedEntities"], 2);
  EXPECT_EQ(contents["ServicesLastAccessed"][1]["LastAuthenticatedEntity"],
            "arn:aws:iam::111122223333:role/C");
  json entities = EntityDetails(contents, "sts");
  ASSERT_EQ(entities.size(), 3u);
  EXPECT_EQ(entities[0]["EntityInfo"]["Name"], "C");
  EXPECT_EQ(entities[1]["EntityInfo"]["Name"], "B");
  EXPECT_EQ(entities[2], json({{"EntityInfo",
                                {{"Arn", "arn:aws:iam::111122223333:role/A"},
                                 {"Name", "A"},
                                 {"Type", "ROLE"},
                                 {"Id", "AROAA"},
                                 {"Path", "/"}}}}));
}

}  // namespace
}  // namespace gatehouse::services::iam
