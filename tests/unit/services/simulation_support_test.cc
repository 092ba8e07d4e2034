#include "services/iam/simulation_support.h"

#include <gtest/gtest.h>

#include "policy/parse.h"

namespace gatehouse::services::iam {
namespace {

std::pair<int, int> Pos(const TextPosition& p) { return {p.line, p.column}; }

// AWS CLI documentation, simulate-custom-policy: a one-line policy whose Statement is an
// object spans columns 38 to 167 of line 1.
TEST(StatementSpans, ObjectStatementAsAwsReportsIt) {
  auto spans = StatementSpans(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",)"
      R"("Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}})");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Pos(spans[0].start), std::make_pair(1, 38));
  EXPECT_EQ(Pos(spans[0].end), std::make_pair(1, 167));
}

// AdministratorAccess as AWS stores it (two-space indent): line 3 column 17 to line 8 column 6.
TEST(StatementSpans, ArrayStatementsStartAfterWhatPrecedesThem) {
  const char* doc =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [\n"
      "    {\n"
      "      \"Effect\": \"Allow\",\n"
      "      \"Action\": \"*\",\n"
      "      \"Resource\": \"*\"\n"
      "    },\r\n"
      "    {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"}\n"
      "  ]\n"
      "}\n";
  auto spans = StatementSpans(doc);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(Pos(spans[0].start), std::make_pair(3, 17));
  EXPECT_EQ(Pos(spans[0].end), std::make_pair(8, 6));
  EXPECT_EQ(Pos(spans[1].start), std::make_pair(8, 6));
  EXPECT_EQ(Pos(spans[1].end), std::make_pair(9, 58));
}

TEST(StatementSpans, CountsCharactersAndSkipsStrings) {
  // "é" is two bytes, one column; braces inside strings are not structure.
  auto spans =
      StatementSpans("{\"Id\":\"é{[\\\"\",\"Statement\":[{\"Sid\":\"}\",\"Effect\":\"Allow\"}]}");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Pos(spans[0].start), std::make_pair(1, 28));
  EXPECT_EQ(Pos(spans[0].end), std::make_pair(1, 56));
}

TEST(StatementSpans, NotJsonGivesNothing) {
  EXPECT_TRUE(StatementSpans("").empty());
  EXPECT_TRUE(StatementSpans("{\"Statement\":[{\"Effect\":\"Allow\"}").empty());
  EXPECT_TRUE(StatementSpans("[1]").empty());
  EXPECT_TRUE(StatementSpans(std::string(200, '[')).empty());
}

std::vector<std::string> Keys(const std::string& text) {
  auto doc = policy::ParsePolicy(text, policy::PolicyKind::kIdentity);
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  std::vector<std::string> keys;
  if (doc.ok()) AppendContextKeys(*doc, keys);
  return keys;
}

// AWS CLI documentation, get-context-keys-for-custom-policy.
TEST(ContextKeys, VariablesThenConditionKeysInOrderOfAppearance) {
  EXPECT_EQ(Keys(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",)"
                 R"("Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",)"
                 R"("Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}})"),
            (std::vector<std::string>{"aws:username", "aws:CurrentTime"}));
}

TEST(ContextKeys, DistinctRegardlessOfCaseAndOnlyRealVariables) {
  EXPECT_EQ(
      Keys(
          R"({"Version":"2012-10-17","Statement":[)"
          R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}/${aws:userid, 'x'}",)"
          R"("Condition":{"StringLike":{"s3:prefix":"${AWS:UserId}/*"},)"
          R"("Bool":{"aws:SecureTransport":"true"}}},)"
          R"({"Effect":"Deny","Action":"s3:*","Resource":"*",)"
          R"("Condition":{"StringEquals":{"AWS:SECURETRANSPORT":"false"}}}]})"),
      (std::vector<std::string>{"aws:userid", "s3:prefix", "aws:SecureTransport"}));
  // Before 2012-10-17, "${…}" is literal text.
  EXPECT_EQ(Keys(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username}"}})"),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace gatehouse::services::iam
