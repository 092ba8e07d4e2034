// What an access-advisor operation is asked about (GenerateServiceLastAccessedDetails,
// ListPoliciesGrantingServiceAccess): a user, group, role or managed policy named by its ARN,
// resolved to the stored entity; its permissions policies; and the users and roles whose activity
// a report on it counts. Pure reads of the directory; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

struct AccessSubject {
  enum class Kind { kUser, kGroup, kRole, kPolicy };
  Kind kind = Kind::kUser;
  std::string arn;  // as stored
  std::string name;
  std::string id;
  std::string path;
};

// The entity `arn` names in `account`. The ARN must be the stored entity's exactly (path and
// name as stored), so that a policy written for the entity's ARN decides for it whatever the
// spelling: InvalidInput for an ARN of no such kind, NoSuchEntity for one that names nothing.
// A managed policy is accepted only when `policies_too` (reports take one; the list of the
// policies granting a service does not).
Result<AccessSubject> FindAccessSubject(const IamContext& iam, const std::string& account,
                                        const std::string& arn, bool policies_too);

// A permissions policy, as ListPoliciesGrantingServiceAccess shows it.
struct GrantingPolicy {
  std::string name;
  bool managed = false;
  std::string arn;         // a managed policy's
  std::string owner_type;  // an inline policy's entity: "USER", "GROUP" or "ROLE"
  std::string owner_name;
  std::string document;
};

// The subject's permissions policies: a user's inline and attached ones, then each of its
// groups'; a group's; a role's; a managed policy itself. Boundaries are not among them.
std::vector<GrantingPolicy> PermissionsPolicies(const IamContext& iam, const std::string& account,
                                                const AccessSubject& subject);

// The users and roles whose attempts a report on the subject counts: the user or role itself,
// a group's members, the users and roles a managed policy is attached to (directly or through a
// group). Each once, users then roles, by name.
std::vector<AccessSubject> ReportedPrincipals(const IamContext& iam, const std::string& account,
                                              const AccessSubject& subject);

}  // namespace gatehouse::services::iam
