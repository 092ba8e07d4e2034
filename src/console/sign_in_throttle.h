// Sign-in throttling: failed sign-ins are counted per key — a user (account and name, or root
// email) or a client address. After `free_failures` failures a key must wait before its next
// attempt, and the wait doubles with each further failure (5 s, 10 s, 20 s … at most 15 minutes):
// a guesser gets a few dozen tries an hour, a person who mistyped waits seconds. Addresses get
// more free failures than users, since many people may share one (an office's NAT). While a key waits, every
// attempt — even with the right password — is refused without being checked. A success clears
// the user's count; an address's count ends an hour after its last failure.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace gatehouse::console {

class SignInThrottle {
 public:
  static constexpr int kUserFreeFailures = 5;
  static constexpr int kAddressFreeFailures = 30;
  static constexpr int64_t kFirstDelayMs = 5000;
  static constexpr int64_t kMaxDelayMs = 15 * 60 * 1000;
  static constexpr int64_t kForgetAfterMs = 60 * 60 * 1000;

  explicit SignInThrottle(int free_failures = kUserFreeFailures)
      : free_failures_(free_failures) {}

  // Whether `key` may try now.
  bool Allowed(const std::string& key, int64_t now_ms);
  void Failed(const std::string& key, int64_t now_ms);
  void Succeeded(const std::string& key);

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

}  // namespace gatehouse::console
