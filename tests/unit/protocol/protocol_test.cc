#include <gtest/gtest.h>

#include "core/uri.h"
#include "protocol/input_validation.h"
#include "protocol/json_codec.h"
#include "protocol/query_input.h"
#include "protocol/query_output.h"
#include "protocol/router.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;

const ModelRegistry& Registry() {
  static const ModelRegistry registry = *ModelRegistry::LoadEmbedded();
  return registry;
}

struct Routed {
  const ServiceModel* model;
  const Operation* op;
  const Shape* input;
};

Routed Query(std::string_view service, std::string_view body, QueryParams* params_out) {
  *params_out = ParseQueryString(body);
  auto route = RouteRequest(Registry(), service, *params_out, "");
  EXPECT_TRUE(route.ok()) << route.status().ToString();
  return {route->model, route->operation, route->model->FindShape(route->operation->input)};
}

TEST(ModelTest, EmbeddedModelsLoad) {
  const ServiceModel* iam = Registry().Find("iam");
  ASSERT_NE(iam, nullptr);
  EXPECT_EQ(iam->protocol(), "query");
  EXPECT_EQ(iam->xml_namespace(), "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_NE(iam->FindOperation("CreateUser"), nullptr);
  const ServiceModel* orgs = Registry().Find("organizations");
  ASSERT_NE(orgs, nullptr);
  EXPECT_EQ(orgs->protocol(), "json");
  EXPECT_EQ(orgs->target_prefix(), "AWSOrganizationsV20161128");
  EXPECT_NE(Registry().Find("sts")->FindOperation("AssumeRole"), nullptr);
}

TEST(ModelTest, EveryPatternTranslates) {
  for (const char* service : {"iam", "sts", "organizations"}) {
    for (const auto& [name, shape] : Registry().Find(service)->shapes()) {
      if (shape.pattern) {
        EXPECT_NE(shape.pattern_regex, nullptr) << service << " " << name << " " << *shape.pattern;
      }
    }
  }
}

TEST(RouterTest, UnknownOperations) {
  auto unknown =
      RouteRequest(Registry(), "iam", {{"Action", "Frobnicate"}, {"Version", "2010-05-08"}}, "");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidAction);
  EXPECT_EQ(unknown.status().message(),
            "Could not find operation Frobnicate for version 2010-05-08");
  auto json_op = RouteRequest(Registry(), "organizations", {},
                              "AWSOrganizationsV20161128.DescribeOrganization");
  ASSERT_TRUE(json_op.ok());
  EXPECT_EQ(json_op->operation->name, "DescribeOrganization");
  EXPECT_EQ(
      RouteRequest(Registry(), "organizations", {}, "Other.DescribeOrganization").status().code(),
      ErrorCode::kUnknownOperationException);
}

TEST(QueryInputTest, NestedListsAndTypes) {
  QueryParams params;
  Routed r = Query("iam",
                   "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fops%2F"
                   "&Tags.member.1.Key=team&Tags.member.1.Value=blue+sky"
                   "&Tags.member.2.Key=cost&Tags.member.2.Value=42",
                   &params);
  auto input = ReadQueryInput(*r.model, *r.input, params);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  EXPECT_EQ(*input, json::parse(R"({"UserName":"alice","Path":"/ops/","Tags":[
      {"Key":"team","Value":"blue sky"},{"Key":"cost","Value":"42"}]})"));
  EXPECT_TRUE(ValidateInput(*r.model, *r.input, *input).ok());

  Routed list = Query("iam", "Action=ListUsers&MaxItems=10&Marker=abc", &params);
  auto page = ReadQueryInput(*list.model, *list.input, params);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ((*page)["MaxItems"], 10);

  Query("iam", "Action=ListUsers&MaxItems=ten", &params);
  EXPECT_EQ(ReadQueryInput(*list.model, *list.input, params).status().code(),
            ErrorCode::kValidationError);
}

TEST(QueryInputTest, MapsAndTimestamps) {
  // The query services gatehouse speaks have no timestamp or map inputs; a small model does.
  auto model = ServiceModel::Parse(R"({"metadata":{"protocol":"query","apiVersion":"1"},
    "operations":{"Op":{"name":"Op","input":{"shape":"In"}}},
    "shapes":{"In":{"type":"structure","members":{"When":{"shape":"T"},"Attrs":{"shape":"M"}}},
              "T":{"type":"timestamp"},"S":{"type":"string"},
              "M":{"type":"map","key":{"shape":"S"},"value":{"shape":"S"}}}})",
                                   "test");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const Shape& in = *model->FindShape("In");
  auto read = ReadQueryInput(*model, in,
                             {{"When", "1795935600"},
                              {"Attrs.entry.1.key", "a"},
                              {"Attrs.entry.1.value", "1"},
                              {"Attrs.entry.2.key", "b"},
                              {"Attrs.entry.2.value", "2"}});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, json::parse(R"({"When":"2026-11-29T07:00:00Z","Attrs":{"a":"1","b":"2"}})"));
  EXPECT_TRUE(ReadQueryInput(*model, in, {{"When", "2026-11-29T07:00:00.5Z"}}).ok());
  EXPECT_EQ(ReadQueryInput(*model, in, {{"When", "yesterday"}}).status().code(),
            ErrorCode::kValidationError);
}

