// Centralized root access: the organization-wide features IAM switches on
// (EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions), and the
// root-task policies an AssumeRoot session may be scoped to, each with the feature it needs.
#pragma once

#include <string_view>

#include "model/organization_entities.h"

namespace gatehouse::services::iam {

inline constexpr std::string_view kRootCredentialsManagement = "RootCredentialsManagement";
inline constexpr std::string_view kRootSessions = "RootSessions";

bool HasRootAccessFeature(const model::Organization& org, std::string_view feature);

// A task AssumeRoot performs: its AWS managed policy (arn:aws:iam::aws:policy/root-task/NAME)
// and the feature that must be on for it. The root user's credentials (password, access keys,
// MFA devices, signing certificates) are root credentials management's; unlocking a resource
// policy is a root session's.
struct RootTask {
  std::string_view policy_arn;
  std::string_view feature;
};

// The task of `policy_arn` (compared exactly, as AWS compares ARNs); null when it names none.
const RootTask* FindRootTask(std::string_view policy_arn);

}  // namespace gatehouse::services::iam
