#include "core/status.h"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.info().http_status, 200);
}

TEST(StatusTest, CarriesAwsCodeAndMessage) {
  Status s(ErrorCode::kMalformedPolicyDocument, "Syntax errors in policy.");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.info().code, "MalformedPolicyDocument");
  EXPECT_EQ(s.info().http_status, 400);
  EXPECT_TRUE(s.info().sender_fault);
  EXPECT_EQ(s.ToString(), "MalformedPolicyDocument: Syntax errors in policy.");
}

TEST(StatusTest, ErrorTableRows) {
  EXPECT_EQ(Describe(ErrorCode::kNoSuchEntity).http_status, 404);
  EXPECT_EQ(Describe(ErrorCode::kAccessDenied).code, "AccessDenied");
  EXPECT_FALSE(Describe(ErrorCode::kServiceFailure).sender_fault);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status(ErrorCode::kNoSuchEntity, "gone");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kNoSuchEntity);
}

}  // namespace
}  // namespace gatehouse
