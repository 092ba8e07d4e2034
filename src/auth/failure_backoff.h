// FailureBackoff: the rule of the limits that count failures per key (a client address, a
// principal and an address, …). After `free_failures` failures a key must wait before its next
// attempt, and the wait doubles with each further failure (5 s, 10 s, 20 s … at most 15
// minutes). A key's count ends an hour after its last failure. The counts themselves live in
// ThrottleCounts (auth/throttle_counts.h), where PasswordThrottle and CountedBackoff keep them.
#pragma once

#include <cstdint>

namespace gatehouse::auth {

struct FailureBackoff {
  static constexpr int64_t kFirstDelayMs = 5000;
  static constexpr int64_t kMaxDelayMs = 15 * 60 * 1000;
  static constexpr int64_t kForgetAfterMs = 60 * 60 * 1000;

  // The wait after `failures` failures when the first `free_failures` are free.
  static int64_t DelayAfter(int64_t free_failures, int64_t failures);
};

}  // namespace gatehouse::auth
