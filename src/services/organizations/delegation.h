// Who besides the management account may call an Organizations operation, as AWS lets them:
//   - a member account registered as a delegated administrator for any service may call the
//     read operations (Describe*, List*);
//   - the organization's resource policy (PutResourcePolicy) may let principals of member
//     accounts call the read operations and the policy-management ones (CreatePolicy,
//     UpdatePolicy, DeletePolicy, AttachPolicy, DetachPolicy, EnablePolicyType,
//     DisablePolicyType, TagResource, UntagResource), decided as a cross-account request: the
//     caller's own policies (and its SCPs) and the resource policy must both allow the
//     operation's action on its resource (the management account's).
// Nothing else is ever delegated: creating, inviting, moving, closing or removing accounts and
// changing the organization itself stay with the management account. Thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"
#include "services/dispatcher.h"
#include "services/organizations/organization_common.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

// Whether `account` is a delegated administrator of `org` for at least one service.
bool IsDelegatedAdministrator(const store::Directory& directory, const model::Organization& org,
                              std::string_view account);

// Whether a resource policy may name `action` (an action pattern, "organizations:List*"): an
// Organizations action that matches at least one operation the policy can delegate.
bool IsDelegableAction(std::string_view action);

// Ok when `c`'s caller, of member account `m` (not the management account), may call `c`'s
// operation as the management account would; AccessDeniedException in AWS's words otherwise.
Status CheckDelegatedAccess(const store::Directory& directory, const Membership& m,
                            const OperationContext& c);

}  // namespace gatehouse::services::organizations
