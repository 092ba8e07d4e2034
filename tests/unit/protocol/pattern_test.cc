#include "protocol/pattern.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "protocol/model.h"

namespace gatehouse::protocol {
namespace {

bool Matches(std::string_view java_pattern, std::string_view text) {
  std::shared_ptr<const re2::RE2> compiled = CompilePattern(java_pattern);
  EXPECT_NE(compiled, nullptr) << java_pattern;
  return compiled != nullptr && MatchesPattern(*compiled, text);
}

TEST(PatternTest, TranslatesJavaSyntaxToRe2) {
  EXPECT_EQ(TranslatePattern("[\\u0020-\\u007E]+"), "[\\x{20}-\\x{7E}]+");
  // botocore's five- and six-digit escapes name code points past U+FFFF.
  EXPECT_EQ(TranslatePattern("[\\uE000-\\uFFFD\\u10000-\\u10FFFF]"),
            "[\\x{E000}-\\x{FFFD}\\x{10000}-\\x{10FFFF}]");
  EXPECT_EQ(TranslatePattern("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"), "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  // Java's \s has the vertical tab, RE2's has not: it is spelt out, inside a class or not.
  EXPECT_EQ(TranslatePattern("[^\\s@]+"), "[^\\t\\n\\x0B\\f\\r @]+");
  EXPECT_EQ(TranslatePattern("a\\sb"), "a[\\t\\n\\x0B\\f\\r ]b");
  EXPECT_EQ(TranslatePattern("[\\w+=,.@-]+"), "[\\w+=,.@-]+");
}

TEST(PatternTest, RefusesWhatRe2CannotSay) {
  EXPECT_EQ(TranslatePattern("a(?=b)"), std::nullopt);
  EXPECT_EQ(TranslatePattern("(a)\\1"), std::nullopt);
  EXPECT_EQ(TranslatePattern("[a-z&&[^e]]"), std::nullopt);
  EXPECT_EQ(TranslatePattern("[\\uD800]"), std::nullopt);  // a lone surrogate
  EXPECT_EQ(TranslatePattern("\\u12"), std::nullopt);
  EXPECT_EQ(TranslatePattern("[abc"), std::nullopt);
  EXPECT_EQ(CompilePattern("a(?!b)"), nullptr);
}

TEST(PatternTest, EveryModelPatternCompiles) {
  const ModelRegistry registry = *ModelRegistry::LoadEmbedded();
  for (const char* service : {"iam", "sts", "organizations"}) {
    for (const auto& [name, shape] : registry.Find(service)->shapes()) {
      if (shape.pattern) {
        EXPECT_NE(CompilePattern(*shape.pattern), nullptr)
            << service << " " << name << " " << *shape.pattern;
      }
    }
  }
}

// The account alias pattern has a lookahead; its RE2 form accepts the same strings.
TEST(PatternTest, AccountAliasWithoutLookahead) {
  const char* alias = "^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$";
  for (const char* ok : {"a", "ab", "my-alias", "a-b-c", "0-9"}) {
    EXPECT_TRUE(Matches(alias, ok)) << ok;
  }
  for (const char* bad : {"", "-a", "a-", "my--alias", "A", "a_b", "a--", "a-\n"}) {
    EXPECT_FALSE(Matches(alias, bad)) << bad;
  }
  // The current model's form: the same characters (its 3–63 length is the shape's min and max).
  const char* bounded = "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";
  for (const char* ok : {"abc", "my-alias", "a-b-c", "0-9"}) {
    EXPECT_TRUE(Matches(bounded, ok)) << ok;
  }
  for (const char* bad : {"-ab", "ab-", "my--alias", "Abc", "a_b", "a--b", "ab-\n"}) {
    EXPECT_FALSE(Matches(bounded, bad)) << bad;
  }
}

TEST(PatternTest, MatchesAsJavaDoes) {
  // The whole value must match, alternatives included.
  const char* target = "^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$";
  EXPECT_TRUE(Matches(target, "r-abcd"));
  EXPECT_TRUE(Matches(target, "111111111111"));
  EXPECT_FALSE(Matches(target, "r-abcd 111111111111"));
  EXPECT_FALSE(Matches(target, "1111111111111"));
  // Unicode letters, in UTF-8.
  const char* tag = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
  EXPECT_TRUE(Matches(tag, "\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC 42"));  // été 日本 42
  EXPECT_FALSE(Matches(tag, "a\x01"));
  EXPECT_FALSE(Matches(tag, "\xFF"));  // not UTF-8: never a match
  const char* text =
      "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD"
      "\\u10000-\\u10FFFF]+";
  EXPECT_TRUE(Matches(text, "\xF0\x9F\x98\x80 ok\n"));  // 😀
  EXPECT_FALSE(Matches(text, "\x0B"));
  const char* email = "[^\\s@]+@[^\\s@]+\\.[^\\s@]+";
  EXPECT_TRUE(Matches(email, "root@example.com"));
  EXPECT_FALSE(Matches(email, "ro\x0Bot@example.com"));  // Java's \s has the vertical tab
}

// A backtracking engine recursed once per character here and overflowed the stack.
TEST(PatternTest, LongValuesMatchInLinearTime) {
  std::string document = "{\"Version\":\"2012-10-17\"," + std::string(1 << 20, ' ') + "}";
  EXPECT_TRUE(Matches("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", document));
  std::string name(1 << 20, 'a');
  EXPECT_TRUE(Matches("[\\w+=,.@-]+", name));
  EXPECT_FALSE(Matches("[\\w+=,.@-]+", name + "!"));
  EXPECT_TRUE(Matches("^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", name));
}

TEST(PatternTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("plain \xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // cut short
}

}  // namespace
}  // namespace gatehouse::protocol
