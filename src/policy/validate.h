// The rules a well-formed Document must follow beyond the JSON grammar, which differ by kind:
// where Principal is required or forbidden, what actions a trust policy may name, what resources
// must look like, which condition operators exist, SCP restrictions. Failures are
// MalformedPolicyDocument with AWS's wording; the first failing rule, in AWS's order, wins.
#pragma once

#include "core/status.h"
#include "policy/document.h"

namespace gatehouse::policy {

Status Validate(const Document& doc, PolicyKind kind);

}  // namespace gatehouse::policy
