// How IAM users appear in answers, shared by the operations that return them (the users'
// own, and ListVirtualMFADevices' assigned users).
#pragma once

#include <nlohmann/json.hpp>

#include "model/entities.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

// A user as ListUsers returns it; `detailed` adds the permissions boundary and the tags, as
// GetUser and CreateUser return it.
nlohmann::json UserJson(const store::Directory& dir, const model::User& u, bool detailed);

}  // namespace gatehouse::services::iam
