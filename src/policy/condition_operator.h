// Condition operator names: "ForAllValues:StringNotLikeIfExists" → its family, comparison,
// negation, set qualifier and IfExists flag. The operators themselves are listed once, in
// condition_operators.def.
#pragma once

#include <optional>
#include <string_view>

namespace gatehouse::policy {

enum class OperatorFamily {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class Comparison { kEq, kLt, kLe, kGt, kGe };
enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

struct ConditionOperator {
  std::string_view base_name;  // "StringNotLike"
  OperatorFamily family = OperatorFamily::kString;
  Comparison comparison = Comparison::kEq;
  bool negated = false;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
};

// nullopt when `name` is not an operator IAM knows.
std::optional<ConditionOperator> ParseConditionOperator(std::string_view name);

}  // namespace gatehouse::policy
