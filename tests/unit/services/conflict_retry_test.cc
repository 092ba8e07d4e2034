// The dispatcher's answer to a store conflict: the handler runs again, a bounded number of
// times, and then the request is answered as AWS answers a lost race.
#include "services/conflict_retry.h"

#include <gtest/gtest.h>

namespace gatehouse::services {
namespace {

using nlohmann::json;

TEST(ConflictRetry, RunsTheHandlerAgainUntilItsCommitHolds) {
  int runs = 0;
  Result<json> r = RunRetryingConflicts([&]() -> Result<json> {
    if (++runs < 3) return Status(ErrorCode::kStoreConflict, "precondition failed");
    return json{{"done", true}};
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(runs, 3);
}

TEST(ConflictRetry, OtherErrorsAreAnsweredAtOnce) {
  int runs = 0;
  Result<json> r = RunRetryingConflicts([&]() -> Result<json> {
    ++runs;
    return Status(ErrorCode::kNoSuchEntity, "The role with name r cannot be found.");
  });
  EXPECT_EQ(r.status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(runs, 1);
}

TEST(ConflictRetry, GivesUpAsAwsDoes) {
  int runs = 0;
  Result<json> r = RunRetryingConflicts([&]() -> Result<json> {
    ++runs;
    return Status(ErrorCode::kStoreConflict, "precondition failed");
  });
  EXPECT_EQ(runs, kMaxHandlerAttempts);
  EXPECT_EQ(r.status().code(), ErrorCode::kConcurrentModification);
  EXPECT_EQ(r.status().info().code, "ConcurrentModification");
  EXPECT_EQ(r.status().info().http_status, 409);
  EXPECT_EQ(r.status().message(), kConcurrentModificationMessage);

  Status org = ConcurrentModificationInOrganizationsTerms(r.status());
  EXPECT_EQ(org.info().code, "ConcurrentModificationException");
  EXPECT_EQ(org.info().http_status, 400);
  EXPECT_EQ(org.message(), kConcurrentModificationExceptionMessage);
  Status other(ErrorCode::kPolicyNotFoundException, "x");
  EXPECT_EQ(ConcurrentModificationInOrganizationsTerms(other), other);
}

}  // namespace
}  // namespace gatehouse::services
