// The resources Organizations operations act on, as authorization sees them (the kOrg* forms
// of authz/operations.def): the ARN of the root, OU, account, policy or handshake an input id
// names in the caller's organization, with its tags. Organizations resources carry the
// management account in their ARNs, yet AWS decides them by the caller's identity-based
// policies alone, so the resource's account is the caller's. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "authz/operation_table.h"
#include "services/dispatcher.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

bool IsOrganizationsForm(authz::ResourceForm form);

// The resource of `form` (one of the kOrg* forms) that `input` names for a caller of
// `account`; "*" when the caller is in no organization.
ResourceInfo OrganizationResource(const store::Directory& directory, authz::ResourceForm form,
                                  std::string_view account, const nlohmann::json& input);

// The ARN of the organization policy `policy_id` of `org` (found, for its type), or of a
// policy of unknown type when it does not exist.
std::string FindPolicyArn(const store::Directory& directory, const model::Organization& org,
                          std::string_view policy_id);

}  // namespace gatehouse::services::organizations
