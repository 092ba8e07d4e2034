// The root user's own login profile, which only an AssumeRoot session reaches (Get, Create and
// DeleteLoginProfile without UserName). It exists while the root user has a password or may
// recover one. Deleting it removes the password, ends the root user's console sessions (their
// credential stamp changes) and spends its outstanding reset links; creating it takes no
// password and lets the root user recover one by email ("Forgot your password?").
#include "services/iam/root_login_profile.h"

#include "core/time_format.h"
#include "services/iam/login_profiles.h"
#include "services/root_recovery.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The name the root user's profile answers with: it has no user name, so the account id.
const std::string& RootProfileName(const OperationContext& c) { return c.caller.account_id; }

struct RootLogin {
  std::shared_ptr<const model::RootUser> root;
  std::shared_ptr<const model::RootRecovery> recovery;  // null: recovery as always
  int64_t account_created_ms = 0;

  bool HasProfile() const {
    return !root->password_hash.empty() || (recovery != nullptr && recovery->allowed);
  }
  int64_t CreatedMs() const {
    return recovery != nullptr ? recovery->changed_ms : account_created_ms;
  }
};

Result<RootLogin> FindRootLogin(const IamContext& iam, const std::string& account_id) {
  const store::Directory& dir = iam.state.directory();
  RootLogin login{dir.FindRoot(account_id),
                  dir.Get<model::RootRecovery>(model::RecordKey({account_id})), 0};
  if (login.root == nullptr) {
    return Status(ErrorCode::kServiceFailure, "The account has no root user.");
  }
  if (auto account = dir.FindAccount(account_id)) login.account_created_ms = account->created_ms;
  return login;
}

store::Expect<model::RootRecovery> RecoveryRead(const RootLogin& login, const std::string& key) {
  return login.recovery ? store::Unchanged(*login.recovery)
                        : store::Absent<model::RootRecovery>(key);
}

json ProfileJson(const OperationContext& c, int64_t created_ms) {
  return {{"LoginProfile",
           {{"UserName", RootProfileName(c)},
            {"CreateDate", FormatIsoTime(created_ms)},
            {"PasswordResetRequired", false}}}};
}

}  // namespace

bool ActsOnRootProfile(const OperationContext& c) {
  return c.caller.session != nullptr && c.caller.session->kind == auth::SessionKind::kRootSession &&
         !c.input.contains("UserName");
}

Result<json> GetRootLoginProfile(const IamContext& iam, const OperationContext& c) {
  Result<RootLogin> login = FindRootLogin(iam, c.caller.account_id);
  if (!login.ok()) return login.status();
  if (!login->HasProfile()) return NoSuchLoginProfile(RootProfileName(c));
  return ProfileJson(c, login->CreatedMs());
}

Result<json> CreateRootLoginProfile(IamContext& iam, const OperationContext& c) {
  if (c.input.contains("Password") || c.input.contains("PasswordResetRequired")) {
    return Status(ErrorCode::kValidationError,
                  "Password and PasswordResetRequired must be omitted when the root user's "
                  "login profile is created from an AssumeRoot session.");
  }
  Result<RootLogin> login = FindRootLogin(iam, c.caller.account_id);
  if (!login.ok()) return login.status();
  if (login->HasProfile()) {
    return Status(ErrorCode::kEntityAlreadyExists,
                  "Login Profile for user " + RootProfileName(c) + " already exists.");
  }
  model::RootRecovery allowed{c.caller.account_id, true, iam.now_ms()};
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Put<model::RootRecovery>{allowed}},
                                    .preconditions = {RecoveryRead(*login, allowed.Key())}}));
  return ProfileJson(c, allowed.changed_ms);
}

Result<json> DeleteRootLoginProfile(IamContext& iam, const OperationContext& c) {
  Result<RootLogin> login = FindRootLogin(iam, c.caller.account_id);
  if (!login.ok()) return login.status();
  if (!login->HasProfile()) return NoSuchLoginProfile(RootProfileName(c));
  const int64_t now = iam.now_ms();
  model::RootRecovery blocked{c.caller.account_id, false, now};
  // The store's one way of setting a root password: a reset token issued and spent in the same
  // batch, which spends every other token of the account with it.
  IssuedRootResetToken token = NewRootResetToken(c.caller.account_id, iam.random, now, 1);
  const std::string token_hash = token.write.token.token_hash;
  RETURN_IF_ERROR(
      iam.state.Commit({.writes = {std::move(token.write),
                                   store::ResetRootPassword{token_hash, c.caller.account_id, ""},
                                   store::Put<model::RootRecovery>{blocked}},
                        .preconditions = {RecoveryRead(*login, blocked.Key())}}));
  return json::object();
}

}  // namespace gatehouse::services::iam
