#include "console/console_http.h"

#include <gtest/gtest.h>

#include "console/assets.h"
#include "console/console_endpoint.h"

namespace gatehouse::console {
namespace {

HttpRequest WithCookie(const std::string& cookie) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  r.headers.emplace_back("Cookie", cookie);
  return r;
}

TEST(ConsoleHttpTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(CookieValue(WithCookie("gatehouse-session=abc"), kSessionCookie), "abc");
  EXPECT_EQ(CookieValue(WithCookie("a=1; gatehouse-session=abc; b=2"), kSessionCookie), "abc");
  EXPECT_EQ(CookieValue(WithCookie("xgatehouse-session=abc"), kSessionCookie), "");
  EXPECT_EQ(CookieValue(WithCookie("gatehouse-session"), kSessionCookie), "");
  EXPECT_EQ(CookieValue(HttpRequest{}, kSessionCookie), "");
}

TEST(ConsoleHttpTest, SessionCookieAttributes) {
  EXPECT_EQ(SessionCookie("abc", false),
            "gatehouse-session=abc; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionCookie("abc", true),
            "gatehouse-session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookie("", false),
            "gatehouse-session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST(ConsoleHttpTest, ErrorsCarryAwsCodesAndStatuses) {
  HttpResponse r = ErrorResponse(Status(ErrorCode::kNoSuchEntity, "The role cannot be found."));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"code":"NoSuchEntity","message":"The role cannot be found."}})");
  AddSecurityHeaders(r);
  bool frame_denied = false;
  for (const auto& [k, v] : r.headers) frame_denied |= k == "X-Frame-Options" && v == "DENY";
  EXPECT_TRUE(frame_denied);
}

TEST(ConsoleHttpTest, WhichRequestsAreTheConsoles) {
  auto request = [](std::string method, std::string target) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    return r;
  };
  EXPECT_TRUE(ConsoleEndpoint::Handles(request("GET", "/")));
  EXPECT_TRUE(ConsoleEndpoint::Handles(request("GET", "/iam/roles/Admin")));
  EXPECT_TRUE(ConsoleEndpoint::Handles(request("POST", "/console/signin")));
  EXPECT_TRUE(ConsoleEndpoint::Handles(request("GET", "/static/app.js")));
  EXPECT_FALSE(ConsoleEndpoint::Handles(request("POST", "/")));  // the API's
  EXPECT_FALSE(ConsoleEndpoint::Handles(request("GET", "/healthz")));
  EXPECT_FALSE(ConsoleEndpoint::Handles(request("GET", "/?Action=GetCallerIdentity")));
  EXPECT_FALSE(
      ConsoleEndpoint::Handles(request("GET", "/?Action=GetCallerIdentity&X-Amz-Signature=00")));
  HttpRequest signed_get = request("GET", "/");
  signed_get.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=…");
  EXPECT_FALSE(ConsoleEndpoint::Handles(signed_get));
}

TEST(ConsoleAssetsTest, TheShellIsEmbedded) {
  const Asset* shell = FindAsset("index.html");
  ASSERT_NE(shell, nullptr);
  EXPECT_EQ(shell->content_type, "text/html; charset=utf-8");
  EXPECT_NE(shell->body.find("<html"), std::string_view::npos);
  EXPECT_EQ(shell->etag.front(), '"');
  EXPECT_EQ(FindAsset("../index.html"), nullptr);
  EXPECT_EQ(FindAsset(""), nullptr);
}

}  // namespace
}  // namespace gatehouse::console
