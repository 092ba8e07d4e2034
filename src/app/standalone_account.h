// Standalone accounts: an account outside any organization, with its root user — the management
// account that `serve` bootstraps on first start, and the accounts of `gatehouse account
// create`. The root user gets a random password of 64+ characters, kept only as an argon2id
// hash and never shown, and a one-time password-reset token (24 h, kept only as its SHA-256)
// through which a person takes it over. Optionally the account gets an IAM user `admin` with
// AdministratorAccess attached and one access key, its secret sealed under the master key.
// Everything is written in one batch: all or nothing. Thread-safe as State::Commit is; the
// email check before the commit is only for a clear message, the store enforces uniqueness.
#pragma once

#include <cstdint>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "model/entities.h"
#include "store/directory.h"

namespace gatehouse::app {

inline constexpr int64_t kRootResetTokenLifetimeMs = 24 * 3600 * 1000LL;
inline constexpr size_t kMinAccountEmailLength = 6;
inline constexpr size_t kMaxAccountEmailLength = 64;
inline constexpr size_t kMaxAccountNameLength = 50;
inline constexpr const char* kAdminUserName = "admin";
inline constexpr const char* kAdministratorAccessArn =
    "arn:aws:iam::aws:policy/AdministratorAccess";

struct StandaloneAccountRequest {
  std::string name;
  std::string email;  // the root user's
  bool admin_user = true;
  std::string account_id;  // empty: random
  std::string origin = model::kAccountOriginStandalone;
};

struct StandaloneAccount {
  std::string account_id;
  std::string root_reset_token;  // shown once; only its SHA-256 is stored
  // The admin's access key, when one was made; the secret exists in clear only here.
  std::string access_key_id;
  std::string secret_access_key;
};

// AWS's rules for Organizations' CreateAccount: an email of 6 to 64 characters shaped
// local@domain.tld, a name of 1 to 50 printable ASCII characters. ValidationError otherwise.
Status ValidateAccountEmail(const std::string& email);
Status ValidateAccountName(const std::string& name);

// The account whose root user has `email` (case ignored), or nullptr.
std::shared_ptr<const model::Account> FindAccountByEmail(const store::Directory& directory,
                                                         const std::string& email);

// Creates the account. ValidationError for a bad name, email or account id;
// EntityAlreadyExists when the email (or the given account id) is taken.
Result<StandaloneAccount> CreateStandaloneAccount(store::State& state,
                                                  const StandaloneAccountRequest& request,
                                                  const std::string& master_key, Random& random,
                                                  int64_t now_ms);

}  // namespace gatehouse::app
