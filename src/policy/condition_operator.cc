#include "policy/condition_operator.h"

#include <array>

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

constexpr std::array kOperators = {
#define X(name, family, comparison, negated) \
  ConditionOperator{#name, OperatorFamily::family, Comparison::comparison, negated},
#include "policy/condition_operators.def"
#undef X
};

constexpr std::string_view kForAnyValue = "ForAnyValue:";
constexpr std::string_view kForAllValues = "ForAllValues:";
constexpr std::string_view kIfExists = "IfExists";

}  // namespace

std::optional<ConditionOperator> ParseConditionOperator(std::string_view name) {
  SetQualifier qualifier = SetQualifier::kNone;
  if (StartsWith(name, kForAnyValue)) {
    qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(kForAnyValue.size());
  } else if (StartsWith(name, kForAllValues)) {
    qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(kForAllValues.size());
  }
  bool if_exists = false;
  if (name.size() > kIfExists.size() && name.ends_with(kIfExists)) {
    if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  for (const ConditionOperator& op : kOperators) {
    if (op.base_name != name) continue;
    if (op.family == OperatorFamily::kNull && (if_exists || qualifier != SetQualifier::kNone)) {
      return std::nullopt;
    }
    ConditionOperator out = op;
    out.qualifier = qualifier;
    out.if_exists = if_exists;
    return out;
  }
  return std::nullopt;
}

}  // namespace gatehouse::policy
