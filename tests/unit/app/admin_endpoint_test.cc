#include "app/admin_endpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using nlohmann::json;
using testing_support::TempDataDir;

const std::string kSecret(64, 'a');

class AdminEndpointTest : public ::testing::Test {
 protected:
  AdminEndpointTest()
      : admin_(data_.state(), std::string(32, 'm'), kSecret, random_, [] { return 7000; }) {}

  HttpResponse Post(const std::string& body, const std::string& secret = kSecret,
                    const std::string& target = std::string(kAdminAccountsPath),
                    const std::string& method = "POST") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (!secret.empty()) request.headers.emplace_back("authorization", "Bearer " + secret);
    record_ = {};
    return admin_.Handle(request, &record_);
  }

  TempDataDir data_;
  SystemRandom random_;
  AdminEndpoint admin_;
  AdminRecord record_;
};

TEST_F(AdminEndpointTest, Routes) {
  EXPECT_TRUE(AdminEndpoint::Handles("/_gatehouse/admin/accounts"));
  EXPECT_TRUE(AdminEndpoint::Handles("/_gatehouse/admin/accounts?x=1"));
  EXPECT_TRUE(AdminEndpoint::Handles("/_gatehouse/admin/other"));
  EXPECT_FALSE(AdminEndpoint::Handles("/"));
  EXPECT_FALSE(AdminEndpoint::Handles("/_gatehouse/adminx"));
  EXPECT_FALSE(AdminEndpoint::Handles("/?/_gatehouse/admin/"));
}

TEST_F(AdminEndpointTest, CreatesAnAccount) {
  HttpResponse response = Post(R"({"email":"dev@example.com","name":"dev","adminUser":true})");
  ASSERT_EQ(response.status, 200) << response.body;
  json out = json::parse(response.body);
  std::string id = out["accountId"];
  EXPECT_EQ(record_.account_id, id);
  EXPECT_EQ(record_.operation, "gatehouse:CreateAccount");
  EXPECT_EQ(out["rootResetToken"].get<std::string>().size(), 64u);
  EXPECT_EQ(out["accessKeyId"].get<std::string>().rfind("AKIA", 0), 0u);
  EXPECT_EQ(out["secretAccessKey"].get<std::string>().size(), 40u);
  // The live directory knows the account at once.
  ASSERT_NE(data_.state().directory().FindAccount(id), nullptr);
  EXPECT_NE(data_.state().directory().FindUser(id, "admin"), nullptr);
  EXPECT_EQ(data_.state().directory().FindAccount(id)->created_ms, 7000);

  response = Post(R"({"email":"bare@example.com","name":"bare","adminUser":false})");
  ASSERT_EQ(response.status, 200) << response.body;
  out = json::parse(response.body);
  EXPECT_FALSE(out.contains("accessKeyId"));
  EXPECT_FALSE(out.contains("secretAccessKey"));
}

TEST_F(AdminEndpointTest, RefusesAWrongOrMissingSecret) {
  for (const std::string& secret :
       {std::string(), std::string(64, 'b'), std::string("a"), kSecret + "a"}) {
    HttpResponse response = Post(R"({"email":"dev@example.com","name":"dev"})", secret);
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(json::parse(response.body)["code"], "AccessDenied");
  }
  HttpRequest basic;
  basic.method = "POST";
  basic.target = std::string(kAdminAccountsPath);
  basic.headers.emplace_back("Authorization", "Basic " + kSecret);
  EXPECT_EQ(admin_.Handle(basic, &record_).status, 403);
  // Unknown paths too, so that nothing shows without the secret.
  EXPECT_EQ(Post("{}", "", "/_gatehouse/admin/nothing").status, 403);
  EXPECT_TRUE(data_.state().directory().ListAccounts().empty());
}

TEST_F(AdminEndpointTest, AnswersBadInputWithJsonErrors) {
  auto expect = [&](const HttpResponse& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    json body = json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body["code"], code);
    EXPECT_TRUE(body["message"].is_string());
    EXPECT_EQ(record_.status, status);
  };
  expect(Post("not json"), 400, "ValidationError");
  expect(Post("[]"), 400, "ValidationError");
  expect(Post(R"({"name":"dev"})"), 400, "ValidationError");
  expect(Post(R"({"email":"dev@example.com","name":7})"), 400, "ValidationError");
  expect(Post(R"({"email":"dev@example.com","name":"dev","adminUser":"yes"})"), 400,
         "ValidationError");
  expect(Post(R"({"email":"dev@","name":"dev"})"), 400, "ValidationError");
  expect(Post(R"({"email":"dev@example.com","name":""})"), 400, "ValidationError");
  expect(Post("{}", kSecret, "/_gatehouse/admin/nothing"), 404, "NotFound");
  HttpResponse get = Post("", kSecret, std::string(kAdminAccountsPath), "GET");
  expect(get, 405, "MethodNotAllowed");

  ASSERT_EQ(Post(R"({"email":"dev@example.com","name":"dev"})").status, 200);
  HttpResponse duplicate = Post(R"({"email":"dev@example.com","name":"again"})");
  expect(duplicate, 409, "EntityAlreadyExists");
  EXPECT_NE(duplicate.body.find("already in use"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::app
