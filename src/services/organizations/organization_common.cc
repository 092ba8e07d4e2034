#include "services/organizations/organization_common.h"

#include <algorithm>
#include <set>

#include "core/strings.h"
#include "core/time_format.h"
#include "services/organizations/delegation.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_policies.h"

namespace gatehouse::services::organizations {

using nlohmann::json;

std::optional<Membership> FindMembership(const store::Directory& directory,
                                         std::string_view account) {
  auto index = directory.Get<model::AccountOrganization>(account);
  if (index == nullptr) return std::nullopt;
  auto org = directory.Get<model::Organization>(index->organization_id);
  if (org == nullptr) return std::nullopt;
  auto member = FindMember(directory, *org, account);
  if (member == nullptr) return std::nullopt;
  return Membership{std::move(org), std::move(member)};
}

bool IsAccountClosed(const store::Directory& directory, std::string_view account) {
  std::optional<Membership> m = FindMembership(directory, account);
  return m && m->account->status == model::kAccountSuspended;
}

Result<Membership> CallerMembership(const store::Directory& directory, const OperationContext& c) {
  std::optional<Membership> m = FindMembership(directory, c.caller.account_id);
  if (!m) return Status(ErrorCode::kOrganizationsNotInUse, kNotInUseMessage);
  return *std::move(m);
}

Result<Membership> ManagementMembership(const store::Directory& directory,
                                        const OperationContext& c) {
  Result<Membership> m = CallerMembership(directory, c);
  if (m.ok() && !m->IsManagement()) RETURN_IF_ERROR(CheckDelegatedAccess(directory, *m, c));
  return m;
}

std::shared_ptr<const model::OrganizationAccount> FindMember(const store::Directory& directory,
                                                             const model::Organization& org,
                                                             std::string_view account) {
  return directory.Get<model::OrganizationAccount>(org.id + "/" + std::string(account));
}

Result<std::shared_ptr<const model::OrganizationAccount>> FindAccount(
    const store::Directory& directory, const model::Organization& org, const std::string& id) {
  auto member = FindMember(directory, org, id);
  if (member == nullptr) {
    return Status(ErrorCode::kAccountNotFoundException,
                  "You specified an account that doesn't exist.");
  }
  return member;
}

std::string AccountArn(const model::Organization& org, std::string_view account) {
  return org.ArnPrefix() + "account/" + org.id + "/" + std::string(account);
}

std::string RootArn(const model::Organization& org) {
  return org.ArnPrefix() + "root/" + org.id + "/" + org.root_id;
}

std::string OuArn(const model::Organization& org, std::string_view ou) {
  return org.ArnPrefix() + "ou/" + org.id + "/" + std::string(ou);
}

std::string PolicyTypePath(std::string_view type) { return AsciiLower(type); }

std::string PolicyArn(const model::Organization& org, std::string_view type,
                      std::string_view policy_id) {
  if (AwsManagedPolicy(policy_id) != nullptr) {
    return "arn:aws:organizations::aws:policy/" + PolicyTypePath(type) + "/" +
           std::string(policy_id);
  }
  return org.ArnPrefix() + "policy/" + org.id + "/" + PolicyTypePath(type) + "/" +
         std::string(policy_id);
}

std::optional<Node> FindNode(const store::Directory& directory, const model::Organization& org,
                             std::string_view id) {
  if (id == org.root_id) {
    return Node{NodeType::kRoot, org.root_id, "", kRootName, RootArn(org), org.root_tags};
  }
  if (StartsWith(id, "ou-")) {
    auto ou = directory.Get<model::OrganizationalUnit>(org.id + "/" + std::string(id));
    if (ou == nullptr) return std::nullopt;
    return Node{NodeType::kOrganizationalUnit,
                ou->id,
                ou->parent_id,
                ou->name,
                OuArn(org, ou->id),
                ou->tags};
  }
  auto member = FindMember(directory, org, id);
  if (member == nullptr) return std::nullopt;
  auto account = directory.FindAccount(id);
  return Node{NodeType::kAccount,  member->account_id,
              member->parent_id,   account != nullptr ? account->name : "",
              AccountArn(org, id), member->tags};
}

std::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kRoot:
      return "ROOT";
    case NodeType::kOrganizationalUnit:
      return "ORGANIZATIONAL_UNIT";
    case NodeType::kAccount:
      return "ACCOUNT";
  }
  return "";
}

std::vector<std::string> PathToRoot(const store::Directory& directory,
                                    const model::Organization& org, std::string_view id) {
  std::vector<std::string> path;
  std::string at(id);
  // The tree is at most 5 OUs deep; the bound only guards against a damaged store.
  for (size_t i = 0; i < kMaxOuDepth + 3 && !at.empty(); ++i) {
    std::optional<Node> node = FindNode(directory, org, at);
    if (!node) break;
    path.push_back(node->id);
    at = node->parent_id;
  }
  return path;
}

