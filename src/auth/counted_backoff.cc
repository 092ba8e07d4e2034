#include "auth/counted_backoff.h"

#include <algorithm>

#include "auth/failure_backoff.h"
#include "core/crypto.h"

namespace gatehouse::auth {

std::string BoundedKeyPart(const std::string& part) {
  const bool plain =
      part.size() <= kMaxThrottleKeyPart &&
      std::all_of(part.begin(), part.end(), [](char c) { return c > ' ' && c < 0x7f; });
  return plain ? part : "sha256:" + HexEncode(Sha256(part));
}

int64_t BackoffWait(const model::ThrottleCount* count, int free_failures, int64_t now_ms) {
  if (count == nullptr || now_ms - count->last_failure_ms >= FailureBackoff::kForgetAfterMs) {
    return 0;
  }
  const int64_t until =
      count->last_failure_ms + FailureBackoff::DelayAfter(free_failures, count->failures);
  return std::max<int64_t>(0, until - now_ms);
}

void CountBackoffFailure(std::optional<model::ThrottleCount>& count, int64_t now_ms) {
  if (!count || now_ms - count->last_failure_ms >= FailureBackoff::kForgetAfterMs) {
    count = model::ThrottleCount{};
  }
  count->failures++;
  count->last_failure_ms = now_ms;
  count->expires_ms = now_ms + FailureBackoff::kForgetAfterMs;
}

int64_t CountedBackoff::WaitMs(const std::string& name, int64_t now_ms) const {
  return BackoffWait(counts_.Get(KeyOf(name)).get(), free_events_, now_ms);
}

Status CountedBackoff::Count(const std::string& name, int64_t now_ms) {
  return counts_.Update({KeyOf(name)}, [&](ThrottleCounts::Values& v) {
    CountBackoffFailure(v[0], now_ms);
    return true;
  });
}

}  // namespace gatehouse::auth
