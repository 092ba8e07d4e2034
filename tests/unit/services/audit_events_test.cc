// A dispatched call's audit event: the CloudTrail record and the columns LookupEvents filters
// on, for a write, a read, a refusal, and an AssumeRole into another account (both accounts).
#include "services/audit_events.h"

#include <gtest/gtest.h>

namespace gatehouse::services {
namespace {

using nlohmann::json;

const protocol::ModelRegistry& Models() {
  static const protocol::ModelRegistry registry = *protocol::ModelRegistry::LoadEmbedded();
  return registry;
}

auth::AccessKeyRecord Alice() {
  auth::AccessKeyRecord r;
  r.access_key_id = "AKIAALICE";
  r.secret = "secret-never-written";
  r.principal_arn = "arn:aws:iam::111111111111:user/alice";
  r.account_id = "111111111111";
  r.user_id = "AIDAALICE";
  return r;
}

struct Call {
  std::string service, operation;
  json input;
  auth::AccessKeyRecord caller = Alice();
  HttpRequest request = {};

  AuditedCall Audited() {
    const protocol::ServiceModel& model = *Models().Find(service);
    request.remote_address = "192.0.2.1";
    request.headers = {{"User-Agent", "aws-cli/1.36"}};
    return {model,        *model.FindOperation(operation), input, caller, request, "req-1", "ev-1",
            1764892800000};
  }
};

TEST(AuditEvents, AWrite) {
  Call c{"iam", "CreateUser", {{"UserName", "bob"}, {"Path", "/"}}};
  AuditedCall call = c.Audited();
  Result<json> answer = json{{"User", {{"UserName", "bob"}, {"UserId", "AIDABOB"}}}};
  model::AuditEntry e = AuditEventOf(call, "111111111111", &answer, "");
  EXPECT_EQ(e.event_name, "CreateUser");
  EXPECT_EQ(e.event_source, "iam.amazonaws.com");
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.access_key_id, "AKIAALICE");
  EXPECT_FALSE(e.read_only);
  EXPECT_EQ(e.resources,
            (std::vector<std::pair<std::string, std::string>>{{"AWS::IAM::User", "bob"}}));
  json r = json::parse(e.body);
  EXPECT_EQ(r["userIdentity"]["type"], "IAMUser");
  EXPECT_EQ(r["requestParameters"], json({{"userName", "bob"}, {"path", "/"}}));
  EXPECT_EQ(r["responseElements"]["user"]["userId"], "AIDABOB");
  EXPECT_EQ(r["sourceIPAddress"], "192.0.2.1");
  EXPECT_EQ(r["userAgent"], "aws-cli/1.36");
  EXPECT_EQ(e.body.find("secret-never-written"), std::string::npos);
}

TEST(AuditEvents, OpenedBeforeTheAnswerAndRefused) {
  Call c{"iam", "DeleteUser", {{"UserName", "bob"}}};
  AuditedCall call = c.Audited();
  json opened = json::parse(AuditEventOf(call, "111111111111", nullptr, "").body);
  EXPECT_TRUE(opened["responseElements"].is_null());
  EXPECT_FALSE(opened.contains("errorCode"));
  Result<json> refused = Status(ErrorCode::kAccessDenied, "not authorized");
  json r = json::parse(AuditEventOf(call, "111111111111", &refused, "").body);
  EXPECT_EQ(r["errorCode"], "AccessDenied");
  EXPECT_EQ(r["errorMessage"], "not authorized");
}

TEST(AuditEvents, ReadsAsCloudTrailCountsThem) {
  EXPECT_TRUE(IsReadOnlyOperation("iam", "ListUsers"));
  EXPECT_TRUE(IsReadOnlyOperation("iam", "GetUser"));
  EXPECT_TRUE(IsReadOnlyOperation("organizations", "DescribeOrganization"));
  EXPECT_TRUE(IsReadOnlyOperation("sts", "AssumeRole"));
  // A lookup's answer holds earlier records: recorded, each would hold the one before.
  EXPECT_TRUE(IsReadOnlyOperation("cloudtrail", "LookupEvents"));
  EXPECT_FALSE(IsReadOnlyOperation("iam", "CreateUser"));
  EXPECT_FALSE(IsReadOnlyOperation("iam", "GenerateCredentialReport"));
}

TEST(AuditEvents, AnAssumeRoleIntoAnotherAccountIsInBoth) {
  Call c{"sts",
         "AssumeRole",
         {{"RoleArn", "arn:aws:iam::222222222222:role/Admin"}, {"RoleSessionName", "alice"}}};
  AuditedCall call = c.Audited();
  const auto exists = [](std::string_view) { return true; };
  EXPECT_EQ(RecipientAccounts(call, exists),
            (std::vector<std::string>{"111111111111", "222222222222"}));
  // A role that does not exist is nobody else's history.
  EXPECT_EQ(RecipientAccounts(call, [](std::string_view) { return false; }),
            std::vector<std::string>{"111111111111"});
  Result<json> answer = json{{"Credentials",
                              {{"AccessKeyId", "ASIAX"},
                               {"SecretAccessKey", "s"},
                               {"SessionToken", "t"},
                               {"Expiration", "2025-12-05T01:00:00Z"}}}};
  json there = json::parse(AuditEventOf(call, "222222222222", &answer, "shared-1").body);
  EXPECT_EQ(there["recipientAccountId"], "222222222222");
  EXPECT_EQ(there["sharedEventID"], "shared-1");
  EXPECT_EQ(there["responseElements"]["credentials"],
            json({{"accessKeyId", "ASIAX"}, {"expiration", "2025-12-05T01:00:00Z"}}));
  // The same account: one copy.
  c.input["RoleArn"] = "arn:aws:iam::111111111111:role/Admin";
  EXPECT_EQ(RecipientAccounts(c.Audited(), exists), std::vector<std::string>{"111111111111"});
}

}  // namespace
}  // namespace gatehouse::services
