// Conflict retry: a handler reads the directory, decides and commits a batch whose preconditions
// (store/store.h) say what the decision rested on. When another request committed in between,
// the store refuses the batch with kStoreConflict and nothing is written; the handler is then
// simply run again, on the directory that now holds the other commit. Handlers are safe to
// re-run because a refused batch wrote nothing and none has a side effect before its commit
// (a handler commits at most once, last). After kMaxHandlerAttempts runs the request is answered
// as AWS answers a request that lost such a race: ConcurrentModification (IAM, STS; 409) or,
// in Organizations' terms, ConcurrentModificationException (see ConcurrentModificationInTerms).
// Stateless; thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "core/status.h"

namespace gatehouse::services {

// Enough for every writer of a burst on one entity to get its turn (each round of a burst lets
// one through) while a request stays bounded in time.
inline constexpr int kMaxHandlerAttempts = 16;

// AWS's wording of each service's ConcurrentModification error.
inline constexpr char kConcurrentModificationMessage[] =
    "The request was rejected because multiple requests to change this object were submitted "
    "simultaneously. Wait a few minutes and submit your request again.";
inline constexpr char kConcurrentModificationExceptionMessage[] =
    "The target of the operation is currently being modified by a different request. Try again "
    "later.";

// Runs `attempt` until it ends other than in kStoreConflict, at most kMaxHandlerAttempts
// times; a conflict on the last run becomes ConcurrentModification.
Result<nlohmann::json> RunRetryingConflicts(const std::function<Result<nlohmann::json>()>& attempt);

// A conflict (kStoreConflict or kConcurrentModification) in Organizations' terms.
Status ConcurrentModificationInOrganizationsTerms(const Status& error);

}  // namespace gatehouse::services
