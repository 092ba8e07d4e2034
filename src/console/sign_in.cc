#include "console/sign_in.h"

#include "core/arn.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "model/iam_entities.h"

namespace gatehouse::console {
namespace {

std::shared_ptr<const model::MfaDevice> AssignedDevice(const store::Directory& directory,
                                                       const std::string& account_id,
                                                       const std::string& user_name) {
  for (const auto& device :
       directory.Scan<model::MfaDevice>(model::RecordKey({account_id}) + "/")) {
    const bool owned = user_name.empty()
                           ? device->root
                           : !device->root && EqualsIgnoreCase(device->user_name, user_name);
    if (owned) return device;
  }
  return nullptr;
}

std::string SerialOf(const std::shared_ptr<const model::MfaDevice>& device) {
  return device ? device->SerialNumber() : "";
}

std::string StampOf(const std::string& user_id, const std::string& password_hash,
                    const std::shared_ptr<const model::MfaDevice>& device) {
  if (password_hash.empty()) return "";
  const std::string mfa =
      device ? device->SerialNumber() + "@" + std::to_string(device->enabled_ms) : "";
  return HexEncode(Sha256(user_id + "\n" + password_hash + "\n" + mfa));
}

}  // namespace

std::string NormalizeAccountId(const std::string& typed) {
  if (typed.size() != 14 || typed[4] != '-' || typed[9] != '-') return typed;
  std::string digits = typed.substr(0, 4) + typed.substr(5, 4) + typed.substr(10, 4);
  return IsAccountId(digits) ? digits : typed;
}

std::string ResolveAccount(const store::Directory& directory, const std::string& account_or_alias) {
  if (IsAccountId(account_or_alias)) {
    return directory.FindAccount(account_or_alias) ? account_or_alias : "";
  }
  // "1234-5678-9012" is an account id as the console shows it, or else an alias of that shape.
  const std::string id = NormalizeAccountId(account_or_alias);
  if (id != account_or_alias && directory.FindAccount(id)) return id;
  auto alias = directory.Get<model::AccountAlias>(model::RecordKey({AsciiLower(account_or_alias)}));
  return alias ? alias->account_id : "";
}

bool HasMfaDevice(const store::Directory& directory, const ConsolePrincipal& principal) {
  if (principal.federated()) return false;  // its identity provider's business
  return AssignedDevice(directory, principal.account_id, principal.user_name) != nullptr;
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

std::string CredentialStamp(const store::Directory& directory, const ConsolePrincipal& p) {
  if (p.federated()) {
    auto role = directory.Get<model::Role>(model::RecordKey({p.account_id, p.role_name}));
    if (role == nullptr || role->id != p.user_id) return "";
    return HexEncode(Sha256(role->id + "\nsaml\n" + p.access_key_id));
  }
  if (p.root()) {
    auto root = directory.FindRoot(p.account_id);
    if (root == nullptr) return "";
    return StampOf(p.account_id, root->password_hash, AssignedDevice(directory, p.account_id, ""));
  }
  auto user = directory.FindUser(p.account_id, p.user_name);
  if (user == nullptr || user->id != p.user_id) return "";
  auto profile = directory.Get<model::LoginProfile>(model::RecordKey({p.account_id, user->name}));
  if (profile == nullptr) return "";
  return StampOf(user->id, profile->password_hash,
                 AssignedDevice(directory, p.account_id, user->name));
}

Result<std::optional<PasswordCheck>> CheckUserPassword(const store::Directory& directory,
                                                       auth::PasswordHasher* hasher,
                                                       const std::string& account_or_alias,
                                                       const std::string& user_name,
                                                       const std::string& password) {
  std::string account = ResolveAccount(directory, account_or_alias);
  std::optional<ConsolePrincipal> principal;
  std::shared_ptr<const model::LoginProfile> profile;
  if (!account.empty() && !user_name.empty())
    principal = PrincipalOf(directory, account, user_name);
  if (principal) {
    profile = directory.Get<model::LoginProfile>(model::RecordKey({account, principal->user_name}));
  }
  Result<bool> verified = auth::VerifyInConstantTimeWith(
      hasher, password, profile ? std::string_view(profile->password_hash) : "");
  if (!verified.ok()) return verified.status();
  if (!*verified || profile == nullptr) return std::optional<PasswordCheck>();
  auto device = AssignedDevice(directory, account, principal->user_name);
  principal->credential_stamp = StampOf(principal->user_id, profile->password_hash, device);
  return std::optional<PasswordCheck>(
      PasswordCheck{*principal, SerialOf(device), profile->password_reset_required});
}

Result<std::optional<PasswordCheck>> CheckRootPassword(const store::Directory& directory,
                                                       auth::PasswordHasher* hasher,
                                                       const std::string& email,
                                                       const std::string& password) {
  auto account = directory.FindAccountByEmail(email);
  auto root = account ? directory.FindRoot(account->id) : nullptr;
  Result<bool> verified = auth::VerifyInConstantTimeWith(
      hasher, password, root ? std::string_view(root->password_hash) : "");
  if (!verified.ok()) return verified.status();
  if (!*verified || root == nullptr) return std::optional<PasswordCheck>();
  std::optional<ConsolePrincipal> principal = PrincipalOf(directory, account->id, "");
  if (!principal) return std::optional<PasswordCheck>();
  auto device = AssignedDevice(directory, account->id, "");
  principal->credential_stamp = StampOf(account->id, root->password_hash, device);
  return std::optional<PasswordCheck>(PasswordCheck{*principal, SerialOf(device), false});
}

}  // namespace gatehouse::console
