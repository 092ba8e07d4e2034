// SAML assertions already exchanged, kept in the store (model::UsedAssertion) until they could
// no longer verify — their NotOnOrAfter plus the clock skew verification allows — so that each
// is exchanged once on every instance of one database. Expired records are swept at most once a
// minute per process, by the call that spends one. Thread-safe.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "federation/saml_response.h"
#include "store/directory.h"

namespace gatehouse::services::sts {

// Whether `assertion` was exchanged already.
bool AssertionSpent(const store::Directory& directory, const federation::SamlAssertion& assertion);

// Records `assertion` as exchanged; InvalidIdentityToken when it already was (by a concurrent
// request too: the record is created, never overwritten).
Status SpendAssertion(store::State& state, const federation::SamlAssertion& assertion,
                      int64_t now_ms);

}  // namespace gatehouse::services::sts
