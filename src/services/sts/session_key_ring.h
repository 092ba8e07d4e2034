// SessionKeyRing: the keys that seal session tokens, kept in the store (sealed under the
// server's master key) so that every server sharing the store opens every token. The newest key
// seals; a new one is made when it is older than the rotation period, and a key is erased once
// no token it sealed can still be valid. Opened keys are cached: after the first use of a key,
// sealing and opening read nothing but memory. A key the directory does not hold yet (another
// instance made it a moment ago) makes Find catch up with the store and look again; catch-ups
// are at most one per kCatchUpEveryMs for the whole ring, so that tokens naming made-up key ids
// cost the database at most one query per interval. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>

#include "core/random.h"
#include "core/status.h"
#include "store/catch_up_limiter.h"
#include "store/directory.h"

namespace gatehouse::services::sts {

inline constexpr int64_t kSessionKeyRotationMs = 24 * 3600 * 1000LL;
// The longest session (GetSessionToken's 36 hours) plus an hour of slack.
inline constexpr int64_t kMaxSessionMs = 36 * 3600 * 1000LL;

class SessionKeyRing {
 public:
  static constexpr int64_t kCatchUpEveryMs = store::CatchUpLimiter::kDefaultEveryMs;

  SessionKeyRing(store::State& state, std::string master_key, Random& random,
                 int64_t rotation_ms = kSessionKeyRotationMs,
                 int64_t catch_up_every_ms = kCatchUpEveryMs)
      : state_(state),
        master_key_(std::move(master_key)),
        random_(random),
        rotation_ms_(rotation_ms),
        catch_up_(catch_up_every_ms) {}

  // The id and bytes of the key that seals new tokens at `now_ms`, rotating when due.
  Result<std::pair<uint32_t, std::string>> Current(int64_t now_ms);
  // The key `id`, if the ring still holds it.
  std::optional<std::string> Find(uint32_t id) const;

 private:
  std::optional<std::string> OpenKey(const model::SessionKey& key) const;
  // The key `id` as the directory holds it, opened and cached.
  std::optional<std::string> FindInDirectory(uint32_t id) const;
  Status Rotate(int64_t now_ms);  // holds mu_ exclusively

  store::State& state_;
  const std::string master_key_;
  Random& random_;
  const int64_t rotation_ms_;
  mutable store::CatchUpLimiter catch_up_;
  mutable std::shared_mutex mu_;
  mutable std::map<uint32_t, std::string> opened_;
  uint32_t current_id_ = 0;
  int64_t current_created_ms_ = -1;  // -1: not chosen yet
};

}  // namespace gatehouse::services::sts
