// The console's credential checks: an IAM user's password (account id or alias, user name)
// or the root user's (email), and the MFA device that must follow. Every wrong detail — an
// unknown account, alias, user or email, a user without a console password, a wrong password —
// gives the same nullopt, and the time taken does not tell them apart either (an unknown
// principal, or one whose hash is cheaper than a person's password gets, is checked against a
// stand-in hash too). The hashing runs on `hasher` (null: on the calling thread): its only error
// is Throttling, when the hasher is full. Functions of the directory; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "auth/password_hasher.h"
#include "console/console_sessions.h"
#include "store/directory.h"

namespace gatehouse::console {

struct PasswordCheck {
  ConsolePrincipal principal;
  std::string mfa_serial;  // the assigned MFA device, "" when none
  bool password_reset_required = false;
};

// An account id as typed: "123456789012", or as the console shows it, "1234-5678-9012" (AWS's
// sign-in takes both). The 12 digits, or the text unchanged when it is neither form.
std::string NormalizeAccountId(const std::string& typed);

// The account `account_or_alias` names: a 12-digit id (with or without the hyphens of
// NormalizeAccountId), or an alias (case ignored); "" if none.
std::string ResolveAccount(const store::Directory& directory, const std::string& account_or_alias);

Result<std::optional<PasswordCheck>> CheckUserPassword(const store::Directory& directory,
                                                       auth::PasswordHasher* hasher,
                                                       const std::string& account_or_alias,
                                                       const std::string& user_name,
                                                       const std::string& password);

Result<std::optional<PasswordCheck>> CheckRootPassword(const store::Directory& directory,
                                                       auth::PasswordHasher* hasher,
                                                       const std::string& email,
                                                       const std::string& password);

// What a console session is bound to: a digest of the principal's unique id, its password hash
// (each setting of a password draws a new salt) and its MFA device with the time it was
// enabled. A session whose principal's stamp differs — password set or reset, login profile
// deleted, MFA device enabled, deactivated or deleted, user deleted or re-created — has ended.
// "" when the principal no longer exists or has no password. A SAML sign-in's stamp is its
// role's unique id: the session ends when the role is deleted or re-created.
std::string CredentialStamp(const store::Directory& directory, const ConsolePrincipal& principal);

// Whether the principal (IAM user or root user) has an MFA device assigned now: what the
// console's home page shows beside whether the session itself was signed in with MFA.
bool HasMfaDevice(const store::Directory& directory, const ConsolePrincipal& principal);

// The principal of an IAM user or the root user of `account_id` (user_name ""), without a
// password check; nullopt when there is no such user.
std::optional<ConsolePrincipal> PrincipalOf(const store::Directory& directory,
                                            const std::string& account_id,
                                            const std::string& user_name);

}  // namespace gatehouse::console
