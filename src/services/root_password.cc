#include "services/root_password.h"

#include "auth/password_hasher.h"
#include "auth/password_throttle.h"
#include "services/root_recovery.h"

namespace gatehouse::services {
namespace {

// The current password, checked as a sign-in's is: throttled, and counted when wrong.
Status CheckCurrentPassword(iam::IamContext& iam, const model::RootUser& root,
                            const std::string& client_address, const std::string& password) {
  const std::string principal = auth::RootThrottleKey(root.email);
  const int64_t now = iam.now_ms();
  auth::PasswordThrottle* throttle = iam.password_throttle;
  if (throttle != nullptr && !throttle->Admit(principal, client_address, now).allowed) {
    return Status(ErrorCode::kThrottling,
                  "Too many attempts with a wrong password. Wait a few minutes and try again.");
  }
  Result<bool> verified = auth::VerifyPasswordWith(iam.passwords, password, root.password_hash);
  if (!verified.ok()) return verified.status();
  if (throttle == nullptr) {
    return *verified ? Status::Ok()
                     : Status(ErrorCode::kAccessDenied, "The current password is incorrect.");
  }
  // An attempt the throttle cannot count answers the throttle's error, right or wrong.
  if (!*verified) {
    RETURN_IF_ERROR(throttle->Failed(principal, client_address, now));
    return Status(ErrorCode::kAccessDenied, "The current password is incorrect.");
  }
  return throttle->Succeeded(principal, client_address, now);
}

}  // namespace

Status ChangeRootPassword(iam::IamContext& iam, const std::string& account_id,
                          const std::string& client_address, const std::string& current_password,
                          const std::string& new_password) {
  auto root = iam.state.directory().FindRoot(account_id);
  if (root == nullptr || root->password_hash.empty()) {
    return Status(ErrorCode::kNoSuchEntity, "The account has no root user password to change.");
  }
  RETURN_IF_ERROR(CheckCurrentPassword(iam, *root, client_address, current_password));
  RETURN_IF_ERROR(CheckRootPassword(new_password, root->email));
  if (new_password == current_password) {
    return Status(ErrorCode::kPasswordPolicyViolation,
                  "The new password must be different from the current password.");
  }
  Result<std::string> hash = auth::HashPasswordWith(iam.passwords, new_password);
  if (!hash.ok()) return hash.status();
  // A reset that the current password authorizes: a one-time token issued and spent in the same
  // batch, so that the store's one way of setting a root password serves both, and the links
  // mailed for the old password are spent with it.
  IssuedRootResetToken token = NewRootResetToken(account_id, iam.random, iam.now_ms(), 1);
  const std::string token_hash = token.write.token.token_hash;
  return iam.state.Commit(
      {{std::move(token.write), store::ResetRootPassword{token_hash, account_id, *hash}}});
}

}  // namespace gatehouse::services
