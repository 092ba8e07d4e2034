// The Directory and the AWS-managed policy catalog as a PolicySource: a caller's inline and
// attached policies (its own and its groups'), its permissions boundary and tags, and the
// resource a request names, found in the directory. Thread-safe.
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
  std::string Boundary(const auth::AccessKeyRecord& caller) const override;
  std::map<std::string, std::string> PrincipalTags(
      const auth::AccessKeyRecord& caller) const override;
  ResourceInfo Resource(authz::ResourceForm form, const auth::AccessKeyRecord& caller,
                        const nlohmann::json& input) const override;

 private:
  const store::Directory& directory_;
  const iam::ManagedPolicyCatalog& catalog_;
};

}  // namespace gatehouse::services
