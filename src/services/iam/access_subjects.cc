#include "services/iam/access_subjects.h"

#include <map>

#include "core/arn.h"
#include "core/strings.h"
#include "services/iam/managed_policies.h"
#include "services/iam/policy_common.h"
#include "services/iam/policy_entities.h"

namespace gatehouse::services::iam {
namespace {

Status NotFound(std::string_view kind, std::string_view name) {
  return Status(ErrorCode::kNoSuchEntity, "The " + std::string(kind) + " with name " +
                                              std::string(name) + " cannot be found.");
}

AccessSubject UserSubject(const model::User& u) {
  return {AccessSubject::Kind::kUser, u.Arn(), u.name, u.id, u.path};
}
AccessSubject RoleSubject(const model::Role& r) {
  return {AccessSubject::Kind::kRole, r.Arn(), r.name, r.id, r.path};
}

Result<AccessSubject> FindPolicySubject(const IamContext& iam, const std::string& account,
                                        const std::string& arn) {
  Result<PolicyRef> ref = FindPolicy(iam, account, arn);
  if (!ref.ok()) return ref.status();
  if (ref->local) {
    if (ref->local->Arn() != arn) return NoSuchPolicy(arn);
    return AccessSubject{AccessSubject::Kind::kPolicy, ref->local->Arn(), ref->local->name,
                         ref->local->id, ref->local->path};
  }
  if (ref->aws->arn != arn) return NoSuchPolicy(arn);
  return AccessSubject{AccessSubject::Kind::kPolicy, std::string(ref->aws->arn),
                       std::string(ref->aws->name), std::string(ref->aws->id),
                       std::string(ref->aws->path)};
}

void AddUserPolicies(const store::Directory& dir, const ManagedPolicyCatalog& catalog,
                     const std::string& account, const model::User& user,
                     std::vector<GrantingPolicy>& out) {
  for (const auto& p : dir.UserPolicies(account, user.name)) {
    out.push_back({p->name, false, "", "USER", user.name, p->document});
  }
  for (const std::string& arn : dir.UserAttachedPolicies(account, user.name)) {
    std::string doc = ManagedPolicyDocument(dir, catalog, account, arn);
    if (!doc.empty()) out.push_back({arn.substr(arn.rfind('/') + 1), true, arn, "", "", doc});
  }
}

// The inline (Inline) and attached (Attachment) policies of the group or role keyed `key`.
template <typename Inline, typename Attachment>
void AddPolicies(const store::Directory& dir, const ManagedPolicyCatalog& catalog,
                 const std::string& account, const std::string& key, const char* owner_type,
                 const std::string& owner_name, std::vector<GrantingPolicy>& out) {
  for (const auto& p : dir.Scan<Inline>(key + "/")) {
    out.push_back({p->name, false, "", owner_type, owner_name, p->document});
  }
  for (const auto& a : dir.Scan<Attachment>(key + "/")) {
    std::string doc = ManagedPolicyDocument(dir, catalog, account, a->policy_arn);
    if (!doc.empty()) {
      out.push_back(
          {a->policy_arn.substr(a->policy_arn.rfind('/') + 1), true, a->policy_arn, "", "", doc});
    }
  }
}

void AddGroupPolicies(const store::Directory& dir, const ManagedPolicyCatalog& catalog,
                      const std::string& account, const model::Group& group,
                      std::vector<GrantingPolicy>& out) {
  AddPolicies<model::GroupPolicy, model::GroupAttachment>(dir, catalog, account, group.Key(),
                                                          "GROUP", group.name, out);
}

// The groups `user` belongs to.
std::vector<std::shared_ptr<const model::Group>> GroupsOf(const store::Directory& dir,
                                                          const std::string& account,
                                                          const model::User& user) {
  std::vector<std::shared_ptr<const model::Group>> out;
  for (const auto& m : dir.Scan<model::GroupMember>(model::RecordKey({account, user.name}) + "/")) {
    if (auto g = dir.Get<model::Group>(model::RecordKey({account, m->group_name}))) {
      out.push_back(std::move(g));
    }
  }
  return out;
}

// The users of group `name`.
void AddMembers(const store::Directory& dir, const std::string& account, const std::string& name,
                std::map<std::string, AccessSubject>& out) {
  for (const auto& u : dir.ListUsers(account)) {
    for (const auto& g : GroupsOf(dir, account, *u)) {
      if (EqualsIgnoreCase(g->name, name)) out.emplace("u/" + AsciiLower(u->name), UserSubject(*u));
    }
  }
}

}  // namespace

Result<AccessSubject> FindAccessSubject(const IamContext& iam, const std::string& account,
                                        const std::string& arn, bool policies_too) {
  std::optional<ArnView> parsed = ArnView::Parse(arn);
  const std::string type = parsed ? std::string(parsed->ResourceType()) : "";
  const bool known =
      type == "user" || type == "group" || type == "role" || (policies_too && type == "policy");
  if (!parsed || parsed->service != "iam" || !known || type == parsed->resource) {
    return Status(ErrorCode::kInvalidInput, "Invalid ARN: " + arn);
  }
  if (type == "policy") return FindPolicySubject(iam, account, arn);
  const std::string name(parsed->ResourceName());
  const store::Directory& dir = iam.state.directory();
  const bool ours = parsed->account == account;
  if (type == "user") {
    auto u = ours ? dir.FindUser(account, name) : nullptr;
    if (u == nullptr || u->Arn() != arn) return NotFound("user", name);
    return UserSubject(*u);
  }
  if (type == "group") {
    auto g = ours ? dir.Get<model::Group>(model::RecordKey({account, name})) : nullptr;
    if (g == nullptr || g->Arn() != arn) return NotFound("group", name);
    return AccessSubject{AccessSubject::Kind::kGroup, g->Arn(), g->name, g->id, g->path};
  }
  auto r = ours ? dir.Get<model::Role>(model::RecordKey({account, name})) : nullptr;
  if (r == nullptr || r->Arn() != arn) return NotFound("role", name);
  return RoleSubject(*r);
}

std::vector<GrantingPolicy> PermissionsPolicies(const IamContext& iam, const std::string& account,
                                                const AccessSubject& subject) {
  const store::Directory& dir = iam.state.directory();
  std::vector<GrantingPolicy> out;
  const std::string key = model::RecordKey({account, subject.name});
  switch (subject.kind) {
    case AccessSubject::Kind::kUser:
      if (auto u = dir.FindUser(account, subject.name)) {
        AddUserPolicies(dir, iam.catalog, account, *u, out);
        for (const auto& g : GroupsOf(dir, account, *u)) {
          AddGroupPolicies(dir, iam.catalog, account, *g, out);
        }
      }
      break;
    case AccessSubject::Kind::kGroup:
      if (auto g = dir.Get<model::Group>(key)) AddGroupPolicies(dir, iam.catalog, account, *g, out);
      break;
    case AccessSubject::Kind::kRole:
      if (auto r = dir.Get<model::Role>(key)) {
        AddPolicies<model::RolePolicy, model::RoleAttachment>(dir, iam.catalog, account, r->Key(),
                                                              "ROLE", r->name, out);
      }
      break;
    case AccessSubject::Kind::kPolicy: {
      std::string doc = ManagedPolicyDocument(dir, iam.catalog, account, subject.arn);
      if (!doc.empty()) out.push_back({subject.name, true, subject.arn, "", "", doc});
      break;
    }
  }
  return out;
}

std::vector<AccessSubject> ReportedPrincipals(const IamContext& iam, const std::string& account,
                                              const AccessSubject& subject) {
  const store::Directory& dir = iam.state.directory();
  std::map<std::string, AccessSubject> found;  // "u/name" or "r/name": users first, each once
  switch (subject.kind) {
    case AccessSubject::Kind::kUser:
    case AccessSubject::Kind::kRole:
      return {subject};
    case AccessSubject::Kind::kGroup:
      AddMembers(dir, account, subject.name, found);
      break;
    case AccessSubject::Kind::kPolicy:
      for (const PolicyEntity& e :
           PolicyEntities(dir, account, subject.arn, PolicyUsage::kPermissionsPolicy)) {
        if (e.kind == PolicyEntity::Kind::kGroup) {
          AddMembers(dir, account, e.name, found);
        } else if (e.kind == PolicyEntity::Kind::kUser) {
          if (auto u = dir.FindUser(account, e.name)) {
            found.emplace("u/" + AsciiLower(u->name), UserSubject(*u));
          }
        } else if (auto r = dir.Get<model::Role>(model::RecordKey({account, e.name}))) {
          found.emplace("r/" + AsciiLower(r->name), RoleSubject(*r));
        }
      }
      break;
  }
  std::vector<AccessSubject> out;
  for (auto& [key, s] : found) out.push_back(std::move(s));
  return out;
}

}  // namespace gatehouse::services::iam
