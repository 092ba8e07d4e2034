// A CloudTrail record's layout: its fixed members, the optional ones only when they apply, in
// the canonical form (what nlohmann writes of the parsed record), whatever the strings hold.
#include "audit/cloudtrail_record.h"

#include <gtest/gtest.h>

#include "audit/canonical_json.h"

namespace gatehouse::audit {
namespace {

using nlohmann::json;

AuditCall CreateUser() {
  AuditCall call;
  call.event_id = "9d3f7c9e-0000-4000-8000-000000000001";
  call.request_id = "req-1";
  call.time_ms = 1764892800000;
  call.service = "iam";
  call.event_name = "CreateUser";
  call.source_ip = "192.0.2.7";
  call.user_agent = "aws-cli/1.36";
  call.user_identity = R"({"type":"Root"})";
  call.request_parameters = R"({"userName":"alice"})";
  call.recipient_account = "111122223333";
  return call;
}

TEST(CloudTrailRecord, AnApiCall) {
  json r = json::parse(CloudTrailRecord(CreateUser()));
  EXPECT_EQ(r["eventVersion"], "1.09");
  EXPECT_EQ(r["eventTime"], "2025-12-05T00:00:00Z");
  EXPECT_EQ(r["eventSource"], "iam.amazonaws.com");
  EXPECT_EQ(r["eventName"], "CreateUser");
  EXPECT_EQ(r["awsRegion"], "us-east-1");
  EXPECT_EQ(r["sourceIPAddress"], "192.0.2.7");
  EXPECT_EQ(r["requestID"], "req-1");
  EXPECT_EQ(r["eventID"], "9d3f7c9e-0000-4000-8000-000000000001");
  EXPECT_EQ(r["readOnly"], false);
  EXPECT_EQ(r["eventType"], "AwsApiCall");
  EXPECT_EQ(r["managementEvent"], true);
  EXPECT_EQ(r["eventCategory"], "Management");
  EXPECT_EQ(r["recipientAccountId"], "111122223333");
  EXPECT_TRUE(r["responseElements"].is_null());
  for (const char* absent :
       {"errorCode", "errorMessage", "sharedEventID", "resources", "additionalEventData"}) {
    EXPECT_FALSE(r.contains(absent)) << absent;
  }
}

TEST(CloudTrailRecord, ARefusedCallASharedEventAndResources) {
  AuditCall call = CreateUser();
  call.error_code = "AccessDenied";
  call.error_message = "User is not authorized to perform: iam:CreateUser";
  call.shared_event_id = "shared-1";
  call.resources = {{"AWS::IAM::Role", "arn:aws:iam::111122223333:role/Admin",
                     "arn:aws:iam::111122223333:role/Admin", "111122223333"},
                    // Named by name only: LookupEvents shows it, the record does not.
                    {"AWS::IAM::User", "bob", "", ""}};
  json r = json::parse(CloudTrailRecord(call));
  EXPECT_EQ(r["errorCode"], "AccessDenied");
  EXPECT_EQ(r["errorMessage"], call.error_message);
  EXPECT_EQ(r["sharedEventID"], "shared-1");
  EXPECT_EQ(r["resources"], json::array({{{"type", "AWS::IAM::Role"},
                                          {"ARN", "arn:aws:iam::111122223333:role/Admin"},
                                          {"accountId", "111122223333"}}}));
}

TEST(CloudTrailRecord, AConsoleSignInHasNoRequestId) {
  AuditCall call = CreateUser();
  call.request_id = "";
  call.service = "signin";
  call.event_name = "ConsoleLogin";
  call.event_type = "AwsConsoleSignIn";
  call.response_elements = R"({"ConsoleLogin":"Success"})";
  call.additional_event_data = {{"MFAUsed", "No"}};
  json r = json::parse(CloudTrailRecord(call));
  EXPECT_EQ(r["eventSource"], "signin.amazonaws.com");
  EXPECT_FALSE(r.contains("requestID"));
  EXPECT_EQ(r["additionalEventData"]["MFAUsed"], "No");
}

TEST(CloudTrailRecord, IsWrittenInTheCanonicalFormWhateverTheStringsHold) {
  AuditCall call = CreateUser();
  call.user_agent = "quote \" backslash \\ tab \t nul " + std::string(1, '\0') +
                    " bell \x07 del \x7f é 漢 invalid \xff\xfe end";
  call.source_ip = "\x1b[31m";
  call.error_code = "NoSuchEntity";
  call.error_message = "line\nbreak </script>";
  call.additional_event_data = {{"z", 1}, {"a", {{"nested", "\u00e9"}}}};
  call.response_elements = R"({"user":{"userName":"al\"ice"}})";
  call.resources = {
      {"AWS::IAM::Role", "arn:aws:iam::1:role/x\"y", "arn:aws:iam::1:role/x\"y", "1"}};
  call.shared_event_id = "s";
  const std::string written = CloudTrailRecord(call);
  const json parsed = json::parse(written);  // valid JSON, invalid UTF-8 replaced
  EXPECT_EQ(parsed.dump(-1, ' ', false, json::error_handler_t::replace), written);
  EXPECT_NE(parsed["userAgent"].get<std::string>().find("invalid \xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(json::parse(CloudTrailRecord(CreateUser())).dump(), CloudTrailRecord(CreateUser()));
}

TEST(CloudTrailRecord, AnElementLargerThan100KBIsLeftOutAndTheRecordSaysSo) {
  AuditCall call = CreateUser();
  json r = json::parse(CloudTrailRecord(call));
  EXPECT_FALSE(r.contains("omitted"));
  call.response_elements = CanonicalJson({{"policyDocument", std::string(100 * 1024, 'x')}});
  r = json::parse(CloudTrailRecord(call));
  EXPECT_TRUE(r["responseElements"].is_null());
  EXPECT_EQ(r["requestParameters"], json::parse(call.request_parameters));  // the small one kept
  EXPECT_EQ(r["omitted"], true);
}

// A mutating call's completed record is written on the frame of the event as it opened: the
// same text as the completed call's record written whole, whatever the outcome adds.
TEST(CloudTrailRecord, ACompletionWrittenOnItsOpenedFrameIsTheRecordWrittenWhole) {
  std::vector<AuditCall> opened = {CreateUser(), CreateUser(), CreateUser()};
  opened[1].shared_event_id = "shared-1";
  opened[1].resources = {{"AWS::IAM::Role", "arn:aws:iam::1:role/A", "arn:aws:iam::1:role/A", "1"}};
  opened[1].user_agent = "quote \" é \xff";
  opened[2].request_id = "";
  opened[2].additional_event_data = {{"MFAUsed", "No"}};
  opened[2].request_parameters = CanonicalJson({{"policyDocument", std::string(100 * 1024, 'p')}});
  for (const AuditCall& call : opened) {
    const RecordFrame frame = FrameOf(call);
    EXPECT_EQ(CloudTrailRecord(call, frame), CloudTrailRecord(call));  // the opened record
    AuditCall answered = call, refused = call, large = call;
    answered.response_elements = R"({"user":{"userName":"alice"}})";
    answered.user_identity = R"({"type":"WebIdentityUser"})";  // named by the answer
    refused.error_code = "EntityAlreadyExists";
    refused.error_message = "User with name alice already exists.";
    large.response_elements = CanonicalJson({{"policyDocument", std::string(100 * 1024, 'x')}});
    for (const AuditCall* completed : {&answered, &refused, &large}) {
      const std::string whole = CloudTrailRecord(*completed);
      EXPECT_EQ(CloudTrailRecord(*completed, frame), whole);
      EXPECT_EQ(json::parse(whole).dump(-1, ' ', false, json::error_handler_t::replace), whole);
    }
  }
}

}  // namespace
}  // namespace gatehouse::audit
