// Condition: one operator/key pair of a statement's Condition block, compiled: its operator
// decoded, its key lowercased, its values pre-parsed (patterns, numbers, dates, CIDR blocks).
// Evaluate() applies IAM's rules: OR across the policy's values, "none may match" for negated
// operators, the ForAnyValue/ForAllValues set qualifiers over multivalued keys, IfExists, and
// AWS's results for a missing key. Immutable after Compile; Evaluate allocates nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/arn_pattern.h"
#include "policy/condition_operator.h"
#include "policy/condition_values.h"
#include "policy/context.h"
#include "policy/document.h"
#include "policy/pattern.h"

namespace gatehouse::policy {

class Condition {
 public:
  static Condition Compile(const ConditionClause& clause, PolicyVersion version);

  bool Evaluate(const ContextKeys& context) const;

 private:
  // Whether one request value matches any of the policy's values (the positive comparison).
  bool AnyValueMatches(const std::string& request_value, const ContextKeys& context) const;

  ConditionOperator op_{};
  std::string key_;                // lowercased
  std::vector<Pattern> patterns_;  // String families
  std::vector<ArnPattern> arns_;   // Arn family
  std::vector<std::optional<double>> numbers_;
  std::vector<std::optional<Instant>> dates_;
  std::vector<std::optional<IpNetwork>> networks_;
  std::vector<std::string> raw_;  // Bool, Binary, Null: the values as written
};

}  // namespace gatehouse::policy
