#include "services/conflict_retry.h"

#include <thread>

namespace gatehouse::services {

Result<nlohmann::json> RunRetryingConflicts(
    const std::function<Result<nlohmann::json>()>& attempt) {
  for (int i = 1;; ++i) {
    Result<nlohmann::json> result = attempt();
    if (result.ok() || result.status().code() != ErrorCode::kStoreConflict) return result;
    if (i == kMaxHandlerAttempts) {
      return Status(ErrorCode::kConcurrentModification, kConcurrentModificationMessage);
    }
    // The winner's commit is in the directory already (State applies it before releasing the
    // commit lock); yielding lets a burst of writers on one entity spread out.
    std::this_thread::yield();
  }
}

Status ConcurrentModificationInOrganizationsTerms(const Status& error) {
  if (error.code() != ErrorCode::kStoreConflict &&
      error.code() != ErrorCode::kConcurrentModification) {
    return error;
  }
  return Status(ErrorCode::kConcurrentModificationException,
                kConcurrentModificationExceptionMessage);
}

}  // namespace gatehouse::services
