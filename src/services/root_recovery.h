// Root password recovery: one-time tokens that let whoever holds one set an account's root
// password — the link of the console's "Forgot your password?" mail, of the bootstrap, of
// `gatehouse account create` and of `gatehouse account root-reset-link`. A token is 256 random
// bits shown once; only its SHA-256 is stored. Consuming one checks its expiry, sets the new
// password (argon2id, under the root password rules) and deletes every token of the account in
// one batch: the store refuses a second consumption of the same token, so two racing uses
// cannot both succeed. Thread-safe as State::Commit is.
#pragma once

#include <cstdint>
#include <string>

#include "auth/password_hasher.h"
#include "core/random.h"
#include "core/status.h"
#include "store/directory.h"

namespace gatehouse::services {

inline constexpr int64_t kRootResetTokenLifetimeMs = 24 * 3600 * 1000LL;
// The link of the console's "Forgot your password?" mail lives an hour.
inline constexpr int64_t kForgotPasswordTokenLifetimeMs = 3600 * 1000LL;

struct IssuedRootResetToken {
  std::string token;  // shown once
  store::InsertRootResetToken write;
};

// A new token for the root user of `account_id`, and the write that stores its hash (for a
// caller that commits it with other writes).
IssuedRootResetToken NewRootResetToken(const std::string& account_id, Random& random,
                                       int64_t now_ms,
                                       int64_t lifetime_ms = kRootResetTokenLifetimeMs);

// Whether the root user of `account_id` may recover its password: not when its organization's
// centralized root access created it without credentials or deleted them (model::RootRecovery).
// Tokens are neither issued nor consumed then.
bool RootMayRecover(const store::Directory& directory, const std::string& account_id);

// Issues and stores a token for the root user whose email is `email` (case ignored):
// NoSuchEntity when no account has that root email, InvalidInput when its root user may not
// recover its password.
struct RootResetLink {
  std::string account_id;
  std::string token;
};
Result<RootResetLink> IssueRootResetToken(store::State& state, const std::string& email,
                                          Random& random, int64_t now_ms,
                                          int64_t lifetime_ms = kRootResetTokenLifetimeMs);

// AWS's rules for a root user's password: 8 to 128 characters with at least three of
// uppercase letters, lowercase letters, digits and other characters, and not the account's
// email. PasswordPolicyViolation otherwise.
Status CheckRootPassword(const std::string& password, const std::string& email);

// Sets the root password of the token's account to `new_password` and spends the token.
// InvalidInput for an unknown, spent or expired token (one message for all three, so that the
// answer tells nothing about which), PasswordPolicyViolation for a password outside the rules.
// The new password is hashed on `hasher` (null: on the calling thread).
Result<std::string> ConsumeRootResetToken(store::State& state, const std::string& token,
                                          const std::string& new_password, int64_t now_ms,
                                          auth::PasswordHasher* hasher = nullptr);

}  // namespace gatehouse::services
