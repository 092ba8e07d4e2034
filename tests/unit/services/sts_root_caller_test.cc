// What STS answers the root user, which the integration tests cannot sign as (gatehouse makes
// no access keys for root users): it may not assume roles, and its session tokens last an hour
// at most.
#include <gtest/gtest.h>

#include "core/time_format.h"
#include "core/uri.h"
#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

using testing_support::IamTestServer;
using testing_support::XmlText;

constexpr char kAccount[] = "123456789012";

TEST(StsRootCallerTest, RootMayNotAssumeRoles) {
  IamTestServer server;
  const std::string root = server.AddAccount(kAccount);
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":)"
      R"("arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";
  HttpResponse created = server.Call(
      root, "CreateRole", "RoleName=admin-role&AssumeRolePolicyDocument=" + UriEncode(trust));
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string role_arn = "arn:aws:iam::123456789012:role/admin-role";
  // The role trusts the account, and another account's role alike: the root user may not.
  for (const std::string& arn : {role_arn, std::string("arn:aws:iam::210987654321:role/r")}) {
    HttpResponse r = server.CallService(root, "sts", "AssumeRole",
                                        "RoleArn=" + UriEncode(arn) + "&RoleSessionName=root");
    EXPECT_EQ(r.status, 403) << arn;
    EXPECT_EQ(XmlText(r.body, "Code"), "AccessDenied") << arn;
    EXPECT_EQ(XmlText(r.body, "Message"), "Roles may not be assumed by root accounts.") << arn;
  }
  // A user of the account with the same trust is allowed.
  const std::string user = server.AddUser(kAccount, "alice");
  const std::string allow =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",)"
      R"("Resource":"*"}]})";
  HttpResponse put = server.Call(root, "PutUserPolicy",
                                 "UserName=alice&PolicyName=p&PolicyDocument=" + UriEncode(allow));
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResponse r = server.CallService(user, "sts", "AssumeRole",
                                      "RoleArn=" + UriEncode(role_arn) + "&RoleSessionName=alice");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(StsRootCallerTest, RootSessionTokensLastAnHourAtMost) {
  IamTestServer server;
  const std::string root = server.AddAccount(kAccount);
  const std::string in_an_hour = FormatIsoTime((IamTestServer::kStart + 3600) * 1000);
  for (const std::string& params : {std::string(), std::string("DurationSeconds=7200")}) {
    HttpResponse r = server.CallService(root, "sts", "GetSessionToken", params);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(XmlText(r.body, "Expiration"), in_an_hour) << params;
  }
  HttpResponse r = server.CallService(root, "sts", "GetSessionToken", "DurationSeconds=900");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(XmlText(r.body, "Expiration"), FormatIsoTime((IamTestServer::kStart + 900) * 1000));
}

}  // namespace
}  // namespace gatehouse::services
