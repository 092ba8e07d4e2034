#include "services/iam/service_grants.h"

#include <gtest/gtest.h>

#include "policy/parse.h"

namespace gatehouse::services::iam {
namespace {

policy::Document Doc(const std::string& statements) {
  auto doc = policy::ParsePolicy(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}",
                                 policy::PolicyKind::kIdentity);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return doc.ok() ? *doc : policy::Document{};
}

TEST(ServiceGrantsTest, AnActionPatternGrantsTheServicesItsPrefixMatches) {
  policy::Document d = Doc(R"({"Effect":"Allow","Action":["s3:Get*","IAM:list*"],"Resource":"*"})");
  EXPECT_TRUE(AllowsService(d, "s3"));
  EXPECT_TRUE(AllowsService(d, "iam"));  // regardless of case
  EXPECT_FALSE(AllowsService(d, "sts"));
  EXPECT_FALSE(AllowsService(d, "s3express"));
  policy::Document wild = Doc(R"({"Effect":"Allow","Action":"s3*:*","Resource":"*"})");
  EXPECT_TRUE(AllowsService(wild, "s3express"));
  policy::Document all = Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"})");
  EXPECT_TRUE(AllowsService(all, "organizations"));
}

TEST(ServiceGrantsTest, ResourcesAndConditionsDoNotNarrowAGrant) {
  policy::Document d =
      Doc(R"({"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/x",)"
          R"("Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})");
  EXPECT_TRUE(AllowsService(d, "iam"));
}

TEST(ServiceGrantsTest, NotActionGrantsEveryServiceItDoesNotNameWhole) {
  policy::Document d =
      Doc(R"({"Effect":"Allow","NotAction":["iam:*","sts:AssumeRole"],"Resource":"*"})");
  EXPECT_FALSE(AllowsService(d, "iam"));
  EXPECT_TRUE(AllowsService(d, "sts"));  // its other actions
  EXPECT_TRUE(AllowsService(d, "s3"));
  EXPECT_TRUE(AllowsAction(d, "sts:GetCallerIdentity"));
  EXPECT_FALSE(AllowsAction(d, "sts:AssumeRole"));
  EXPECT_FALSE(AllowsAction(d, "iam:CreateUser"));
}

TEST(ServiceGrantsTest, OnlyAWholeUnconditionalDenyTakesAServiceAway) {
  std::vector<policy::Document> docs = {
      Doc(R"({"Effect":"Allow","Action":"*","Resource":"*"})"),
      Doc(R"({"Effect":"Deny","Action":"s3:*","Resource":"*"},)"
          R"({"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:user/*"},)"
          R"({"Effect":"Deny","Action":"sts:*","Resource":"*",)"
          R"("Condition":{"Bool":{"aws:SecureTransport":"false"}}},)"
          R"({"Effect":"Deny","Action":"organizations:Describe*","Resource":"*"})")};
  EXPECT_EQ(GrantedServices(docs, {"iam", "organizations", "s3", "sts"}),
            (std::vector<std::string>{"iam", "organizations", "sts"}));
}

TEST(ServiceGrantsTest, AnActionIsGrantedByAnAllowThatMatchesIt) {
  policy::Document d = Doc(R"({"Effect":"Allow","Action":"iam:Get*","Resource":"*"},)"
                           R"({"Effect":"Deny","Action":"iam:GetUser","Resource":"*"})");
  EXPECT_TRUE(AllowsAction(d, "iam:GetRole"));
  EXPECT_TRUE(AllowsAction(d, "iam:GetUser"));  // denies count only for whole services
  EXPECT_FALSE(AllowsAction(d, "iam:CreateUser"));
}

}  // namespace
}  // namespace gatehouse::services::iam
