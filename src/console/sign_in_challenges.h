// Sign-ins halfway through: a password was right, and an MFA code or a new password must come
// next. The browser holds a random challenge (256 bits, only its SHA-256 kept) for at most five
// minutes; each challenge is used once, whatever the outcome of its step. Challenges live in the
// store (model::SignInChallenge), so the next step may reach any instance on the database; a
// challenge is taken by a commit over it as stored, so of two instances answering it at once,
// one wins. Expired ones are swept at most once a minute, by the instance issuing a new one.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "console/sign_in.h"
#include "core/random.h"
#include "store/catch_up_limiter.h"
#include "store/directory.h"

namespace gatehouse::console {

enum class SignInStep { kMfa, kNewPassword };

struct PendingSignIn {
  PasswordCheck check;  // principal.mfa set once the MFA step passed
  SignInStep step = SignInStep::kMfa;
  int64_t expires_ms = 0;
};

class SignInChallenges {
 public:
  static constexpr int64_t kLifetimeMs = 5 * 60 * 1000;
  static constexpr int64_t kSweepEveryMs = 60 * 1000;

  SignInChallenges(store::State& state, Random& random) : state_(state), random_(random) {}

  // A challenge for `pending` (its expiry set here), shown once; "" when the store cannot keep
  // it (the next step then fails as for an unknown challenge).
  std::string Issue(PendingSignIn pending, int64_t now_ms);
  // The pending sign-in of `challenge` at `step`, removed; nullopt when unknown, expired or at
  // another step.
  std::optional<PendingSignIn> Take(const std::string& challenge, SignInStep step, int64_t now_ms);

 private:
  void SweepExpired(int64_t now_ms);

  store::State& state_;
  Random& random_;
  std::atomic<int64_t> next_sweep_ms_{0};
  store::CatchUpLimiter catch_up_;
};

}  // namespace gatehouse::console
