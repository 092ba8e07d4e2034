#include "services/directory_credentials.h"

#include "core/crypto.h"
#include "services/organizations/organization_common.h"

namespace gatehouse::services {

namespace {
constexpr size_t kMaxOpenedTokens = 16384;  // about 20 MB of tokens at most
}  // namespace

std::optional<auth::AccessKeyRecord> DirectoryCredentials::FindAccessKey(
    std::string_view id) const {
  auto key = directory_.FindAccessKey(id);
  if (key == nullptr) return std::nullopt;
  // A closed account's keys no longer authenticate anyone.
  if (organizations::IsAccountClosed(directory_, key->account_id)) return std::nullopt;
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

Result<auth::AccessKeyRecord> DirectoryCredentials::FindSession(std::string_view access_key_id,
                                                                std::string_view token,
                                                                int64_t now_epoch_seconds) const {
  if (session_keys_ == nullptr) {
    return auth::CredentialSource::FindSession(access_key_id, token, now_epoch_seconds);
  }
  std::shared_ptr<const auth::SessionClaims> claims;
  {
    std::shared_lock lock(opened_mu_);
    auto it = opened_.find(token);
    if (it != opened_.end() && it->second->access_key_id == access_key_id) claims = it->second;
  }
  if (claims == nullptr) {
    Result<auth::SessionClaims> opened = auth::OpenSessionToken(
        token, access_key_id, [this](uint32_t id) { return session_keys_->Find(id); });
    if (!opened.ok()) return opened.status();
    claims = std::make_shared<const auth::SessionClaims>(std::move(opened).value());
    std::unique_lock lock(opened_mu_);
    if (opened_.size() >= kMaxOpenedTokens) opened_.clear();
    opened_.emplace(std::string(token), claims);
  }
  if (now_epoch_seconds * 1000 >= claims->expires_ms) {
    return Status(ErrorCode::kExpiredToken, auth::kExpiredTokenMessage);
  }
  if (organizations::IsAccountClosed(directory_, claims->account_id)) {
    return Status(ErrorCode::kInvalidClientTokenId, auth::kInvalidTokenMessage);
  }
  auth::AccessKeyRecord record;
  record.access_key_id = std::string(access_key_id);
  record.secret = claims->secret;
  record.principal_arn = claims->principal_arn;
  record.account_id = claims->account_id;
  record.user_id = claims->user_id;
  record.session = std::move(claims);
  return record;
}

}  // namespace gatehouse::services
