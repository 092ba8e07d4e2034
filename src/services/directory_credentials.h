// The access keys of the Directory as an auth::CredentialSource: a key's sealed secret is
// opened with the server's master key on lookup, and the key's owner (user or root) resolved.
// Temporary credentials are opened from their session token with the session key ring, reading
// nothing else; a token once opened is remembered (bounded), so a session's later requests cost
// a hash lookup instead of a decryption. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"
#include "core/string_hash.h"
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
  Result<auth::AccessKeyRecord> FindSession(std::string_view access_key_id, std::string_view token,
                                            int64_t now_epoch_seconds) const override;

 private:
  const store::Directory& directory_;
  const std::string master_key_;
  const sts::SessionKeyRing* session_keys_;
  // Opened tokens by their text. A token is authenticated before it enters, and only the very
  // same bytes find it again.
  mutable std::shared_mutex opened_mu_;
  // Looked up by string_view, so that a request's token is not copied to be found.
  mutable StringMap<std::shared_ptr<const auth::SessionClaims>> opened_;
};

}  // namespace gatehouse::services
