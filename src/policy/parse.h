// Reading a policy document: JSON text → Document, checked against the policy grammar and the
// rules of its kind, failing with MalformedPolicyDocument and AWS's wording. Pure functions.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/status.h"
#include "policy/document.h"

namespace gatehouse::policy {

// Parses and validates policy text.
Result<Document> ParsePolicy(std::string_view text, PolicyKind kind);

// The same for a document already parsed as JSON (e.g. embedded in a simulate request).
Result<Document> ParsePolicyJson(const nlohmann::json& json, PolicyKind kind);

}  // namespace gatehouse::policy
