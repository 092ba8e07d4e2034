// FailureBackoff: failures counted per key (a client address, a principal and an address, …).
// After `free_failures` failures a key must wait before its next attempt, and the wait doubles
// with each further failure (5 s, 10 s, 20 s … at most 15 minutes). While a key waits, every
// attempt is refused without being looked at. A key's count ends an hour after its last
// failure, or when Succeeded clears it. The building block of PasswordThrottle, and of the
// console's limits on password-reset mail and sign-up per address.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace gatehouse::auth {

class FailureBackoff {
 public:
  static constexpr int kDefaultFreeFailures = 5;
  static constexpr int64_t kFirstDelayMs = 5000;
  static constexpr int64_t kMaxDelayMs = 15 * 60 * 1000;
  static constexpr int64_t kForgetAfterMs = 60 * 60 * 1000;

  explicit FailureBackoff(int free_failures = kDefaultFreeFailures)
      : free_failures_(free_failures) {}

  // Whether `key` may try now.
  bool Allowed(const std::string& key, int64_t now_ms) { return WaitMs(key, now_ms) == 0; }
  // How long `key` must still wait; 0 when it may try now.
  int64_t WaitMs(const std::string& key, int64_t now_ms);
  void Failed(const std::string& key, int64_t now_ms);
  void Succeeded(const std::string& key);

  // The wait after `failures` failures when the first `free_failures` are free.
  static int64_t DelayAfter(int64_t free_failures, int64_t failures);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_failure_ms = 0;
  };
  int64_t DelayMs(int failures) const;

  const int free_failures_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace gatehouse::auth
