// A new account as every way of making one shares it: `gatehouse account create`, the server's
// bootstrap and Organizations' CreateAccount. It checks AWS's rules for the name and the root
// user's email, picks a free random account id (or takes the one given), and adds to a write
// batch the account, its origin and its root user. The root user gets a random password of 64+
// characters that nobody is told and that exists only as an argon2id hash: a person takes the
// root user over through a password reset. The callers add their own writes (an IAM user, a
// role, a membership) to the same batch, so that the account appears whole or not at all.
// Pure functions of the directory; thread-safe. The email check is for a clear answer only: the
// store enforces that emails are unique when the batch is committed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "model/entities.h"
#include "store/directory.h"

namespace gatehouse::services::accounts {

inline constexpr size_t kMinAccountEmailLength = 6;
inline constexpr size_t kMaxAccountEmailLength = 64;
inline constexpr size_t kMaxAccountNameLength = 50;
// The origin of accounts made by an organization's CreateAccount.
inline constexpr const char* kAccountOriginOrganization = "organization";

// AWS's rules for Organizations' CreateAccount: an email of 6 to 64 characters shaped
// local@domain.tld, a name of 1 to 50 printable ASCII characters. ValidationError otherwise.
Status ValidateAccountEmail(const std::string& email);
Status ValidateAccountName(const std::string& name);

// EntityAlreadyExists with the message every caller gives for a taken email.
Status EmailInUse(const std::string& email);

struct NewAccountRequest {
  std::string name;
  std::string email;       // the root user's
  std::string account_id;  // empty: a free random one
  std::string origin;      // model::kAccountOrigin… or kAccountOriginOrganization
  // The organization manages root credentials centrally: the root user gets no password and
  // may not recover one until the management account allows it (model::RootRecovery).
  bool without_root_credentials = false;
};

// Validates `request` and appends the new account's writes to `batch`; returns its id.
// ValidationError for a bad name, email or account id; EntityAlreadyExists when the email or
// the given account id is taken.
Result<std::string> AddNewAccountWrites(const store::Directory& directory,
                                        const NewAccountRequest& request, Random& random,
                                        int64_t now_ms, store::WriteBatch& batch);

}  // namespace gatehouse::services::accounts
