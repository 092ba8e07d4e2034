// The condition keys a request brings from its input and its resource, whatever the operation:
// iam:PermissionsBoundary (the input's, else the target user's or role's), iam:PolicyARN,
// aws:RequestTag/KEY and aws:TagKeys (from input Tags or TagKeys), aws:ResourceTag/KEY and
// iam:ResourceTag/KEY (the target's tags). Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "services/dispatcher.h"

namespace gatehouse::services {

std::vector<std::pair<std::string, std::vector<std::string>>> RequestContextKeys(
    const nlohmann::json& input, const ResourceInfo& resource);

}  // namespace gatehouse::services
