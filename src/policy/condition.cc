#include "policy/condition.h"

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

template <typename T>
bool Compare(Comparison cmp, const T& request, const T& policy) {
  switch (cmp) {
    case Comparison::kEq:
      return request == policy;
    case Comparison::kLt:
      return request < policy;
    case Comparison::kLe:
      return request <= policy;
    case Comparison::kGt:
      return request > policy;
    case Comparison::kGe:
      return request >= policy;
  }
  return false;
}

}  // namespace

Condition Condition::Compile(const ConditionClause& clause, PolicyVersion version) {
  const ConditionOperator& op = clause.decoded;
  Condition c;
  c.op_ = op;
  c.key_ = AsciiLower(clause.key);
  const bool variables = version == PolicyVersion::k2012;
  for (const std::string& v : clause.values) {
    switch (op.family) {
      case OperatorFamily::kString:
        c.patterns_.push_back(Pattern::Compile(v, {.wildcards = false, .variables = variables}));
        break;
      case OperatorFamily::kStringIgnoreCase:
        c.patterns_.push_back(
            Pattern::Compile(v, {.wildcards = false, .variables = variables, .fold_case = true}));
        break;
      case OperatorFamily::kStringLike:
        c.patterns_.push_back(Pattern::Compile(v, {.wildcards = true, .variables = variables}));
        break;
      case OperatorFamily::kArn:
        c.arns_.push_back(ArnPattern::Compile(
            v, {.variables = variables, .variables_only_in_resource_part = false}));
        break;
      case OperatorFamily::kNumeric:
        c.numbers_.push_back(ParseNumber(v));
        break;
      case OperatorFamily::kDate:
        c.dates_.push_back(ParseDate(v));
        break;
      case OperatorFamily::kIp:
        c.networks_.push_back(IpNetwork::Parse(v));
        break;
      case OperatorFamily::kBool:
      case OperatorFamily::kBinary:
      case OperatorFamily::kNull:
        c.raw_.push_back(v);
        break;
    }
  }
  return c;
}

bool Condition::AnyValueMatches(const std::string& value, const ContextKeys& context) const {
  switch (op_.family) {
    case OperatorFamily::kString:
    case OperatorFamily::kStringIgnoreCase:
    case OperatorFamily::kStringLike:
      for (const Pattern& p : patterns_) {
        if (p.Matches(value, &context)) return true;
      }
      return false;
    case OperatorFamily::kArn:
      for (const ArnPattern& p : arns_) {
        if (p.Matches(value, &context)) return true;
      }
      return false;
    case OperatorFamily::kNumeric: {
      std::optional<double> request = ParseNumber(value);
      if (!request) return false;
      for (const auto& n : numbers_) {
        if (n && Compare(op_.comparison, *request, *n)) return true;
      }
      return false;
    }
    case OperatorFamily::kDate: {
      std::optional<Instant> request = ParseDate(value);
      if (!request) return false;
      for (const auto& d : dates_) {
        if (d && Compare(op_.comparison, *request, *d)) return true;
      }
      return false;
    }
    case OperatorFamily::kIp: {
      std::optional<IpNetwork> request = IpNetwork::Parse(value);
      if (!request || request->prefix != (request->v6 ? 128 : 32)) return false;
      for (const auto& n : networks_) {
        if (n && n->Contains(*request)) return true;
      }
      return false;
    }
    case OperatorFamily::kBool:
      for (const std::string& b : raw_) {
        if (EqualsIgnoreCase(b, value)) return true;
      }
      return false;
    case OperatorFamily::kBinary:
      for (const std::string& b : raw_) {
        if (b == value) return true;
      }
      return false;
    case OperatorFamily::kNull:
      return false;  // handled in Evaluate
  }
  return false;
}

bool Condition::Evaluate(const ContextKeys& context) const {
  const ContextKeys::Values* values = context.Find(key_);
  const bool missing = values == nullptr || values->empty();

  if (op_.family == OperatorFamily::kNull) {
    // "true": the key must be absent; "false": present. Several values: any may hold.
    for (const std::string& v : raw_) {
      if (EqualsIgnoreCase(v, "true") && missing) return true;
      if (EqualsIgnoreCase(v, "false") && !missing) return true;
    }
    return false;
  }

  switch (op_.qualifier) {
    case SetQualifier::kNone:
      if (missing) return op_.negated || op_.if_exists;
      for (const std::string& v : *values) {
        if (AnyValueMatches(v, context)) return !op_.negated;
      }
      return op_.negated;
    case SetQualifier::kForAnyValue:
      if (missing) return op_.if_exists;
      for (const std::string& v : *values) {
        if (AnyValueMatches(v, context) != op_.negated) return true;
      }
      return false;
    case SetQualifier::kForAllValues:
      if (missing) return true;
      for (const std::string& v : *values) {
        if (AnyValueMatches(v, context) == op_.negated) return false;
      }
      return true;
  }
  return false;
}

}  // namespace gatehouse::policy
