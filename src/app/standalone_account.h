// Standalone accounts: an account outside any organization, with its root user — the management
// account that `serve` bootstraps on first start, and the accounts of `gatehouse account
// create`. The account and its root user are services/accounts/new_account.h's (the root
// user's random password is never shown); here the root user also gets a one-time
// password-reset token (24 h, kept only as its SHA-256) through which a person takes it over.
// Optionally the account gets an IAM user `admin` with
// AdministratorAccess attached and one access key, its secret sealed under the master key.
// Everything is written in one batch: all or nothing. Thread-safe as State::Commit is; the
// email check before the commit is only for a clear message, the store enforces uniqueness.
#pragma once

#include <cstdint>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "model/entities.h"
#include "services/accounts/new_account.h"
#include "services/root_recovery.h"
#include "store/directory.h"

namespace gatehouse::app {

using services::kRootResetTokenLifetimeMs;
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

// The rules of names and emails, and the lookup by email, are every new account's.
using services::accounts::ValidateAccountEmail;
using services::accounts::ValidateAccountName;

// Creates the account. ValidationError for a bad name, email or account id;
// EntityAlreadyExists when the email (or the given account id) is taken.
Result<StandaloneAccount> CreateStandaloneAccount(store::State& state,
                                                  const StandaloneAccountRequest& request,
                                                  const std::string& master_key, Random& random,
                                                  int64_t now_ms);

}  // namespace gatehouse::app
