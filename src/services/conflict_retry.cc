#include "services/conflict_retry.h"

#include <chrono>
#include <functional>
#include <thread>

namespace gatehouse::services {

namespace {

// The winner's commit is in the directory already (State applies it before releasing the commit
// lock), so the first retries go at once; later ones wait a little, each thread its own share of
// a millisecond more per attempt, so that a burst of writers on one entity spreads out.
void Backoff(int attempt) {
  if (attempt < 3) {
    std::this_thread::yield();
    return;
  }
  const size_t spread = std::hash<std::thread::id>{}(std::this_thread::get_id()) % 1000;
  std::this_thread::sleep_for(std::chrono::microseconds((attempt - 2) * (500 + spread)));
}

}  // namespace

Result<nlohmann::json> RunRetryingConflicts(
    const std::function<Result<nlohmann::json>()>& attempt) {
  for (int i = 1;; ++i) {
    Result<nlohmann::json> result = attempt();
    if (result.ok() || result.status().code() != ErrorCode::kStoreConflict) return result;
    if (i == kMaxHandlerAttempts) {
      return Status(ErrorCode::kConcurrentModification, kConcurrentModificationMessage);
    }
    Backoff(i);
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