TEST(ValidationTest, AwsWording) {
  QueryParams params;
  Routed r = Query("sts",
                   "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111"
                   "%3Arole%2FAdmin&RoleSessionName=a%3Ab",
                   &params);
  auto input = ReadQueryInput(*r.model, *r.input, params);
  ASSERT_TRUE(input.ok());
  Status s = ValidateInput(*r.model, *r.input, *input);
  EXPECT_EQ(s.code(), ErrorCode::kValidationError);
  EXPECT_EQ(s.message(),
            "1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");

  Routed create = Query("iam", "Action=CreateUser&Path=nope", &params);
  auto bad = ReadQueryInput(*create.model, *create.input, params);
  ASSERT_TRUE(bad.ok());
  Status two = ValidateInput(*create.model, *create.input, *bad);
  EXPECT_EQ(two.message(),
            "2 validation errors detected: Value 'nope' at 'path' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+"
            "\\u002F); Value null at 'userName' failed to satisfy constraint: Member must not be "
            "null");

  Routed dur = Query("sts",
                     "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FAdmin"
                     "&RoleSessionName=s1&DurationSeconds=60",
                     &params);
  auto short_session = ReadQueryInput(*dur.model, *dur.input, params);
  ASSERT_TRUE(short_session.ok());
  EXPECT_EQ(ValidateInput(*dur.model, *dur.input, *short_session).message(),
            "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900");
}

TEST(ValidationTest, SensitiveValuesAreNotEchoed) {
  QueryParams params;
  Routed r = Query("iam", "Action=CreateLoginProfile&UserName=bob&Password=", &params);
  auto input = ReadQueryInput(*r.model, *r.input, params);
  ASSERT_TRUE(input.ok());
  Status s = ValidateInput(*r.model, *r.input, *input);
  EXPECT_EQ(s.message(),
            "2 validation errors detected: Value at 'password' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1; Value at 'password' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
}

TEST(QueryOutputTest, ResponseAndErrorEnvelopes) {
  const ServiceModel& iam = *Registry().Find("iam");
  json users = {{"Users",
                 {{{"Path", "/"},
                   {"UserName", "alice & bob"},
                   {"UserId", "AIDAEXAMPLE"},
                   {"Arn", "arn:aws:iam::111111111111:user/alice"},
                   {"CreateDate", "2026-11-29T07:00:00Z"}}}},
                {"IsTruncated", false}};
  EXPECT_EQ(WriteQueryResponse(iam, *iam.FindOperation("ListUsers"), users, "rid-1"),
            "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ListUsersResult><Users><member><Path>/</Path><UserName>alice &amp; bob</UserName>"
            "<UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::111111111111:user/alice</Arn>"
            "<CreateDate>2026-11-29T07:00:00Z</CreateDate></member></Users>"
            "<IsTruncated>false</IsTruncated></ListUsersResult>"
            "<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata>"
            "</ListUsersResponse>");
  EXPECT_EQ(WriteQueryResponse(iam, *iam.FindOperation("DeleteUser"), json::object(), "r"),
            "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>");
  EXPECT_EQ(WriteQueryError(iam,
                            Status(ErrorCode::kNoSuchEntity,
                                   "The user with name x cannot "
                                   "be found."),
                            "r2"),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>"
            "Sender</Type><Code>NoSuchEntity</Code><Message>The user with name x cannot be found."
            "</Message></Error><RequestId>r2</RequestId></ErrorResponse>");
}

TEST(JsonCodecTest, InputOutputAndErrors) {
  const ServiceModel& orgs = *Registry().Find("organizations");
  const Operation& create = *orgs.FindOperation("CreateAccount");
  const Shape& input = *orgs.FindShape(create.input);
  auto ok = ReadJsonInput(orgs, input, R"({"Email":"a@example.com","AccountName":"A","X":1})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, json::parse(R"({"Email":"a@example.com","AccountName":"A"})"));
  EXPECT_EQ(ReadJsonInput(orgs, input, R"({"Email":5})").status().code(),
            ErrorCode::kSerializationException);
  EXPECT_EQ(ReadJsonInput(orgs, input, "not json").status().code(),
            ErrorCode::kSerializationException);
  EXPECT_EQ(ValidateInput(orgs, input, json::parse(R"({"Email":"a@example.com"})"),
                          ErrorCode::kValidationException)
                .message(),
            "1 validation error detected: Value null at 'accountName' failed to satisfy "
            "constraint: Member must not be null");

  const Operation& status_op = *orgs.FindOperation("DescribeCreateAccountStatus");
  json out = {
      {"CreateAccountStatus",
       {{"Id", "car-1"}, {"State", "SUCCEEDED"}, {"RequestedTimestamp", "2026-11-29T07:00:00Z"}}}};
  EXPECT_EQ(
      WriteJsonResponse(orgs, status_op, out),
      R"({"CreateAccountStatus":{"Id":"car-1","RequestedTimestamp":1795935600.0,"State":"SUCCEEDED"}})");
  EXPECT_EQ(WriteJsonError(orgs, "AWSOrganizationsNotInUseException", "Not in use."),
            R"({"Message":"Not in use.","__type":"AWSOrganizationsNotInUseException"})");
}

}  // namespace
}  // namespace gatehouse::protocol
