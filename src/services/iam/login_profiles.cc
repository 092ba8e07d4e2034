// iam: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile,
// ChangePassword.
#include "services/iam/login_profiles.h"

#include "auth/password.h"
#include "auth/password_rules.h"
#include "core/time_format.h"

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
    if (!profile.password_hash.empty()) {
      if (auth::VerifyPassword(password, profile.password_hash)) return ReuseViolation();
      --remembered;
    }
    for (size_t i = 0; i < remembered && i < profile.previous_hashes.size(); ++i) {
      if (auth::VerifyPassword(password, profile.previous_hashes[i])) return ReuseViolation();
    }
  }
  std::optional<std::string> hash = auth::HashPassword(password);
  if (!hash) return Status(ErrorCode::kServiceFailure, "The password could not be hashed.");
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
    Result<UserLogin> found = FindUserLogin(iam, c.caller.account_id, c.input.at("UserName"));
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
    Result<model::LoginProfile> set =
        WithNewPassword(iam, std::move(profile), c.input.at("Password").get<std::string>());
    if (!set.ok()) return set.status();
    Status s = iam.state.Commit({.writes = {store::Put<model::LoginProfile>{*set, /*create=*/true}},
                                 .preconditions = {store::UserUnchanged(user)}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return exists;
    if (!s.ok()) return s;
    return json{{"LoginProfile", LoginProfileJson(*set)}};
  });

  d.Register("iam", "GetLoginProfile", [&iam](const OperationContext& c) -> Result<json> {
    Result<UserLogin> found = FindUserLogin(iam, c.caller.account_id, c.input.at("UserName"));
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
    Result<UserLogin> found = FindUserLogin(iam, c.caller.account_id, c.input.at("UserName"));
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
    if (!auth::VerifyPassword(old_password, found->profile->password_hash)) {
      return Status(ErrorCode::kAccessDenied, "The old password was incorrect.");
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
