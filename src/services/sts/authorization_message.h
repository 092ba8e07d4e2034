// Encoded authorization messages: what a refused request was and why — the principal, action,
// resource, condition keys, the decision and the statements that matched — in AWS's decoded
// form ({"allowed", "explicitDeny", "matchedStatements", "failures", "context"}), sealed with the
// session key ring so that only sts:DecodeAuthorizationMessage (and a caller allowed it) reads
// it. gatehouse writes the encoded message of every refusal to its request log, where an
// operator finds it without the log ever holding the details in the clear. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "authz/authorizer.h"
#include "core/random.h"
#include "core/status.h"
#include "services/sts/session_key_ring.h"

namespace gatehouse::services::sts {

Result<std::string> EncodeAuthorizationMessage(const authz::AuthzRequest& request,
                                               const authz::Evaluation& evaluation,
                                               SessionKeyRing& keys, Random& random,
                                               int64_t now_ms);

// The decoded JSON; InvalidAuthorizationMessageException when `encoded` is not a message this
// ring sealed (or its key has been retired), or one about a principal of an account other than
// `caller_account`: a message is bound to the refused principal's account (as the sealing's
// associated data), so no account reads another's refusals.
Result<std::string> DecodeAuthorizationMessage(std::string_view encoded, const SessionKeyRing& keys,
                                               std::string_view caller_account);

}  // namespace gatehouse::services::sts
