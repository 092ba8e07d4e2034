// The syntax tree of one IAM policy document, as written: what parse.h produces from JSON text
// after the grammar and the kind's rules have been checked. Plain values; compiled_policy.h turns a
// Document into the form the evaluator runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/condition_operator.h"

namespace gatehouse::policy {

// The rules a document is checked against depend on where it is used.
enum class PolicyKind {
  kIdentity,  // attached to a user, group or role (managed or inline)
  kResource,  // resource-based policy: Principal required
  kTrust,     // a role's trust policy: a resource policy limited to STS actions
  kScp,       // service control policy
  kRcp,       // resource control policy: a resource policy whose Principal is "*"
  kBoundary,  // permissions boundary (an identity policy used as a limit)
  kSession,   // session policy passed to AssumeRole / GetFederationToken
};

// "identity" → kIdentity …; nullopt for an unknown name.
std::optional<PolicyKind> PolicyKindFromName(std::string_view name);
std::string_view PolicyKindName(PolicyKind kind);

enum class PolicyVersion {
  kNone,  // no Version element: policy variables are literal text
  k2008,  // "2008-10-17": likewise
  k2012,  // "2012-10-17": policy variables are substituted
};

enum class Effect { kAllow, kDeny };

// One "type": values pair of a Principal element.
enum class PrincipalType { kAws, kService, kFederated, kCanonicalUser };

struct PrincipalEntry {
  PrincipalType type;
  std::string value;  // "*", an account id, an ARN, a service name, …
};

struct PrincipalBlock {
  bool wildcard = false;  // "Principal": "*"
  std::vector<PrincipalEntry> entries;
};

struct ConditionClause {
  std::string op;                   // as written, e.g. "ForAnyValue:StringLikeIfExists"
  ConditionOperator decoded;        // the parser keeps only clauses whose operator IAM knows
  std::string key;                  // as written, e.g. "aws:PrincipalTag/Team"
  std::vector<std::string> values;  // strings, numbers and booleans as their JSON text
};

struct Statement {
  std::optional<std::string> sid;
  Effect effect = Effect::kAllow;
  bool effect_exact_case = true;  // "Allow"/"Deny" as written, not "allow" or "DENY"
  std::optional<PrincipalBlock> principal;
  std::optional<PrincipalBlock> not_principal;
  bool not_action = false;  // the list below is NotAction
  std::vector<std::string> actions;
  bool has_resource = false;  // Resource or NotResource present (trust policies have neither)
  bool not_resource = false;
  std::vector<std::string> resources;
  std::vector<ConditionClause> conditions;
};

struct Document {
  PolicyVersion version = PolicyVersion::kNone;
  std::optional<std::string> id;
  std::vector<Statement> statements;
};

}  // namespace gatehouse::policy
