#include "services/cloudtrail/event_lookup.h"

#include <gtest/gtest.h>

#include "services/page_markers.h"

namespace gatehouse::services::cloudtrail {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'800'000'000'000;

Result<store::AuditQuery> Read(const json& input) { return ReadLookupQuery(input, "111111111111"); }

json Attribute(const char* key, const char* value) {
  return json{{"LookupAttributes", {{{"AttributeKey", key}, {"AttributeValue", value}}}}};
}

TEST(EventLookupTest, NoParametersAsksForTheNewestFiftyOfTheAccount) {
  Result<store::AuditQuery> q = Read(json::object());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->account_id, "111111111111");
  EXPECT_EQ(q->attribute, store::AuditAttribute::kNone);
  EXPECT_EQ(q->limit, 50);
  EXPECT_EQ(q->start_ms, 0);
  EXPECT_EQ(q->end_ms, INT64_MAX);
  EXPECT_EQ(q->before_seq, 0);
}

TEST(EventLookupTest, ReadsEachAttributeAWSSupports) {
  const std::pair<const char*, store::AuditAttribute> cases[] = {
      {"EventId", store::AuditAttribute::kEventId},
      {"EventName", store::AuditAttribute::kEventName},
      {"Username", store::AuditAttribute::kUsername},
      {"ResourceType", store::AuditAttribute::kResourceType},
      {"ResourceName", store::AuditAttribute::kResourceName},
      {"EventSource", store::AuditAttribute::kEventSource},
      {"AccessKeyId", store::AuditAttribute::kAccessKeyId}};
  for (const auto& [key, attribute] : cases) {
    Result<store::AuditQuery> q = Read(Attribute(key, "x"));
    ASSERT_TRUE(q.ok()) << key;
    EXPECT_EQ(q->attribute, attribute) << key;
    EXPECT_EQ(q->value, "x");
  }
  Result<store::AuditQuery> q = Read(Attribute("ReadOnly", "false"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->value, "false");
}

TEST(EventLookupTest, RefusesTwoAttributesAndAReadOnlyThatIsNotABoolean) {
  json two = Attribute("EventName", "CreateUser");
  two["LookupAttributes"].push_back({{"AttributeKey", "Username"}, {"AttributeValue", "bob"}});
  EXPECT_EQ(Read(two).status().code(), ErrorCode::kInvalidLookupAttributes);
  EXPECT_EQ(Read(Attribute("ReadOnly", "yes")).status().code(),
            ErrorCode::kInvalidLookupAttributes);
  EXPECT_EQ(Read(Attribute("Bogus", "x")).status().code(), ErrorCode::kInvalidLookupAttributes);
}

TEST(EventLookupTest, TimeRangeIsInclusiveOfWholeSecondsAndChecked) {
  Result<store::AuditQuery> q = Read(json{{"StartTime", 1000.5}, {"EndTime", 2000}});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->start_ms, 1'000'500);
  EXPECT_EQ(q->end_ms, 2'000'999);
  EXPECT_EQ(Read(json{{"StartTime", 3000}, {"EndTime", 2000}}).status().code(),
            ErrorCode::kInvalidTimeRange);
  // A start in the future finds nothing; it is no error.
  EXPECT_TRUE(Read(json{{"StartTime", kNow / 1000 + 3600}}).ok());
  EXPECT_EQ(Read(json{{"EndTime", 2000.5}})->end_ms, 2'000'999);
  EXPECT_EQ(Read(json{{"EndTime", -5}}).status().code(), ErrorCode::kInvalidTimeRange);
  EXPECT_EQ(Read(json{{"EndTime", 1e300}}).status().code(), ErrorCode::kInvalidTimeRange);
}

TEST(EventLookupTest, MaxResultsOutsideOneToFiftyIsRefused) {
  EXPECT_EQ(Read(json{{"MaxResults", 0}}).status().code(), ErrorCode::kInvalidMaxResults);
  EXPECT_EQ(Read(json{{"MaxResults", 51}}).status().code(), ErrorCode::kInvalidMaxResults);
  EXPECT_EQ(Read(json{{"MaxResults", 7}})->limit, 7);
}

TEST(EventLookupTest, APageKeyServesOnlyTheQueryItWasIssuedFor) {
  json input = Attribute("Username", "bob");
  Result<store::AuditQuery> first = Read(input);
  ASSERT_TRUE(first.ok());
  input["NextToken"] = NextPageKey(*first, 42);
  Result<store::AuditQuery> next = Read(input);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->before_seq, 42);

  json other = Attribute("Username", "alice");
  other["NextToken"] = input["NextToken"];
  EXPECT_EQ(Read(other).status().code(), ErrorCode::kInvalidNextToken);
  EXPECT_EQ(ReadLookupQuery(input, "222222222222").status().code(), ErrorCode::kInvalidNextToken);
  for (const char* bad : {"", ":", "x:abc", "0:abc", "-1:abc", "99999999999999999999:abc"}) {
    json forged = Attribute("Username", "bob");
    forged["NextToken"] = bad;
    EXPECT_EQ(Read(forged).status().code(), ErrorCode::kInvalidNextToken) << bad;
  }
}

TEST(EventLookupTest, AnEventShowsItsColumnsAndItsRecord) {
  store::AuditRow row;
  row.seq = 9;
  row.entry.event_id = "e-1";
  row.entry.event_name = "CreateUser";
  row.entry.event_source = "iam.amazonaws.com";
  row.entry.time_ms = 1'700'000'000'000;
  row.entry.username = "admin";
  row.entry.access_key_id = "AKIAEXAMPLE";
  row.entry.resources = {{"AWS::IAM::User", "bob"}};
  row.entry.body = R"({"eventName":"CreateUser"})";
  json event = LookupEventJson(row);
  EXPECT_EQ(event["EventId"], "e-1");
  EXPECT_EQ(event["ReadOnly"], "false");
  EXPECT_EQ(event["EventTime"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(event["Username"], "admin");
  EXPECT_EQ(event["AccessKeyId"], "AKIAEXAMPLE");
  EXPECT_EQ(event["Resources"][0]["ResourceName"], "bob");
  EXPECT_EQ(event["CloudTrailEvent"], R"({"eventName":"CreateUser"})");
}

}  // namespace
}  // namespace gatehouse::services::cloudtrail
