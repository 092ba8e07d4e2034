// PolicyEntities, and iam: ListEntitiesForPolicy on top of it.
#include "services/iam/policy_entities.h"

#include <map>

#include "core/strings.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/policy_common.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The sort key, and the marker, of an entity: its kind, then its lower-cased name.
std::string EntityKey(const PolicyEntity& e) {
  const char kind = e.kind == PolicyEntity::Kind::kGroup  ? 'g'
                    : e.kind == PolicyEntity::Kind::kRole ? 'r'
                                                          : 'u';
  return std::string(1, kind) + "/" + AsciiLower(e.name);
}

bool EntityFilterMatches(const std::string& filter, PolicyEntity::Kind kind) {
  if (filter.empty()) return true;
  if (filter == "User") return kind == PolicyEntity::Kind::kUser;
  if (filter == "Role") return kind == PolicyEntity::Kind::kRole;
  if (filter == "Group") return kind == PolicyEntity::Kind::kGroup;
  return false;  // LocalManagedPolicy, AWSManagedPolicy: no user, group or role is one
}

PolicyUsage ReadUsage(const json& input) {
  std::string usage = input.value("PolicyUsageFilter", "");
  if (usage == "PermissionsPolicy") return PolicyUsage::kPermissionsPolicy;
  if (usage == "PermissionsBoundary") return PolicyUsage::kPermissionsBoundary;
  return PolicyUsage::kAny;
}

}  // namespace

std::vector<PolicyEntity> PolicyEntities(const store::Directory& dir, std::string_view account,
                                         std::string_view arn, PolicyUsage usage) {
  const bool attached = usage != PolicyUsage::kPermissionsBoundary;
  const bool boundary = usage != PolicyUsage::kPermissionsPolicy;
  const std::string prefix = model::RecordKey({account}) + "/";
  std::map<std::string, PolicyEntity> found;  // by EntityKey: sorted, each entity once
  auto add = [&](PolicyEntity e) {
    std::string key = EntityKey(e);
    found.emplace(std::move(key), std::move(e));
  };
  if (attached) {
    for (const auto& a : dir.Scan<model::GroupAttachment>(prefix)) {
      if (!EqualsIgnoreCase(a->policy_arn, arn)) continue;
      if (auto g = dir.Get<model::Group>(model::RecordKey({account, a->group_name}))) {
        add({PolicyEntity::Kind::kGroup, g->name, g->id, g->path});
      }
    }
    for (const auto& a : dir.Scan<model::RoleAttachment>(prefix)) {
      if (!EqualsIgnoreCase(a->policy_arn, arn)) continue;
      if (auto r = dir.Get<model::Role>(model::RecordKey({account, a->role_name}))) {
        add({PolicyEntity::Kind::kRole, r->name, r->id, r->path});
      }
    }
  }
  if (boundary) {
    for (const auto& r : dir.Scan<model::Role>(prefix)) {
      if (EqualsIgnoreCase(r->permissions_boundary, arn)) {
        add({PolicyEntity::Kind::kRole, r->name, r->id, r->path});
      }
    }
  }
  for (const auto& u : dir.ListUsers(account)) {
    bool uses = false;
    if (attached) {
      for (const std::string& a : dir.UserAttachedPolicies(account, u->name)) {
        uses = uses || EqualsIgnoreCase(a, arn);
      }
    }
    if (!uses && boundary) {
      auto b = dir.Get<model::UserBoundary>(model::RecordKey({account, u->name}));
      uses = b != nullptr && EqualsIgnoreCase(b->policy_arn, arn);
    }
    if (uses) add({PolicyEntity::Kind::kUser, u->name, u->id, u->path});
  }
  std::vector<PolicyEntity> out;
  for (auto& [key, e] : found) out.push_back(std::move(e));
  return out;
}

void RegisterPolicyEntityOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "ListEntitiesForPolicy", [&iam](const OperationContext& c) -> Result<json> {
    const std::string& account = c.caller.account_id;
    std::string arn = c.input.at("PolicyArn");
    if (Result<PolicyRef> ref = FindPolicy(iam, account, arn); !ref.ok()) return ref.status();
    const std::string filter = c.input.value("EntityFilter", "");
    const std::string prefix = c.input.value("PathPrefix", "/");
    std::vector<PolicyEntity> entities =
        PolicyEntities(iam.state.directory(), account, arn, ReadUsage(c.input));
    std::erase_if(entities, [&](const PolicyEntity& e) {
      return !EntityFilterMatches(filter, e.kind) || !StartsWith(e.path, prefix);
    });
    json out;
    json groups = json::array();
    json roles = json::array();
    json users = json::array();
    for (const PolicyEntity& e : SlicePage(entities, ReadPage(c.input), EntityKey, out)) {
      switch (e.kind) {
        case PolicyEntity::Kind::kGroup:
          groups.push_back({{"GroupName", e.name}, {"GroupId", e.id}});
          break;
        case PolicyEntity::Kind::kRole:
          roles.push_back({{"RoleName", e.name}, {"RoleId", e.id}});
          break;
        case PolicyEntity::Kind::kUser:
          users.push_back({{"UserName", e.name}, {"UserId", e.id}});
          break;
      }
    }
    out["PolicyGroups"] = std::move(groups);
    out["PolicyUsers"] = std::move(users);
    out["PolicyRoles"] = std::move(roles);
    return out;
  });
}

}  // namespace gatehouse::services::iam
