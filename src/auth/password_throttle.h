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
// attack does not reopen the ceiling.
//
// The counts live where `counts` keeps them: in production the store (StoredThrottleCounts), so
// that every instance on one database counts the same failures — 5 free failures per pair in
// all, not per instance; one ceiling slot per 5 s in all — and a restart forgets none. Admit
// reads this instance's copy (no database round trip); a failure is one commit of its three
// counts, made over the counts as read and made again when another instance counted one
// meanwhile, so that no failure is lost; a ceiling slot is taken by a commit of the same kind,
// so two instances never hand out one slot twice. A success writes only when it changes
// something: a pair count to clear, or an address not known, or known for a day without being
// rewritten (so a known address may stop counting as one up to a day before its 30 days).
// Counts expire (an hour after the failure that set them, 30 days after a success) and are
// swept at most once a minute; principals and addresses are kept bounded in length
// (BoundedKeyPart), so made-up names cost storage only for an hour each.
//
// When the counts cannot be written (the store unreachable), the attempt fails closed: Failed
// and Succeeded return the error and the caller answers with it — whether the password was
// right or wrong, so the answer tells a guesser nothing — and an attempt under the ceiling
// whose slot cannot be taken is refused for one interval. Nothing is left behind: once the store
// answers again, so does the throttle.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/throttle_counts.h"
#include "core/status.h"

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
  // A known address's time of success is rewritten at most this often.
  static constexpr int64_t kKnownRefreshMs = 24LL * 3600 * 1000;
  static constexpr int64_t kSweepEveryMs = 60 * 1000;

  explicit PasswordThrottle(ThrottleCounts& counts) : counts_(counts) {}

  // Whether an attempt for `principal` from `address` may be checked now. An admitted attempt
  // under the ceiling takes its slot: call Failed or Succeeded once it is decided.
  ThrottleDecision Admit(const std::string& principal, const std::string& address, int64_t now_ms);
  // Count the attempt's outcome; an error when it cannot be counted, to answer instead of the
  // outcome.
  Status Failed(const std::string& principal, const std::string& address, int64_t now_ms);
  Status Succeeded(const std::string& principal, const std::string& address, int64_t now_ms);

 private:
  struct Keys;
  ThrottleDecision TakeCeilingSlot(const Keys& keys, int64_t now_ms);
  bool Known(const Keys& keys, int64_t now_ms) const;
  void SweepIfDue(int64_t now_ms);

  ThrottleCounts& counts_;
  std::atomic<int64_t> next_sweep_ms_{0};
};

// The principal keys: an IAM user by account and name, the root user by email (case ignored).
std::string UserThrottleKey(std::string_view account, std::string_view user_name);
std::string RootThrottleKey(std::string_view email);

}  // namespace gatehouse::auth
