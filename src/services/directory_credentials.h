// The access keys of the Directory as an auth::CredentialSource: a key's sealed secret is
// opened with the server's master key on lookup, and the key's owner (user or root) resolved.
// Thread-safe (the Directory is).
#pragma once

#include <string>

#include "auth/credentials.h"
#include "store/directory.h"

namespace gatehouse::services {

class DirectoryCredentials : public auth::CredentialSource {
 public:
  DirectoryCredentials(const store::Directory& directory, std::string master_key)
      : directory_(directory), master_key_(std::move(master_key)) {}

  std::optional<auth::AccessKeyRecord> FindAccessKey(std::string_view id) const override;

 private:
  const store::Directory& directory_;
  const std::string master_key_;
};

}  // namespace gatehouse::services
