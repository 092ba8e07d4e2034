// CountedBackoff: FailureBackoff's rule — `free` events without a wait, then waits of 5 s
// doubling to at most 15 minutes, all forgotten an hour after the last event — for events
// counted in ThrottleCounts: in production the store, so that every instance on one database
// counts the same events and a restart forgets none. The console's limits on password-reset
// mail and on sign-ups per client address use it. WaitMs reads this instance's copy of the
// count (no database round trip); Count is one conditional commit, made again on the new value
// when another instance counted meanwhile, so no event is lost. An event that cannot be counted
// (the store unreachable) is an error for the caller to answer with, never a free pass: the
// limit fails closed.
// The pieces PasswordThrottle shares (a bounded key part, the backoff's wait and count) are
// here too. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/throttle_counts.h"
#include "core/status.h"
#include "model/throttle_entities.h"

namespace gatehouse::auth {

// Names and addresses longer than this, or not plain printable ASCII, are kept in throttle
// keys as their SHA-256, so that a key never grows with its input.
constexpr size_t kMaxThrottleKeyPart = 128;
// `part` as it may appear in a key: itself when short and plain, else "sha256:" and its hash.
std::string BoundedKeyPart(const std::string& part);

// How long a backoff count (FailureBackoff's rule, `free_failures` free) must still wait.
int64_t BackoffWait(const model::ThrottleCount* count, int free_failures, int64_t now_ms);
// Counts one failure (or event) in a backoff count, starting afresh once it is forgotten.
void CountBackoffFailure(std::optional<model::ThrottleCount>& count, int64_t now_ms);

class CountedBackoff {
 public:
  CountedBackoff(ThrottleCounts& counts, int free_events)
      : counts_(counts), free_events_(free_events) {}

  // How long events named `name` must still wait; 0 when one may happen now.
  int64_t WaitMs(const std::string& name, int64_t now_ms) const;
  // Counts one event named `name`; an error when it cannot be counted.
  Status Count(const std::string& name, int64_t now_ms);

  // The count's key for `name` (model/throttle_entities.h: "event/").
  static std::string KeyOf(const std::string& name) { return "event/" + BoundedKeyPart(name); }

 private:
  ThrottleCounts& counts_;
  const int free_events_;
};

}  // namespace gatehouse::auth
