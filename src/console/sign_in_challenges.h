// Sign-ins halfway through: a password was right, and an MFA code or a new password must come
// next. The browser holds a random challenge (256 bits, only its SHA-256 kept) for at most five
// minutes; each challenge is used once, whatever the outcome of its step.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "console/sign_in.h"
#include "core/random.h"

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

  explicit SignInChallenges(Random& random) : random_(random) {}

  // A challenge for `pending` (its expiry set here), shown once.
  std::string Issue(PendingSignIn pending, int64_t now_ms);
  // The pending sign-in of `challenge` at `step`, removed; nullopt when unknown, expired or at
  // another step.
  std::optional<PendingSignIn> Take(const std::string& challenge, SignInStep step, int64_t now_ms);

 private:
  Random& random_;
  std::mutex mu_;
  std::map<std::string, PendingSignIn> pending_;  // SHA-256 (hex) of the challenge →
};

}  // namespace gatehouse::console
