// Organizations' InvalidInputException: each failed model constraint gets the Reason it implies
// and that Reason's message, never the common layer's "1 validation error detected: …".
#include "services/organizations/input_errors.h"

#include <gtest/gtest.h>

namespace gatehouse::services::organizations {
namespace {

Status Failure(const std::string& first) {
  return Status(ErrorCode::kValidationException,
                "1 validation error detected: " + first + "; Value 'y' at 'other' failed");
}

TEST(InputErrorsTest, EachConstraintHasItsReasonAndMessage) {
  struct Case {
    std::string failure, reason, message;
  };
  const std::vector<Case> cases = {
      {"Value null at 'name' failed to satisfy constraint: Member must not be null",
       "INPUT_REQUIRED", "You must include a value for all required parameters."},
      {"Value 'x' at 'organizationalUnitId' failed to satisfy constraint: Member must satisfy "
       "regular expression pattern: ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$",
       "INVALID_PATTERN", "You provided a value that does not match the required pattern."},
      {"Value 'x' at 'targetId' failed to satisfy constraint: Member must satisfy regular "
       "expression pattern: ^x$",
       "INVALID_PATTERN_TARGET_ID",
       "You specified a policy target ID that doesn't match the required pattern."},
      {"Value 'x' at 'policyId' failed to satisfy constraint: Member must satisfy regular "
       "expression pattern: ^x$",
       "INVALID_SYNTAX_POLICY_ID", "You specified an invalid policy ID."},
      {"Value 'X' at 'filter' failed to satisfy constraint: Member must satisfy enum value set: "
       "[SERVICE_CONTROL_POLICY]",
       "INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string."},
      {"Value 'X' at 'featureSet' failed to satisfy constraint: Member must satisfy enum value "
       "set: [ALL]",
       "INVALID_ENUM", "You specified an invalid value."},
      {"Value 'xx' at 'name' failed to satisfy constraint: Member must have length less than or "
       "equal to 1",
       "MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed."},
      {"Value '' at 'name' failed to satisfy constraint: Member must have length greater than or "
       "equal to 1",
       "MIN_LENGTH_EXCEEDED", "You provided a string parameter that is shorter than allowed."},
      {"Value '30' at 'maxResults' failed to satisfy constraint: Member must have value less than "
       "or equal to 20",
       "MAX_VALUE_EXCEEDED",
       "You provided a numeric parameter that has a larger value than allowed."},
      {"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater "
       "than or equal to 1",
       "MIN_VALUE_EXCEEDED",
       "You provided a numeric parameter that has a smaller value than allowed."},
  };
  for (const Case& c : cases) {
    Status s = InOrganizationsTerms(Failure(c.failure));
    EXPECT_EQ(s.code(), ErrorCode::kInvalidInputException) << c.failure;
    EXPECT_EQ(s.reason(), c.reason) << c.failure;
    EXPECT_EQ(s.message(), c.message) << c.failure;
  }
}

TEST(InputErrorsTest, OtherErrorsInOrganizationsTerms) {
  EXPECT_EQ(
      InOrganizationsTerms(Status(ErrorCode::kAccessDenied, "User: x is not authorized")).code(),
      ErrorCode::kAccessDeniedException);
  EXPECT_EQ(InOrganizationsTerms(Status(ErrorCode::kStoreConflict, "conflict")).code(),
            ErrorCode::kConcurrentModificationException);
  Status other(ErrorCode::kPolicyNotFoundException, "We can't find a policy");
  EXPECT_EQ(InOrganizationsTerms(other).code(), other.code());
  EXPECT_EQ(InOrganizationsTerms(other).message(), other.message());
}

TEST(InputErrorsTest, NamedReasonsHaveTheirMessage) {
  EXPECT_EQ(InvalidInput("NON_DETACHABLE_POLICY").message(),
            "You can't detach this AWS Managed Policy.");
  EXPECT_EQ(InvalidInput("IMMUTABLE_POLICY").reason(), "IMMUTABLE_POLICY");
  EXPECT_EQ(InvalidInput("TARGET_NOT_SUPPORTED").message(),
            "You specified a target that isn't supported for this operation.");
  EXPECT_EQ(InvalidInput("START_DATE_TOO_EARLY").message(),
            "You provided an invalid start date. The start date is too early.");
  Status unknown = InvalidInput("INVALID_END_DATE");
  EXPECT_EQ(unknown.reason(), "INVALID_END_DATE");
  EXPECT_EQ(unknown.message(), "You specified an invalid value.");
}

}  // namespace
}  // namespace gatehouse::services::organizations
