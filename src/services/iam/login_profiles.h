// Console passwords of IAM users: the one way a password is set (CreateLoginProfile,
// UpdateLoginProfile, ChangePassword, and later the console's forced change), so that the
// account's password rules, reuse prevention, argon2id hashing and the history of former
// passwords apply the same everywhere.
#pragma once

#include <string_view>

#include "model/iam_entities.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

// Former password hashes kept per user (newest first): PasswordReusePrevention counts the
// current password too, and allows at most 24.
inline constexpr size_t kPasswordHistory = 23;

// `profile` with `password` as its new password (hash, set time and history updated), or
// PasswordPolicyViolation when the account's rules or its reuse prevention refuse it.
Result<model::LoginProfile> WithNewPassword(const IamContext& iam, model::LoginProfile profile,
                                            std::string_view password);

// NoSuchEntity "Login Profile for User X cannot be found."
Status NoSuchLoginProfile(std::string_view user_name);

}  // namespace gatehouse::services::iam
