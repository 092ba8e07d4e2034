// The access keys of the Directory as an auth::CredentialSource: a key's sealed secret is
// opened with the server's master key on lookup, and the key's owner (user or root) resolved.
// Temporary credentials are opened from their session token with the session key ring, reading
// nothing else. Thread-safe (the Directory and the ring are).
#pragma once

#include <string>

#include "auth/credentials.h"
#include "services/sts/session_key_ring.h"
#include "store/directory.h"

namespace gatehouse::services {

class DirectoryCredentials : public auth::CredentialSource {
 public:
  // Without a key ring no session token is valid.
  DirectoryCredentials(const store::Directory& directory, std::string master_key,
                       const sts::SessionKeyRing* session_keys = nullptr)
      : directory_(directory), master_key_(std::move(master_key)), session_keys_(session_keys) {}

  std::optional<auth::AccessKeyRecord> FindAccessKey(std::string_view id) const override;
  Result<auth::AccessKeyRecord> FindSession(std::string_view access_key_id,
                                            std::string_view token,
                                            int64_t now_epoch_seconds) const override;

 private:
  const store::Directory& directory_;
  const std::string master_key_;
  const sts::SessionKeyRing* session_keys_;
};

}  // namespace gatehouse::services
