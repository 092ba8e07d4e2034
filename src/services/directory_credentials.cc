#include "services/directory_credentials.h"

#include "core/crypto.h"

namespace gatehouse::services {

std::optional<auth::AccessKeyRecord> DirectoryCredentials::FindAccessKey(
    std::string_view id) const {
  auto key = directory_.FindAccessKey(id);
  if (key == nullptr) return std::nullopt;
  std::optional<std::string> secret = Open(master_key_, key->sealed_secret, key->id);
  if (!secret) return std::nullopt;  // sealed under another master key: unusable
  auth::AccessKeyRecord record;
  record.access_key_id = key->id;
  record.secret = std::move(*secret);
  record.account_id = key->account_id;
  record.active = key->status == model::AccessKeyStatus::kActive;
  if (key->user_name.empty()) {
    record.principal_arn = "arn:aws:iam::" + key->account_id + ":root";
    record.user_id = key->account_id;
  } else {
    auto user = directory_.FindUser(key->account_id, key->user_name);
    if (user == nullptr) return std::nullopt;
    record.principal_arn = user->Arn();
    record.user_id = user->id;
  }
  return record;
}

}  // namespace gatehouse::services
