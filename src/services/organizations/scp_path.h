// The service control policies that bound an account: for each level of its path in its
// organization (the root, each OU down to the account's parent, then the account itself), the
// documents of the SCPs attached there. Authorization asks for them on every request, so this
// reads the directory only; documents are passed as stored, and the authorizer's cache of
// compiled policies keeps them from being parsed again. Thread-safe.
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

}  // namespace gatehouse::services::organizations
