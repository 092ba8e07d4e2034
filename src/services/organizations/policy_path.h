// The organization policies that bound an account, gathered along its path in its organization
// (the root, each OU down to the account's parent, then the account itself): its SCPs, which
// bound what its principals may do, and its RCPs, which bound what anyone may do to its
// resources. Also the account's place in its organization, for aws:PrincipalOrgID and
// aws:PrincipalOrgPaths. Authorization asks for these on every request, so this reads the
// directory only; documents are passed as stored, and the authorizer's cache of compiled
// policies keeps them from being parsed again. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authz/authorizer.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

struct ScpPath {
  // levels[0] is the root's, the last the account's own.
  std::vector<std::vector<authz::SourcedPolicy>> levels;
  // SCPs never restrict the management account (authz::AuthzRequest::management_account).
  std::string management_account;
};

// nullopt when `account` is in no organization, or in one without all features, or without the
// SERVICE_CONTROL_POLICY type enabled on its root: then no SCP applies.
std::optional<ScpPath> ScpsOnPath(const store::Directory& directory, std::string_view account);

// The SCPs along the path of node `id` of `org` (its root, an OU or an account), levels as
// ScpPath's: what bounds the accounts at and under that node.
std::vector<std::vector<authz::SourcedPolicy>> ScpLevelsOf(const store::Directory& directory,
                                                           const model::Organization& org,
                                                           std::string_view id);

// The RCPs bounding the resources of `account`, levels as ScpPath's; nullopt when it is in no
// organization with the RESOURCE_CONTROL_POLICY type enabled, or is its management account
// (whose resources RCPs never restrict).
std::optional<std::vector<std::vector<authz::SourcedPolicy>>> RcpsOnPath(
    const store::Directory& directory, std::string_view account);

// The organization's id and the account's path in it, "o-…/r-…/ou-…/" down to its parent;
// nullopt when `account` is in no organization.
std::optional<std::pair<std::string, std::string>> OrganizationPathOf(
    const store::Directory& directory, std::string_view account);

}  // namespace gatehouse::services::organizations
