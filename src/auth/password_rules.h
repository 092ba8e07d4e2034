// The rules a console password must follow: the account's password policy when it has one,
// else AWS's default policy for IAM users (at least 8 characters, at least three of the four
// character types — upper case, lower case, digits, symbols — and not identical to the
// account's name or email address). Pure; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"
#include "model/entities.h"
#include "model/iam_entities.h"

namespace gatehouse::auth {

// The symbols that count as one for RequireSymbols (and the default policy), as AWS lists them.
inline constexpr std::string_view kPasswordSymbols = "!@#$%^&*()_+-=[]{}|'";

// OK, or PasswordPolicyViolation with AWS's message. `policy` null: the default policy, which
// also compares the password with `account`'s name and email (when `account` is not null).
Status CheckPasswordRules(std::string_view password, const model::PasswordPolicy* policy,
                          const model::Account* account);

}  // namespace gatehouse::auth
