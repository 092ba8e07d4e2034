#include "services/console_events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gatehouse::services {
namespace {

using nlohmann::json;

HttpRequest Request() {
  HttpRequest r;
  r.remote_address = "192.0.2.7";
  r.headers.emplace_back("user-agent", "Mozilla/5.0");
  return r;
}

model::ConsolePrincipal Alice() {
  model::ConsolePrincipal p;
  p.account_id = "111111111111";
  p.user_name = "alice";
  p.user_id = "AIDAALICE";
  p.arn = "arn:aws:iam::111111111111:user/alice";
  return p;
}

json Body(const model::AuditEntry& e) { return json::parse(e.body); }

TEST(ConsoleEventsTest, ASuccessfulSignInIsAConsoleLoginOfTheUser) {
  ConsoleEvent event{.principal = Alice(), .mfa_used = true, .login_to = "https://x/console/home"};
  model::AuditEntry e = ConsoleEventOf(event, Request(), "ev-1", 1'700'000'000'000);
  EXPECT_EQ(e.account_id, "111111111111");
  EXPECT_EQ(e.event_name, "ConsoleLogin");
  EXPECT_EQ(e.event_source, "signin.amazonaws.com");
  EXPECT_EQ(e.username, "alice");
  EXPECT_FALSE(e.read_only);
  json r = Body(e);
  EXPECT_EQ(r["eventType"], "AwsConsoleSignIn");
  EXPECT_EQ(r["eventName"], "ConsoleLogin");
  EXPECT_EQ(r["sourceIPAddress"], "192.0.2.7");
  EXPECT_EQ(r["userAgent"], "Mozilla/5.0");
  EXPECT_EQ(r["userIdentity"]["type"], "IAMUser");
  EXPECT_EQ(r["userIdentity"]["arn"], "arn:aws:iam::111111111111:user/alice");
  EXPECT_EQ(r["userIdentity"]["principalId"], "AIDAALICE");
  EXPECT_EQ(r["responseElements"], (json{{"ConsoleLogin", "Success"}}));
  EXPECT_EQ(r["additionalEventData"]["MFAUsed"], "Yes");
  EXPECT_EQ(r["additionalEventData"]["LoginTo"], "https://x/console/home");
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_FALSE(r.contains("errorMessage"));
  EXPECT_EQ(r["recipientAccountId"], "111111111111");
}

TEST(ConsoleEventsTest, AFailureSaysFailedAuthenticationWithoutAnErrorCode) {
  ConsoleEvent event{.principal = Alice(), .success = false};
  json r = Body(ConsoleEventOf(event, Request(), "ev-2", 0));
  EXPECT_EQ(r["responseElements"], (json{{"ConsoleLogin", "Failure"}}));
  EXPECT_EQ(r["errorMessage"], "Failed authentication");
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_EQ(r["additionalEventData"]["MFAUsed"], "No");
}

TEST(ConsoleEventsTest, AnUnknownUserNameIsHidden) {
  ConsoleEvent event{.user_exists = false, .success = false};
  event.principal.account_id = "111111111111";
  event.principal.user_name = "my-Password-1";
  model::AuditEntry e = ConsoleEventOf(event, Request(), "ev-3", 0);
  EXPECT_EQ(e.username, "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(e.body.find("my-Password-1"), std::string::npos);
  json r = Body(e);
  EXPECT_EQ(r["userIdentity"]["userName"], "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_FALSE(r["userIdentity"].contains("arn"));
}

TEST(ConsoleEventsTest, TheRootUserSignsInAsRoot) {
  ConsoleEvent event;
  event.principal.account_id = "222222222222";
  model::AuditEntry e = ConsoleEventOf(event, Request(), "ev-4", 0);
  EXPECT_EQ(e.username, "root");
  json r = Body(e);
  EXPECT_EQ(r["userIdentity"]["type"], "Root");
  EXPECT_EQ(r["userIdentity"]["arn"], "arn:aws:iam::222222222222:root");
}

TEST(ConsoleEventsTest, ASwitchRoleNamesTheRoleAndWhereItCameFrom) {
  ConsoleEvent event{.kind = ConsoleEventKind::kSwitchRole,
                     .principal = Alice(),
                     .role_arn = "arn:aws:iam::333333333333:role/Ops"};
  model::AuditEntry e = ConsoleEventOf(event, Request(), "ev-5", 0);
  EXPECT_EQ(e.event_name, "SwitchRole");
  ASSERT_EQ(e.resources.size(), 1u);
  EXPECT_EQ(e.resources[0].second, "arn:aws:iam::333333333333:role/Ops");
  json r = Body(e);
  EXPECT_EQ(r["responseElements"], (json{{"SwitchRole", "Success"}}));
  EXPECT_EQ(r["additionalEventData"]["SwitchFrom"], "arn:aws:iam::111111111111:user/alice");
  EXPECT_EQ(r["resources"][0]["accountId"], "333333333333");
  EXPECT_EQ(r["eventType"], "AwsConsoleSignIn");
}

}  // namespace
}  // namespace gatehouse::services