json OrganizationJson(const store::Directory& directory, const model::Organization& org) {
  json types = json::array();
  for (const std::string& type : org.enabled_policy_types) {
    types.push_back({{"Type", type}, {"Status", "ENABLED"}});
  }
  auto management = directory.FindAccount(org.management_account_id);
  return {{"Id", org.id},
          {"Arn", org.Arn()},
          {"FeatureSet", org.feature_set},
          {"MasterAccountArn", AccountArn(org, org.management_account_id)},
          {"MasterAccountId", org.management_account_id},
          {"MasterAccountEmail", management != nullptr ? management->email : ""},
          {"AvailablePolicyTypes", std::move(types)}};
}

json AccountJson(const store::Directory& directory, const model::Organization& org,
                 const model::OrganizationAccount& member) {
  auto account = directory.FindAccount(member.account_id);
  return {{"Id", member.account_id},
          {"Arn", AccountArn(org, member.account_id)},
          {"Email", account != nullptr ? account->email : ""},
          {"Name", account != nullptr ? account->name : ""},
          {"Status", member.status},
          // AWS's newer field: a closed account is SUSPENDED in both (its 90 days before it is
          // CLOSED); gatehouse closes at once, so PENDING_CLOSURE never shows.
          {"State", member.status},
          {"JoinedMethod", member.joined_method},
          {"JoinedTimestamp", FormatIsoTime(member.joined_ms)}};
}

json RootJson(const model::Organization& org) {
  json types = json::array();
  for (const std::string& type : org.enabled_policy_types) {
    types.push_back({{"Type", type}, {"Status", "ENABLED"}});
  }
  return {{"Id", org.root_id},
          {"Arn", RootArn(org)},
          {"Name", kRootName},
          {"PolicyTypes", std::move(types)}};
}

json OuJson(const model::Organization& org, const model::OrganizationalUnit& ou) {
  return {{"Id", ou.id}, {"Arn", OuArn(org, ou.id)}, {"Name", ou.name}};
}

store::Precondition NodeUnchanged(const store::Directory& directory, const model::Organization& org,
                                  const Node& node) {
  if (node.type == NodeType::kRoot) return store::Unchanged(org);
  const std::string key = org.id + "/" + node.id;
  if (node.type == NodeType::kOrganizationalUnit) {
    auto ou = directory.Get<model::OrganizationalUnit>(key);
    return ou ? store::Unchanged(*ou) : store::Absent<model::OrganizationalUnit>(key);
  }
  auto member = directory.Get<model::OrganizationAccount>(key);
  return member ? store::Unchanged(*member) : store::Absent<model::OrganizationAccount>(key);
}

void JoinWrites(const model::OrganizationAccount& member, store::WriteBatch& batch) {
  batch.writes.push_back(store::Put<model::AccountOrganization>{
      {member.account_id, member.organization_id}, /*create=*/true});
  batch.writes.push_back(store::Put<model::OrganizationAccount>{member, /*create=*/true});
}

void LeaveWrites(const model::OrganizationAccount& member, store::WriteBatch& batch) {
  batch.preconditions.push_back(store::Unchanged(member));
  batch.writes.push_back(store::Erase<model::AccountOrganization>{member.account_id});
  batch.writes.push_back(store::Erase<model::OrganizationAccount>::Of(member));
}

Result<std::vector<model::Tag>> ApplyTags(std::vector<model::Tag> current, const json& tags) {
  // Keys are case-sensitive in Organizations; one request may not name a key twice.
  std::set<std::string> named;
  for (const json& t : tags) {
    if (!named.insert(t.value("Key", "")).second) return InvalidInput("DUPLICATE_TAG_KEY");
  }
  for (const json& t : tags) {
    std::string key = t.value("Key", "");
    std::string value = t.value("Value", "");
    if (StartsWith(AsciiLower(key), "aws:")) {
      return InvalidInput("INVALID_SYSTEM_TAGS_PARAMETER");
    }
    auto it = std::find_if(current.begin(), current.end(),
                           [&](const model::Tag& have) { return have.key == key; });
    if (it != current.end()) {
      it->value = std::move(value);
    } else {
      current.push_back({std::move(key), std::move(value)});
    }
  }
  if (current.size() > kTagsPerResource) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You have exceeded the allowed number of tags for a resource.",
                  "MAX_TAG_LIMIT_EXCEEDED");
  }
  return current;
}

}  // namespace gatehouse::services::organizations
