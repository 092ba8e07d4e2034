#include "policy/pattern.h"

#include <gtest/gtest.h>

#include "policy/arn_pattern.h"

namespace gatehouse::policy {
namespace {

bool Like(std::string_view pattern, std::string_view subject, const ContextKeys* ctx = nullptr,
          bool variables = false) {
  return Pattern::Compile(pattern, {.wildcards = true, .variables = variables})
      .Matches(subject, ctx);
}

TEST(PatternTest, Wildcards) {
  EXPECT_TRUE(Like("a*c", "abcc"));
  EXPECT_TRUE(Like("a*c", "ac"));
  EXPECT_FALSE(Like("a*c", "abcd"));
  EXPECT_TRUE(Like("a?c", "abc"));
  EXPECT_FALSE(Like("a?c", "abbc"));
  EXPECT_TRUE(Like("*", ""));
  EXPECT_TRUE(Like("**", "x"));
  EXPECT_FALSE(Like("", "x"));
  EXPECT_TRUE(Like("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(Like("*a*b*", "xxbxxaxx"));
}

TEST(PatternTest, CaseFolding) {
  Pattern p = Pattern::Compile("iam:Get*", {.wildcards = true, .fold_case = true});
  EXPECT_TRUE(p.Matches("IAM:GETUSER", nullptr));
  EXPECT_FALSE(Like("user/Alice", "user/alice"));
}

TEST(PatternTest, LiteralWhenWildcardsOff) {
  Pattern p = Pattern::Compile("a*", {.wildcards = false});
  EXPECT_TRUE(p.Matches("a*", nullptr));
  EXPECT_FALSE(p.Matches("ab", nullptr));
}

TEST(PatternTest, VariablesAndEscapes) {
  ContextKeys ctx;
  ctx.Set("aws:username", {"alice"});
  ctx.Set("aws:PrincipalTag/Team", {"b*"});
  EXPECT_TRUE(Like("user/${aws:username}", "user/alice", &ctx, true));
  EXPECT_TRUE(Like("user/${AWS:UserName}", "user/alice", &ctx, true));
  EXPECT_FALSE(Like("user/${aws:username}", "user/bob", &ctx, true));
  // A substituted value is literal text, never a wildcard.
  EXPECT_TRUE(Like("${aws:principaltag/team}", "b*", &ctx, true));
  EXPECT_FALSE(Like("${aws:principaltag/team}", "blue", &ctx, true));
  EXPECT_TRUE(Like("x${*}y", "x*y", &ctx, true));
  EXPECT_FALSE(Like("x${*}y", "xay", &ctx, true));
  EXPECT_TRUE(Like("${?}${$}", "?$", &ctx, true));
  // Missing variable: nothing matches, unless a default is given.
  EXPECT_FALSE(Like("${aws:userid}", "", &ctx, true));
  EXPECT_TRUE(Like("${aws:userid, 'none'}", "none", &ctx, true));
  // Without variables (Version 2008-10-17) the text is literal.
  EXPECT_TRUE(Like("user/${aws:username}", "user/${aws:username}", &ctx, false));
}

TEST(ArnPatternTest, FieldsAreMatchedSeparately) {
  auto arn = [](std::string_view p, std::string_view s) {
    return ArnPattern::Compile(p, {}).Matches(s, nullptr);
  };
  EXPECT_TRUE(arn("*", "anything"));
  EXPECT_TRUE(arn("arn:aws:iam::111111111111:user/*", "arn:aws:iam::111111111111:user/p/bob"));
  EXPECT_TRUE(arn("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c"));
  EXPECT_FALSE(arn("arn:aws:i*:111111111111:user/x", "arn:aws:iam::111111111111:user/x"));
  EXPECT_TRUE(arn("arn:aws:*:*:111111111111:user/x", "arn:aws:iam::111111111111:user/x"));
  EXPECT_TRUE(arn("arn:aws:iam::*:role/?dmin", "arn:aws:iam::222222222222:role/Admin"));
  EXPECT_FALSE(arn("arn:aws:iam::?:role/A", "arn:aws:iam:::role/A"));
  EXPECT_TRUE(arn("arn:aws:*", "arn:aws:iam::1:user/x"));
  EXPECT_FALSE(arn("arn:aws:iam::1:user/x", "arn:aws:iam::1"));
}

}  // namespace
}  // namespace gatehouse::policy
