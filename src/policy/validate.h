// The rules a policy must follow beyond its grammar, which differ by kind, checked in the order
// AWS checks them so that a document with several faults gets AWS's answer:
//   identity, session, boundary (managed: Version 2012-10-17 required), resource:
//     version → legacy parsing (Effect case, Date values, old ARN forms) → Principal → Sid
//     characters → Sid uniqueness → actions present → resources present → resource format →
//     action format;
//   trust: prohibited fields → Principal → actions present → STS actions only;
//   scp: the identity rules plus no Principal, reported with Organizations' single message;
//   rcp: the identity rules with Principal "*" in every statement and neither NotPrincipal nor
//     NotAction, reported likewise. (That only AWS's RCPFullAWSAccess may Allow is a rule of
//     Organizations' CreatePolicy, not of the grammar: the evaluator compiles that policy too.)
// Failures are MalformedPolicyDocument with AWS's wording (tests/policy/validation/MESSAGES.md).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "policy/document.h"

namespace gatehouse::policy {

inline constexpr std::string_view kSyntaxErrors = "Syntax errors in policy.";
inline constexpr std::string_view kInvalidJson = "This policy contains invalid Json";
inline constexpr std::string_view kScpRequirements =
    "The provided policy document does not meet the requirements of the specified policy type.";

inline Status MalformedPolicy(std::string_view message) {
  return Status(ErrorCode::kMalformedPolicyDocument, std::string(message));
}

Status Validate(const Document& doc, PolicyKind kind);

// The actions a role trust policy governs (`lower_action` lowercased): the only ones it may name.
bool IsRoleTrustAction(std::string_view lower_action);

}  // namespace gatehouse::policy
