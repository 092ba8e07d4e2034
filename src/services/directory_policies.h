// The Directory and the AWS-managed policy catalog as a PolicySource: a caller's inline and
// attached policies (its own and its groups'), its permissions boundary and tags, the SCPs of
// its organization, the RCPs bounding an account's resources, and the resource a request names,
// found in the directory. The policy simulator gathers a principal's policies with the same
// PoliciesOf that authorization uses. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/dispatcher.h"
#include "services/iam/managed_policies.h"
#include "store/directory.h"

namespace gatehouse::services {

class DirectoryPolicies : public PolicySource {
 public:
  DirectoryPolicies(const store::Directory& directory, const iam::ManagedPolicyCatalog& catalog)
      : directory_(directory), catalog_(catalog) {}

  authz::PrincipalPolicies Policies(const auth::AccessKeyRecord& caller) const override;
  std::map<std::string, std::string> PrincipalTags(
      const auth::AccessKeyRecord& caller) const override;
  // The SCPs of the organization `account` belongs to (services/organizations/policy_path.h).
  std::optional<std::pair<std::vector<std::vector<authz::SourcedPolicy>>, std::string>> Scps(
      std::string_view account) const override;
  std::optional<std::vector<std::vector<authz::SourcedPolicy>>> Rcps(
      std::string_view account) const override;
  std::optional<std::pair<std::string, std::string>> OrganizationOf(
      std::string_view account) const override;
  bool RoleExists(std::string_view role_arn) const override;

  // The policies of the principal `arn` of `account`: a user (its inline and attached policies,
  // then each of its groups', and its boundary), a group, a role or a session of one
  // (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); none for the root user. nullopt when
  // `arn` names no such entity of `account`.
  std::optional<authz::PrincipalPolicies> PoliciesOf(std::string_view account,
                                                     std::string_view arn) const;
  // The tags of the user or role (or role session) `arn` of `account` (aws:PrincipalTag/…).
  std::map<std::string, std::string> TagsOf(std::string_view account, std::string_view arn) const;
  ResourceInfo Resource(authz::ResourceForm form, const auth::AccessKeyRecord& caller,
                        const nlohmann::json& input) const override;

 private:
  const store::Directory& directory_;
  const iam::ManagedPolicyCatalog& catalog_;
};

}  // namespace gatehouse::services
