#include "console/sign_in.h"

#include "auth/password.h"
#include "core/arn.h"
#include "core/strings.h"
#include "model/iam_entities.h"

namespace gatehouse::console {
namespace {

// A hash no password matches in practice, verified when the principal does not exist so that
// a wrong name costs as long as a wrong password.
const std::string& StandInHash() {
  static const std::string hash =
      auth::HashPassword("gatehouse stand-in for a principal that does not exist")
          .value_or(std::string());
  return hash;
}

std::string AssignedDevice(const store::Directory& directory, const std::string& account_id,
                           const std::string& user_name) {
  for (const auto& device :
       directory.Scan<model::MfaDevice>(model::RecordKey({account_id}) + "/")) {
    const bool owned = user_name.empty()
                           ? device->root
                           : !device->root && EqualsIgnoreCase(device->user_name, user_name);
    if (owned) return device->SerialNumber();
  }
  return "";
}

}  // namespace

std::string ResolveAccount(const store::Directory& directory,
                           const std::string& account_or_alias) {
  if (IsAccountId(account_or_alias)) {
    return directory.FindAccount(account_or_alias) ? account_or_alias : "";
  }
  auto alias = directory.Get<model::AccountAlias>(model::RecordKey({AsciiLower(account_or_alias)}));
  return alias ? alias->account_id : "";
}

std::optional<ConsolePrincipal> PrincipalOf(const store::Directory& directory,
                                            const std::string& account_id,
                                            const std::string& user_name) {
  ConsolePrincipal p;
  p.account_id = account_id;
  if (user_name.empty()) {
    if (directory.FindRoot(account_id) == nullptr) return std::nullopt;
    p.user_id = account_id;
    p.arn = "arn:aws:iam::" + account_id + ":root";
    return p;
  }
  auto user = directory.FindUser(account_id, user_name);
  if (user == nullptr) return std::nullopt;
  p.user_name = user->name;
  p.user_id = user->id;
  p.arn = model::IamArn(account_id, "user", user->path, user->name);
  return p;
}

std::optional<PasswordCheck> CheckUserPassword(const store::Directory& directory,
                                               const std::string& account_or_alias,
                                               const std::string& user_name,
                                               const std::string& password) {
  std::string account = ResolveAccount(directory, account_or_alias);
  std::optional<ConsolePrincipal> principal;
  std::shared_ptr<const model::LoginProfile> profile;
  if (!account.empty() && !user_name.empty()) principal = PrincipalOf(directory, account, user_name);
  if (principal) {
    profile = directory.Get<model::LoginProfile>(
        model::RecordKey({account, principal->user_name}));
  }
  const bool verified =
      auth::VerifyPassword(password, profile ? profile->password_hash : StandInHash());
  if (!verified || profile == nullptr) return std::nullopt;
  PasswordCheck check{*principal, AssignedDevice(directory, account, principal->user_name),
                      profile->password_reset_required};
  return check;
}

std::optional<PasswordCheck> CheckRootPassword(const store::Directory& directory,
                                               const std::string& email,
                                               const std::string& password) {
  auto account = directory.FindAccountByEmail(email);
  auto root = account ? directory.FindRoot(account->id) : nullptr;
  const bool verified = auth::VerifyPassword(password, root ? root->password_hash : StandInHash());
  if (!verified || root == nullptr) return std::nullopt;
  std::optional<ConsolePrincipal> principal = PrincipalOf(directory, account->id, "");
  if (!principal) return std::nullopt;
  return PasswordCheck{*principal, AssignedDevice(directory, account->id, ""), false};
}

}  // namespace gatehouse::console
