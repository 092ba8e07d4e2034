// CatchUpLimiter: for a lookup that misses in the directory while another instance may have
// written the thing a moment ago (a console session, a sign-in challenge, a session key). Such
// a miss catches the State up with the store and looks again; the limiter lets at most one
// catch-up through per interval, so that values made up by the thousand (cookies, challenges,
// tokens naming unknown keys) cost the database no more than that. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "store/directory.h"

namespace gatehouse::store {

class CatchUpLimiter {
 public:
  static constexpr int64_t kDefaultEveryMs = 10;

  explicit CatchUpLimiter(int64_t every_ms = kDefaultEveryMs) : every_ms_(every_ms) {}

  // Catches `state` up, unless another catch-up went through less than the interval ago. True
  // when it ran: the caller looks again, even when it found nothing new or failed (the change
  // follower may have applied the change meanwhile).
  bool CatchUp(State& state) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t last = last_ms_.load();
    if (now - last < every_ms_ || !last_ms_.compare_exchange_strong(last, now)) return false;
    (void)state.CatchUp();
    return true;
  }

 private:
  const int64_t every_ms_;
  std::atomic<int64_t> last_ms_{INT64_MIN / 2};  // steady clock
};

}  // namespace gatehouse::store
