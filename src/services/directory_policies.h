// The Directory and the AWS-managed policy catalog as a PolicySource: a caller's inline user
// policies and the documents of the managed policies attached to it. Thread-safe.
#pragma once

#include "services/dispatcher.h"
#include "services/iam/managed_policies.h"
#include "store/directory.h"

namespace gatehouse::services {

class DirectoryPolicies : public PolicySource {
 public:
  DirectoryPolicies(const store::Directory& directory, const iam::ManagedPolicyCatalog& catalog)
      : directory_(directory), catalog_(catalog) {}

  std::vector<std::string> IdentityPolicies(const auth::AccessKeyRecord& caller) const override;
  std::map<std::string, std::string> PrincipalTags(
      const auth::AccessKeyRecord& caller) const override;
  std::string UserPath(std::string_view account, std::string_view name) const override;
  std::string KeyOwner(std::string_view account, std::string_view id) const override;

 private:
  const store::Directory& directory_;
  const iam::ManagedPolicyCatalog& catalog_;
};

}  // namespace gatehouse::services
