// PasswordThrottle: how fast anyone may guess a password — a console sign-in, its MFA step, and
// ChangePassword's old password, which are guesses at the same secret — so that guessing is slow
// and nobody can keep anyone else out. Three counts of failures:
//
//  - per (principal, client address): 5 free failures, then waits of 5 s doubling to at most
//    15 minutes. This is the one a guesser meets, and it never slows another address.
//  - per client address, whatever the principal: 30 free, then the same waits (a guesser who
//    tries many names from one address).
//  - per principal, from every address: the ceiling. Once a principal has 20 failures within the
//    hour, attempts for it from addresses that have not signed in as it within 30 days are let
//    through one at a time, at most one per 5 s across all of them; a refused attempt is told
//    how long to wait (at most 5 s). Distributed guessing gets at most ~720 tries an hour, and
//    the person behind the name, from wherever, gets in after a wait of seconds: no number of
//    wrong passwords locks a principal — the root user included — out.
//
// A failure counts in all three; a success clears its (principal, address) count and makes the
// address known to the principal, but leaves the principal's count, so that signing in during an
// attack does not reopen the ceiling. The counts live in this process's memory: a restart
// forgets them, and each instance counts its own attempts.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/failure_backoff.h"

namespace gatehouse::auth {

struct ThrottleDecision {
  bool allowed = true;
  int64_t retry_after_ms = 0;  // when refused: how long to wait
};

class PasswordThrottle {
 public:
  static constexpr int kPairFreeFailures = 5;
  static constexpr int kAddressFreeFailures = 30;
  static constexpr int kPrincipalFreeFailures = 20;
  static constexpr int64_t kCeilingIntervalMs = 5000;
  static constexpr int64_t kPrincipalWindowMs = 60 * 60 * 1000;
  static constexpr int64_t kKnownAddressMs = 30LL * 24 * 3600 * 1000;
  static constexpr size_t kKnownAddressesPerPrincipal = 8;

  // Whether an attempt for `principal` from `address` may be checked now. An admitted attempt
  // under the ceiling takes its slot: call Failed or Succeeded once it is decided.
  ThrottleDecision Admit(const std::string& principal, const std::string& address, int64_t now_ms);
  void Failed(const std::string& principal, const std::string& address, int64_t now_ms);
  void Succeeded(const std::string& principal, const std::string& address, int64_t now_ms);

 private:
  struct PrincipalEntry {
    int failures = 0;
    int64_t first_failure_ms = 0;
    int64_t next_slot_ms = 0;
  };
  struct KnownAddress {
    std::string address;
    int64_t last_success_ms = 0;
  };
  static std::string PairKey(const std::string& principal, const std::string& address);
  bool KnownLocked(const std::string& principal, const std::string& address, int64_t now_ms);
  void SweepLocked(int64_t now_ms);

  FailureBackoff pairs_{kPairFreeFailures};
  FailureBackoff addresses_{kAddressFreeFailures};
  std::mutex mu_;
  std::map<std::string, PrincipalEntry> principals_;
  std::map<std::string, std::vector<KnownAddress>> known_;
};

// The principal keys: an IAM user by account and name, the root user by email (case ignored).
std::string UserThrottleKey(std::string_view account, std::string_view user_name);
std::string RootThrottleKey(std::string_view email);

}  // namespace gatehouse::auth
