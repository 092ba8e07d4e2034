#include "policy/size.h"

#include <gtest/gtest.h>

namespace gatehouse::policy {
namespace {

TEST(PolicySizeTest, WhitespaceOutsideStringsDoesNotCount) {
  std::string compact = R"({"Statement":{"Sid":"a b"}})";
  std::string spaced = "{\n  \"Statement\" : {\n\t\"Sid\": \"a b\"\n  }\n}\n";
  EXPECT_EQ(PolicySize(compact, SizeRule::kIgnoreWhitespace), compact.size());
  EXPECT_EQ(PolicySize(spaced, SizeRule::kIgnoreWhitespace), compact.size());
  EXPECT_EQ(PolicySize(spaced, SizeRule::kAllCharacters), spaced.size());
}

TEST(PolicySizeTest, EscapedQuotesStayInsideStrings) {
  std::string text = R"({"a":"x\" y"})";
  EXPECT_EQ(PolicySize(text, SizeRule::kIgnoreWhitespace), text.size());
}

}  // namespace
}  // namespace gatehouse::policy
