// Inputs at the limits of what a request can carry: values as long as the body allows, JSON
// nested as deep as it can be written, nulls where values should be.
#include <gtest/gtest.h>

#include "core/uri.h"
#include "protocol/input_validation.h"
#include "protocol/json_codec.h"
#include "protocol/query_input.h"
#include "protocol/router.h"

namespace gatehouse::protocol {
namespace {

using nlohmann::json;

const ModelRegistry& Registry() {
  static const ModelRegistry registry = *ModelRegistry::LoadEmbedded();
  return registry;
}

Status ValidateQuery(const std::string& body) {
  QueryParams params = ParseQueryString(body);
  Result<Route> route = RouteRequest(Registry(), "iam", params, "");
  EXPECT_TRUE(route.ok());
  const Shape& shape = *route->model->FindShape(route->operation->input);
  Result<json> input = ReadQueryInput(*route->model, shape, params);
  EXPECT_TRUE(input.ok());
  return ValidateInput(*route->model, shape, *input);
}

// 120 KB of whitespace inside a policy document: within the document's 131072 characters, so
// valid, and checked without recursion per character.
TEST(InputLimitsTest, WhitespacePaddedPolicyDocument) {
  std::string document = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)" +
                         std::string(120 * 1024, ' ') + R"("Action":"*","Resource":"*"}]})";
  Status s = ValidateQuery(
      "Action=PutUserPolicy&Version=2010-05-08&UserName=alice"
      "&PolicyName=p&PolicyDocument=" +
      UriEncode(document));
  EXPECT_TRUE(s.ok()) << s.message().substr(0, 300);
}

TEST(InputLimitsTest, HugeUserNameGetsTheLengthError) {
  std::string name(300 * 1024, 'a');
  Status s = ValidateQuery("Action=GetUser&Version=2010-05-08&UserName=" + name);
  EXPECT_EQ(s.code(), ErrorCode::kValidationError);
  EXPECT_EQ(s.message(), "1 validation error detected: Value '" + name +
                             "' at 'userName' failed to satisfy constraint: Member must have "
                             "length less than or equal to 128");
  // Too long and against the pattern: both, as AWS words them.
  Status both = ValidateQuery("Action=GetUser&Version=2010-05-08&UserName=" + name + "%21");
  EXPECT_NE(both.message().find("2 validation errors detected"), std::string::npos);
  EXPECT_NE(both.message().find("Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
            std::string::npos);
}

// A list over its length limit is shown in the message as JSON; bytes in it that are not UTF-8
// (a query string can carry any) are shown replaced, not thrown on.
TEST(InputLimitsTest, AnOverlongListWithBytesThatAreNotUtf8GetsTheLengthError) {
  std::string body = "Action=CreateVirtualMFADevice&Version=2010-05-08&VirtualMFADeviceName=device";
  for (int i = 1; i <= 51; ++i) {
    const std::string n = std::to_string(i);
    body += "&Tags.member." + n + ".Key=k" + n + "&Tags.member." + n + ".Value=%FF";
  }
  Status s = ValidateQuery(body);
  EXPECT_EQ(s.code(), ErrorCode::kValidationError);
  EXPECT_NE(s.message().find("Member must have length less than or equal to 50"), std::string::npos)
      << s.message().substr(0, 300);
}

Result<json> ReadOrganizations(std::string_view operation, std::string_view body) {
  const ServiceModel& model = *Registry().Find("organizations");
  return ReadJsonInput(model, *model.FindShape(model.FindOperation(operation)->input), body);
}

TEST(InputLimitsTest, DeepJsonIsASerializationError) {
  const size_t levels = 100000;
  std::string deep = R"({"Name":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
  Result<json> r = ReadOrganizations("CreateOrganizationalUnit", deep);
  EXPECT_EQ(r.status().code(), ErrorCode::kSerializationException);
  EXPECT_EQ(r.status().message(),
            "Unexpected content in the request body; it nests deeper than 64 levels.");
  // Brackets inside strings are text, not nesting.
  Result<json> text =
      ReadOrganizations("CreateOrganizationalUnit",
                        R"({"ParentId":"r-abcd","Name":")" + std::string(levels, '[') + R"(\"]"})");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ((*text)["Name"].get<std::string>().size(), levels + 2);
  // As deep as the limit is still read.
  std::string at_limit = std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']');
  Result<json> limit =
      ReadOrganizations("CreateOrganizationalUnit", R"({"Name":)" + at_limit + "}");
  EXPECT_EQ(limit.status().message(), "STRING_VALUE can not be converted to a String");
}

TEST(InputLimitsTest, NullsCountAsAbsent) {
  Result<json> r = ReadOrganizations(
      "CreateOrganizationalUnit",
      R"({"ParentId":"r-abcd","Name":null,"Tags":[null,{"Key":"k","Value":null}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, json::parse(R"({"ParentId":"r-abcd","Tags":[{"Key":"k"}]})"));
  const ServiceModel& model = *Registry().Find("organizations");
  const Shape& shape = *model.FindShape(model.FindOperation("CreateOrganizationalUnit")->input);
  // A required member given as null is missing, as AWS words it.
  EXPECT_NE(ValidateInput(model, shape, *r, ErrorCode::kValidationException)
                .message()
                .find("Value null at 'name' failed to satisfy constraint: Member must not be null"),
            std::string::npos);
  Result<json> empty = ReadOrganizations("ListAccounts", "null");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, json::object());
}

}  // namespace
}  // namespace gatehouse::protocol
