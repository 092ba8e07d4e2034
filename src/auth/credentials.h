// Where access keys are looked up while authenticating: long-term keys by id, temporary
// credentials by opening their session token. services::DirectoryCredentials serves them from
// the directory and the session key ring; InMemoryCredentials serves tests. Implementations are
// thread-safe for concurrent lookups.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/session_token.h"
#include "core/status.h"

namespace gatehouse::auth {

struct AccessKeyRecord {
  std::string access_key_id;
  std::string secret;
  std::string principal_arn;  // the user (or root) the key belongs to
  std::string account_id;
  std::string user_id;  // AIDA… for a user; the account id for the root user
  bool active = true;
  // Temporary credentials: what their session token holds (principal_arn, account_id and
  // user_id then describe the session); null for a long-term key.
  std::shared_ptr<const SessionClaims> session;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual std::optional<AccessKeyRecord> FindAccessKey(std::string_view id) const = 0;
  // The temporary credentials `access_key_id` presented with session token `token` at
  // `now_epoch_seconds`: InvalidClientTokenId when the token is not valid for that key id,
  // ExpiredToken once it has expired.
  virtual Result<AccessKeyRecord> FindSession(std::string_view access_key_id,
                                              std::string_view token,
                                              int64_t now_epoch_seconds) const {
    (void)access_key_id, (void)token, (void)now_epoch_seconds;
    return Status(ErrorCode::kInvalidClientTokenId, kInvalidTokenMessage);
  }
};

class InMemoryCredentials : public CredentialSource {
 public:
  void Add(AccessKeyRecord record) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_[record.access_key_id] = std::move(record);
  }
  std::optional<AccessKeyRecord> FindAccessKey(std::string_view id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(id);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, AccessKeyRecord, std::less<>> keys_;
};

}  // namespace gatehouse::auth
