// The root user changes its own password, knowing the current one: the console's Security
// credentials page (AWS offers it there, and in no API). The current password is a guess at the
// root user's secret like a sign-in: it counts in the PasswordThrottle's sign-in counts (per
// email and client address). The new one follows the root password rules of CheckRootPassword,
// is hashed on the IamContext's hasher and stored; the account's pending reset links are spent
// with it. The caller ends the root user's other console sessions (their credential stamp no
// longer matches).
// Thread-safe as State::Commit is.
#pragma once

#include <string>

#include "core/status.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services {

// AccessDenied when `current_password` is wrong, Throttling when too many wrong guesses came
// from `client_address`, PasswordPolicyViolation for a new password outside the rules or equal
// to the current one, NoSuchEntity when the account has no root user.
Status ChangeRootPassword(iam::IamContext& iam, const std::string& account_id,
                          const std::string& client_address, const std::string& current_password,
                          const std::string& new_password);

}  // namespace gatehouse::services
