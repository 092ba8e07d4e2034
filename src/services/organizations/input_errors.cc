#include "services/organizations/input_errors.h"

#include <array>
#include <string>
#include <utility>

#include "services/conflict_retry.h"

namespace gatehouse::services::organizations {
namespace {

// The reasons gatehouse gives, with Organizations' message for each (the API reference's
// description of the reason, as the service words it).
constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kMessages = {{
    {"INPUT_REQUIRED", "You must include a value for all required parameters."},
    {"INVALID_ENUM", "You specified an invalid value."},
    {"INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string."},
    {"INVALID_PATTERN", "You provided a value that does not match the required pattern."},
    {"INVALID_PATTERN_TARGET_ID",
     "You specified a policy target ID that doesn't match the required pattern."},
    {"INVALID_SYNTAX_POLICY_ID", "You specified an invalid policy ID."},
    {"INVALID_LIST_MEMBER",
     "You provided a list to a parameter that contains at least one invalid value."},
    {"MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed."},
    {"MIN_LENGTH_EXCEEDED", "You provided a string parameter that is shorter than allowed."},
    {"MAX_VALUE_EXCEEDED",
     "You provided a numeric parameter that has a larger value than allowed."},
    {"MIN_VALUE_EXCEEDED",
     "You provided a numeric parameter that has a smaller value than allowed."},
    {"INVALID_NEXT_TOKEN",
     "Get the value for the NextToken parameter from the response to a previous call of the "
     "operation."},
    {"IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified."},
    {"NON_DETACHABLE_POLICY", "You can't detach this AWS Managed Policy."},
    {"UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified a service principal that isn't recognized."},
    {"TARGET_NOT_SUPPORTED", "You specified a target that isn't supported for this operation."},
    {"INVALID_RESOURCE_POLICY_JSON", "You provided a resource policy that isn't valid JSON."},
    {"UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
     "You provided a resource policy with an action that isn't supported in a resource policy."},
    {"INVALID_SYSTEM_TAGS_PARAMETER",
     "You specified a tag key that is a system tag. You can't add, edit, or delete system tag "
     "keys because they're reserved for AWS use."},
    {"MAX_LIMIT_EXCEEDED_FILTER", "You can specify only one filter parameter for the operation."},
    {"INVALID_PARTY_TYPE_TARGET",
     "You specified the wrong type of entity (account, organization, or email) as a party."},
    {"INVALID_EMAIL_ADDRESS_TARGET",
     "You specified an invalid email address for the invited account owner."},
    {"DUPLICATE_TAG_KEY", "Tag keys must be unique among the tags attached to the same entity."},
    {"INVALID_START_DATE", "The start date doesn't meet the minimum requirements."},
    {"START_DATE_NOT_BEGINNING_OF_DAY",
     "You provided an invalid start date. The start date must be the beginning of the day "
     "(00:00:00.000)."},
    {"START_DATE_NOT_BEGINNING_OF_MONTH",
     "You provided an invalid start date. The start date must be the first day of the month."},
    {"START_DATE_TOO_EARLY", "You provided an invalid start date. The start date is too early."},
    {"START_DATE_TOO_LATE", "You provided an invalid start date. The start date is too late."},
    {"END_DATE_NOT_END_OF_MONTH",
     "You provided an invalid end date. The end date must be the end of the last day of the "
     "month (23.59.59.999)."},
    {"END_DATE_TOO_EARLY",
     "You provided an invalid end date. It is too early for the transfer to end."},
}};

// The member the first failure names: "…at 'targetId' failed…" → "targetId".
std::string_view FailedMember(std::string_view first) {
  size_t at = first.find(" at '");
  if (at == std::string_view::npos) return {};
  size_t start = at + 5, end = first.find('\'', start);
  return end == std::string_view::npos ? std::string_view() : first.substr(start, end - start);
}

std::string_view ReasonOf(std::string_view first) {
  const std::string_view member = FailedMember(first);
  auto has = [&](std::string_view text) { return first.find(text) != std::string_view::npos; };
  if (has("must not be null")) return "INPUT_REQUIRED";
  if (has("enum value set")) {
    return member == "policyType" || member == "filter" ? "INVALID_ENUM_POLICY_TYPE"
                                                        : "INVALID_ENUM";
  }
  if (has("length less than")) return "MAX_LENGTH_EXCEEDED";
  if (has("length greater than")) return "MIN_LENGTH_EXCEEDED";
  if (has("value less than")) return "MAX_VALUE_EXCEEDED";
  if (has("value greater than")) return "MIN_VALUE_EXCEEDED";
  if (member == "targetId") return "INVALID_PATTERN_TARGET_ID";
  if (member == "policyId") return "INVALID_SYNTAX_POLICY_ID";
  return "INVALID_PATTERN";
}

}  // namespace

Status InvalidInput(std::string_view reason) {
  for (const auto& [r, message] : kMessages) {
    if (r == reason) {
      return Status(ErrorCode::kInvalidInputException, std::string(message), std::string(reason));
    }
  }
  return Status(ErrorCode::kInvalidInputException, "You specified an invalid value.",
                std::string(reason));
}

Status InOrganizationsTerms(const Status& error) {
  if (error.code() == ErrorCode::kAccessDenied) {
    return Status(ErrorCode::kAccessDeniedException, error.message());
  }
  if (error.code() != ErrorCode::kValidationException) {
    return ConcurrentModificationInOrganizationsTerms(error);
  }
  const std::string& m = error.message();
  return InvalidInput(ReasonOf(std::string_view(m).substr(0, m.find(';'))));
}

}  // namespace gatehouse::services::organizations
