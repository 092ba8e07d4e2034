#include "auth/failure_backoff.h"

#include <algorithm>

namespace gatehouse::auth {

int64_t FailureBackoff::DelayAfter(int64_t free_failures, int64_t failures) {
  if (failures < free_failures) return 0;
  const int64_t doublings = std::min<int64_t>(failures - free_failures, 20);
  return std::min<int64_t>(kFirstDelayMs << doublings, kMaxDelayMs);
}

}  // namespace gatehouse::auth
