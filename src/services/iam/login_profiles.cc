// iam: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile,
// ChangePassword.
#include "services/iam/login_profiles.h"

#include <vector>

#include "auth/password_hasher.h"
#include "auth/password_rules.h"
#include "core/time_format.h"
#include "services/iam/root_login_profile.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

json LoginProfileJson(const model::LoginProfile& p) {
  return {{"UserName", p.user_name},
          {"CreateDate", FormatIsoTime(p.created_ms)},
          {"PasswordResetRequired", p.password_reset_required}};
}

// The user `name` of the caller's account and its login profile (null when it has none).
struct UserLogin {
  std::shared_ptr<const model::User> user;
  std::shared_ptr<const model::LoginProfile> profile;
};

Result<UserLogin> FindUserLogin(const IamContext& iam, const std::string& account,
                                const std::string& name) {
  const store::Directory& dir = iam.state.directory();
  auto user = dir.FindUser(account, name);
  if (user == nullptr) return NoSuchUser(name);
  return UserLogin{user, dir.Get<model::LoginProfile>(model::RecordKey({account, user->name}))};
}

Status ReuseViolation() {
  return Status(ErrorCode::kPasswordPolicyViolation,
                "Policy constraint violation with password reuse prevention during password "
                "change.");
}

// ChangePassword's old password is a guess at the user's password like a console sign-in:
// throttled the same way, per (user, client address) with the user's ceiling, in the same
// counts as the sign-ins.
Status CheckOldPassword(const IamContext& iam, const OperationContext& c, const model::User& user,
                        const model::LoginProfile& profile, const std::string& old_password) {
  const std::string principal = auth::UserThrottleKey(user.account_id, user.name);
  const std::string address = c.caller_request != nullptr ? c.caller_request->source_ip : "";
  const int64_t now = iam.now_ms();
  if (iam.password_throttle != nullptr &&
      !iam.password_throttle->Admit(principal, address, now).allowed) {
    return Status(ErrorCode::kThrottling, "Rate exceeded");
  }
  Result<bool> verified =
      auth::VerifyPasswordWith(iam.passwords, old_password, profile.password_hash);
  if (!verified.ok()) return verified.status();
  if (iam.password_throttle == nullptr) {
    return *verified ? Status::Ok()
                     : Status(ErrorCode::kAccessDenied, "The old password was incorrect.");
  }
  // An attempt the throttle cannot count answers the throttle's error, right or wrong.
  if (!*verified) {
    RETURN_IF_ERROR(iam.password_throttle->Failed(principal, address, now));
    return Status(ErrorCode::kAccessDenied, "The old password was incorrect.");
  }
  return iam.password_throttle->Succeeded(principal, address, now);
}

// The user whose login profile a call is about: UserName, or the calling IAM user. The model
// makes UserName optional for the root user's own profile, reached through an AssumeRoot
// session only, so other callers (roles, and the root user's own credentials) must name one.
Result<std::string> ProfileUserName(const OperationContext& c) {
  Result<std::string> name = TargetUserName(c);
  if (name.ok() && name->empty()) {
    return Status(ErrorCode::kValidationError,
                  "Must specify userName when calling with non-User credentials");
  }
  return name;
}

Result<UserLogin> FindProfileUser(const IamContext& iam, const OperationContext& c) {
  Result<std::string> name = ProfileUserName(c);
  if (!name.ok()) return name.status();
  return FindUserLogin(iam, c.caller.account_id, *name);
}

}  // namespace

Status NoSuchLoginProfile(std::string_view user_name) {
  return Status(ErrorCode::kNoSuchEntity,
                "Login Profile for User " + std::string(user_name) + " cannot be found.");
}

Result<model::LoginProfile> WithNewPassword(const IamContext& iam, model::LoginProfile profile,
                                            std::string_view password) {
  const store::Directory& dir = iam.state.directory();
  auto policy = dir.Get<model::PasswordPolicy>(model::RecordKey({profile.account_id}));
  auto account = dir.FindAccount(profile.account_id);
  if (Status s = auth::CheckPasswordRules(password, policy.get(), account.get()); !s.ok()) {
    return s;
  }
  if (policy != nullptr && policy->password_reuse_prevention > 0) {
    // The last N passwords, the current one included.
    size_t remembered = static_cast<size_t>(policy->password_reuse_prevention);
    std::vector<std::string> former;
    if (!profile.password_hash.empty()) {
      former.push_back(profile.password_hash);
      --remembered;
    }
    for (size_t i = 0; i < remembered && i < profile.previous_hashes.size(); ++i) {
      former.push_back(profile.previous_hashes[i]);
    }
    for (const std::string& old_hash : former) {
      Result<bool> reused = auth::VerifyPasswordWith(iam.passwords, password, old_hash);
      if (!reused.ok()) return reused.status();
      if (*reused) return ReuseViolation();
    }
  }
  Result<std::string> hash = auth::HashPasswordWith(iam.passwords, password);
  if (!hash.ok()) return hash.status();
  if (!profile.password_hash.empty()) {
    profile.previous_hashes.insert(profile.previous_hashes.begin(), profile.password_hash);
    if (profile.previous_hashes.size() > kPasswordHistory) {
      profile.previous_hashes.resize(kPasswordHistory);
    }
  }
  profile.password_hash = std::move(*hash);
  profile.password_set_ms = iam.now_ms();
  return profile;
}

void RegisterLoginProfileOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateLoginProfile", [&iam](const OperationContext& c) -> Result<json> {
    if (ActsOnRootProfile(c)) return CreateRootLoginProfile(iam, c);
    Result<UserLogin> found = FindProfileUser(iam, c);
    if (!found.ok()) return found.status();
    const model::User& user = *found->user;
    Status exists(ErrorCode::kEntityAlreadyExists,
                  "Login Profile for user " + user.name + " already exists.");
    if (found->profile != nullptr) return exists;
    model::LoginProfile profile;
    profile.account_id = user.account_id;
    profile.user_name = user.name;
    profile.created_ms = iam.now_ms();
    profile.password_reset_required = c.input.value("PasswordResetRequired", false);
    auto password = c.input.find("Password");
    if (password == c.input.end()) {
      // Only an AssumeRoot session creates a profile without a password (the root user's).
      return Status(ErrorCode::kValidationError,
                    "1 validation error detected: Value null at 'password' failed to satisfy "
                    "constraint: Member must not be null");
    }
    Result<model::LoginProfile> set =
        WithNewPassword(iam, std::move(profile), password->get<std::string>());
    if (!set.ok()) return set.status();
    Status s = iam.state.Commit({.writes = {store::Put<model::LoginProfile>{*set, /*create=*/true}},
                                 .preconditions = {store::UserUnchanged(user)}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return exists;
    if (!s.ok()) return s;
    return json{{"LoginProfile", LoginProfileJson(*set)}};
  });

  d.Register("iam", "GetLoginProfile", [&iam](const OperationContext& c) -> Result<json> {
    if (ActsOnRootProfile(c)) return GetRootLoginProfile(iam, c);
    Result<UserLogin> found = FindProfileUser(iam, c);
    if (!found.ok()) return found.status();
    if (found->profile == nullptr) return NoSuchLoginProfile(found->user->name);
    return json{{"LoginProfile", LoginProfileJson(*found->profile)}};
  });

  d.Register("iam", "UpdateLoginProfile", [&iam](const OperationContext& c) -> Result<json> {
    Result<UserLogin> found = FindUserLogin(iam, c.caller.account_id, c.input.at("UserName"));
    if (!found.ok()) return found.status();
    if (found->profile == nullptr) return NoSuchLoginProfile(found->user->name);
    model::LoginProfile profile = *found->profile;
    if (auto reset = c.input.find("PasswordResetRequired"); reset != c.input.end()) {
      profile.password_reset_required = reset->get<bool>();
    }
    if (auto password = c.input.find("Password"); password != c.input.end()) {
      Result<model::LoginProfile> set =
          WithNewPassword(iam, std::move(profile), password->get<std::string>());
      if (!set.ok()) return set.status();
      profile = std::move(set).value();
    }
    if (Status s = iam.state.Commit({.writes = {store::Put<model::LoginProfile>{profile}},
                                     .preconditions = {store::Unchanged(*found->profile)}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register("iam", "DeleteLoginProfile", [&iam](const OperationContext& c) -> Result<json> {
    if (ActsOnRootProfile(c)) return DeleteRootLoginProfile(iam, c);
    Result<UserLogin> found = FindProfileUser(iam, c);
    if (!found.ok()) return found.status();
    if (found->profile == nullptr) return NoSuchLoginProfile(found->user->name);
    Status s = iam.state.Commit({.writes = {store::Erase<model::LoginProfile>::Of(*found->profile)},
                                 .preconditions = {store::Unchanged(*found->profile)}});
    if (!s.ok()) return s;
    return json::object();
  });

  // Only an IAM user changes its own password, proving it knows the current one. Whether it
  // may is authorization's business: iam:ChangePassword in its policies, or the account's
  // AllowUsersToChangePassword.
  d.Register("iam", "ChangePassword", [&iam](const OperationContext& c) -> Result<json> {
    Result<std::string> target = TargetUserName(c);
    if (!target.ok() || target->empty()) {
      return Status(ErrorCode::kInvalidUserType, "Only IAM Users can change their own password.");
    }
    const std::string& name = *target;
    Result<UserLogin> found = FindUserLogin(iam, c.caller.account_id, name);
    if (!found.ok()) return found.status();
    if (found->profile == nullptr) return NoSuchLoginProfile(found->user->name);
    const std::string old_password = c.input.at("OldPassword");
    const std::string new_password = c.input.at("NewPassword");
    if (Status s = CheckOldPassword(iam, c, *found->user, *found->profile, old_password); !s.ok()) {
      return s;
    }
    if (new_password == old_password) return ReuseViolation();
    Result<model::LoginProfile> set = WithNewPassword(iam, *found->profile, new_password);
    if (!set.ok()) return set.status();
    set->password_reset_required = false;
    if (Status s = iam.state.Commit({.writes = {store::Put<model::LoginProfile>{*set}},
                                     .preconditions = {store::Unchanged(*found->profile)}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
