// How AWS Organizations words a bad request: InvalidInputException with a Reason of the model's
// InvalidInputExceptionReason and the one message Organizations gives for that reason, never
// the "1 validation error detected: …" of the services built on the common validation layer.
// One table holds every reason's message. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"

namespace gatehouse::services::organizations {

// InvalidInputException with `reason` ("INVALID_PATTERN", "IMMUTABLE_POLICY", …) and its message.
Status InvalidInput(std::string_view reason);

// `error` as Organizations answers it: a failed model constraint (ValidationException) becomes
// InvalidInputException with the Reason its first failure implies — by the kind of constraint,
// and for target ids, policy ids and policy types by the member that failed —; AccessDenied
// becomes AccessDeniedException and a write conflict ConcurrentModificationException; anything
// else is unchanged.
Status InOrganizationsTerms(const Status& error);

}  // namespace gatehouse::services::organizations
