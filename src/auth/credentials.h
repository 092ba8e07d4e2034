// Where access keys are looked up while authenticating. services::DirectoryCredentials serves
// them from the directory; InMemoryCredentials serves tests. Implementations are thread-safe
// for concurrent lookups.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::auth {

struct AccessKeyRecord {
  std::string access_key_id;
  std::string secret;
  std::string principal_arn;  // the user (or root) the key belongs to
  std::string account_id;
  std::string user_id;  // AIDA… for a user; the account id for the root user
  bool active = true;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual std::optional<AccessKeyRecord> FindAccessKey(std::string_view id) const = 0;
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
