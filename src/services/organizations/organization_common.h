// What the Organizations handlers share: finding the caller's organization (and refusing the
// callers AWS refuses), the organization's tree of root, OUs and accounts, the ARNs of its
// resources, their JSON as the API returns them, and the writes that make an account a member
// or not. Pure functions of the directory; thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/organization_entities.h"
#include "services/dispatcher.h"
#include "store/directory.h"

namespace gatehouse::services::organizations {

inline constexpr const char* kNotInUseMessage = "Your account is not a member of an organization.";
inline constexpr const char* kAccessDeniedMessage =
    "You don't have permissions to access this resource.";
inline constexpr const char* kRootName = "Root";
inline constexpr size_t kMaxOuDepth = 5;
inline constexpr size_t kTagsPerResource = 50;

// An account's organization and its membership of it.
struct Membership {
  std::shared_ptr<const model::Organization> organization;
  std::shared_ptr<const model::OrganizationAccount> account;

  bool IsManagement() const { return account->account_id == organization->management_account_id; }
};

// The organization `account` belongs to; nullopt when it belongs to none.
std::optional<Membership> FindMembership(const store::Directory& directory,
                                         std::string_view account);
// Whether `account` was closed (CloseAccount: SUSPENDED). Its principals are refused and its
// roles cannot be assumed.
bool IsAccountClosed(const store::Directory& directory, std::string_view account);
// The caller's: AWSOrganizationsNotInUseException when it belongs to none.
Result<Membership> CallerMembership(const store::Directory& directory, const OperationContext& c);
// The caller's, which must be the management account's or one the operation is delegated to
// (organizations/delegation.h): AccessDeniedException otherwise.
Result<Membership> ManagementMembership(const store::Directory& directory,
                                        const OperationContext& c);

// `account`'s membership of `organization`, or nullptr.
std::shared_ptr<const model::OrganizationAccount> FindMember(const store::Directory& directory,
                                                             const model::Organization& org,
                                                             std::string_view account);

// The member `id` of `org` (the management account is one), or AccountNotFoundException.
Result<std::shared_ptr<const model::OrganizationAccount>> FindAccount(
    const store::Directory& directory, const model::Organization& org, const std::string& id);

// ARNs: arn:aws:organizations::MANAGEMENT:account/o-…/ACCOUNT, root/o-…/r-…, ou/o-…/ou-…,
// policy/o-…/service_control_policy/p-… (an AWS-managed policy's: arn:aws:organizations::aws:
// policy/service_control_policy/p-…).
std::string AccountArn(const model::Organization& org, std::string_view account);
std::string RootArn(const model::Organization& org);
std::string OuArn(const model::Organization& org, std::string_view ou);
std::string PolicyArn(const model::Organization& org, std::string_view type,
                      std::string_view policy_id);
// "service_control_policy" for SERVICE_CONTROL_POLICY.
std::string PolicyTypePath(std::string_view type);

// A node of the organization's tree: its root, an OU or a member account.
enum class NodeType { kRoot, kOrganizationalUnit, kAccount };
struct Node {
  NodeType type;
  std::string id;
  std::string parent_id;  // "" for the root
  std::string name;
  std::string arn;
  std::vector<model::Tag> tags;
};
std::optional<Node> FindNode(const store::Directory& directory, const model::Organization& org,
                             std::string_view id);
// The precondition that `node` is still as it was read (for the root: the organization).
store::Precondition NodeUnchanged(const store::Directory& directory, const model::Organization& org,
                                  const Node& node);
// "ROOT", "ORGANIZATIONAL_UNIT" or "ACCOUNT" (TargetType, ParentType and ChildType words).
std::string_view NodeTypeName(NodeType type);
// The ids from node `id` up to the root, `id` first: what an account's SCPs are gathered along.
std::vector<std::string> PathToRoot(const store::Directory& directory,
                                    const model::Organization& org, std::string_view id);

// The API's shapes.
nlohmann::json OrganizationJson(const store::Directory& directory, const model::Organization& org);
nlohmann::json AccountJson(const store::Directory& directory, const model::Organization& org,
                           const model::OrganizationAccount& member);
nlohmann::json RootJson(const model::Organization& org);
nlohmann::json OuJson(const model::Organization& org, const model::OrganizationalUnit& ou);

// The writes that make `member` part of its organization, and that end it (the latter on the
// condition that the membership is still as read).
void JoinWrites(const model::OrganizationAccount& member, store::WriteBatch& batch);
void LeaveWrites(const model::OrganizationAccount& member, store::WriteBatch& batch);

// `current` with the input Tags applied, or Organizations' errors (at most 50 per resource,
// no "aws:" keys, no key twice in one request).
Result<std::vector<model::Tag>> ApplyTags(std::vector<model::Tag> current,
                                          const nlohmann::json& tags);

}  // namespace gatehouse::services::organizations
