// Checks the store's chain of digests against its events (audit/event_digest.h), for `gatehouse
// audit verify`. Pruning (store/audit_log.h) forgets the oldest events and the digests that
// sealed only them, so the check begins at the oldest kept digest, its `previous` taken as
// given; when pruning cut into that batch (its first events are gone), the batch cannot be
// checked either: its digest is taken as given and the report says so. Anyone who can write the
// database can prune it, so what these notes take on trust is no more than pruning allows.
// Events stored after the last digest are counted as not yet sealed: the recorder seals every
// few minutes. Reads the store; thread-safe as the store is.
#pragma once

#include <optional>
#include <string>

#include "audit/chain_report.h"
#include "core/status.h"
#include "store/audit_log.h"

namespace gatehouse::audit {

// An error only when the store cannot be read; a broken chain is a report.
// With `public_key` (raw Ed25519, audit/digest_signature.h) every digest must carry its
// signature: the first without one, or with one that does not verify, breaks the chain there.
Result<ChainReport> CheckStoreChain(store::AuditLog& log,
                                    const std::optional<std::string>& public_key);

}  // namespace gatehouse::audit
