// The inputs AssumeRole and GetFederationToken share, checked as AWS checks them: session
// policies (Policy, validated as a session policy; PolicyArns, managed policies by ARN), session
// tags (Tags, keys unique regardless of case; TransitiveTagKeys among them) and the packed size
// of all three against the space a session token gives them (PackedPolicyTooLarge, with the
// percentage used). And the Credentials a session is answered with.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "auth/session_token.h"
#include "core/status.h"
#include "services/sts/sts_context.h"

namespace gatehouse::services::sts {

// The packed size's allowance, in bytes of policy (whitespace between tokens not counted),
// policy ARNs and tag text.
inline constexpr size_t kPackedAllowance = 4096;

struct SessionInputs {
  bool has_policy = false;  // Policy or PolicyArns given
  std::string policy;       // as given (validated)
  std::vector<std::string> policy_arns;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> transitive_tag_keys;
  int packed_percent = 0;  // PackedPolicySize
};

// Reads Policy, PolicyArns, Tags and TransitiveTagKeys of `input`. `inherited_tags` are the
// caller's transitive session tags (role chaining), which count toward the packed size and
// which the request may not set again.
Result<SessionInputs> ReadSessionInputs(
    const nlohmann::json& input,
    const std::vector<std::pair<std::string, std::string>>& inherited_tags = {});

// Gives `claims` a new access key id, secret and expiry `duration_seconds` from now, seals it,
// and answers the Credentials structure.
Result<nlohmann::json> IssueCredentials(StsContext& sts, auth::SessionClaims& claims,
                                        int64_t duration_seconds);

// The caller's MFA: verifies (and spends) `TokenCode` of the caller's device `SerialNumber`;
// AccessDenied in AWS's words when the device is not the caller's or the code is wrong or spent.
// Ok without effect when neither is given.
Status CheckMfaInput(StsContext& sts, const OperationContext& c, bool* authenticated);

}  // namespace gatehouse::services::sts
