// Every served operation of every model, called through the dispatcher, leaves exactly one event
// in the caller's history, and each event is a well-formed CloudTrail record.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "authz/operation_table.h"
#include "iam_test_server.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;
using testing_support::IamTestServer;

constexpr char kAccount[] = "111111111111";

// The members a CloudTrail record may have, as AWS's record contents list them.
const std::set<std::string> kRecordMembers = {"eventVersion",
                                              "userIdentity",
                                              "eventTime",
                                              "eventSource",
                                              "eventName",
                                              "awsRegion",
                                              "sourceIPAddress",
                                              "userAgent",
                                              "requestParameters",
                                              "responseElements",
                                              "additionalEventData",
                                              "requestID",
                                              "eventID",
                                              "readOnly",
                                              "eventType",
                                              "managementEvent",
                                              "recipientAccountId",
                                              "eventCategory",
                                              "errorCode",
                                              "errorMessage",
                                              "sharedEventID",
                                              "resources"};
const std::set<std::string> kIdentityTypes = {"Root",          "IAMUser",         "AssumedRole",
                                              "FederatedUser", "WebIdentityUser", "SAMLUser",
                                              "AWSService",    "Unknown"};

void ExpectString(const json& r, const char* member, const std::string& where) {
  ASSERT_TRUE(r.contains(member) && r[member].is_string()) << where << ": " << member;
}

// Checks `r` against the record's schema: its members, their types and formats.
void ExpectWellFormed(const json& r, const std::string& service, const std::string& op) {
  const std::string where = service + ":" + op;
  ASSERT_TRUE(r.is_object()) << where;
  for (const auto& [member, value] : r.items()) {
    EXPECT_TRUE(kRecordMembers.count(member)) << where << ": unknown member " << member;
  }
  for (const char* member :
       {"eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
        "userAgent", "requestID", "eventID", "eventType", "recipientAccountId", "eventCategory"}) {
    ExpectString(r, member, where);
  }
  EXPECT_EQ(r["eventVersion"], "1.09") << where;
  EXPECT_TRUE(std::regex_match(r["eventTime"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << where;
  EXPECT_EQ(r["eventSource"], service + ".amazonaws.com") << where;
  EXPECT_EQ(r["eventName"], op) << where;
  EXPECT_TRUE(
      std::regex_match(r["eventID"].get<std::string>(),
                       std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")))
      << where;
  EXPECT_EQ(r["eventType"], "AwsApiCall") << where;
  EXPECT_EQ(r["eventCategory"], "Management") << where;
  EXPECT_EQ(r["recipientAccountId"], kAccount) << where;
  ASSERT_TRUE(r["readOnly"].is_boolean()) << where;
  EXPECT_EQ(r["managementEvent"], true) << where;
  const json& identity = r["userIdentity"];
  ASSERT_TRUE(identity.is_object()) << where;
  EXPECT_TRUE(kIdentityTypes.count(identity.value("type", ""))) << where;
  for (const char* member : {"requestParameters", "responseElements"}) {
    ASSERT_TRUE(r.contains(member)) << where << ": " << member;
    EXPECT_TRUE(r[member].is_null() || r[member].is_object()) << where << ": " << member;
  }
  if (r.contains("errorCode")) {
    ExpectString(r, "errorCode", where);
    EXPECT_TRUE(r["responseElements"].is_null()) << where;
  }
  if (r.contains("resources")) {
    for (const json& resource : r["resources"]) {
      EXPECT_TRUE(resource["ARN"].is_string() && resource["type"].is_string() &&
                  resource["accountId"].is_string())
          << where;
    }
  }
}

size_t CountEvents(store::AuditLog& log, const std::string& op) {
  store::AuditQuery query;
  query.account_id = kAccount;
  query.attribute = store::AuditAttribute::kEventName;
  query.value = op;
  Result<std::vector<store::AuditRow>> rows = log.LookupAudit(query);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? rows->size() : 0;
}

TEST(AuditEveryOperation, EachCallLeavesOneWellFormedEvent) {
  IamTestServer server;
  const std::string key = server.AddAccount(kAccount);
  audit::Recorder& recorder = server.RecordAudit();
  const protocol::ModelRegistry models = *protocol::ModelRegistry::LoadEmbedded();
  int served = 0;
  for (const char* service : {"iam", "sts", "organizations", "cloudtrail"}) {
    const protocol::ServiceModel* model = models.Find(service);
    ASSERT_NE(model, nullptr);
    for (const auto& [name, op] : model->operations()) {
      if (authz::FindOperationSpec(service, name) == nullptr) continue;
      ++served;
      const size_t before = CountEvents(server.audit_log(), name);
      if (model->protocol() == "json") {
        server.CallJson(key, service, name, "{}");
      } else {
        server.CallService(key, service, name);
      }
      ASSERT_TRUE(recorder.Flush().ok());
      store::AuditQuery query;
      query.account_id = kAccount;
      query.attribute = store::AuditAttribute::kEventName;
      query.value = name;
      Result<std::vector<store::AuditRow>> rows = server.audit_log().LookupAudit(query);
      ASSERT_TRUE(rows.ok());
      ASSERT_EQ(rows->size(), before + 1) << service << ":" << name;
      ExpectWellFormed(json::parse(rows->front().entry.body), service, name);
    }
  }
  EXPECT_GT(served, 180);  // every one of operations.def
}

}  // namespace
}  // namespace gatehouse::services
