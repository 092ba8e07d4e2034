// What the STS handlers share: the IAM context (state, AWS-managed policy catalog, randomness,
// master key, clock; MFA devices live in IAM) and the session key ring that seals the tokens
// they issue.
#pragma once

#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/sts/session_key_ring.h"

namespace gatehouse::services::sts {

struct StsContext {
  iam::IamContext& iam;
  SessionKeyRing& keys;
};

// Registers every STS operation.
void RegisterStsOperations(Dispatcher& dispatcher, StsContext& sts);

}  // namespace gatehouse::services::sts
