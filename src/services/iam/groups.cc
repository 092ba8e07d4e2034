// iam: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
// RemoveUserFromGroup, ListGroupsForUser. Memberships are keyed by user first (authorization
// asks for a user's groups on every request), so a group's members are found by scanning the
// account's memberships.
#include "services/iam/groups.h"

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"

namespace gatehouse::services::iam {

using nlohmann::json;

namespace {

// AWS's default quotas.
constexpr size_t kGroupsPerAccount = 300;
constexpr size_t kGroupsPerUser = 10;

json GroupJson(const model::Group& g) {
  return {{"Path", g.path},
          {"GroupName", g.name},
          {"GroupId", g.id},
          {"Arn", g.Arn()},
          {"CreateDate", FormatIsoTime(g.created_ms)}};
}

Status GroupExists(const std::string& name) {
  return Status(ErrorCode::kEntityAlreadyExists, "Group with name " + name + " already exists.");
}

bool IsMemberOf(const model::GroupMember& m, const model::Group& g) {
  return EqualsIgnoreCase(m.group_name, g.name);
}

// Every membership of the account (the scan GetGroup, UpdateGroup and DeleteGroup filter).
std::string AccountMembersPrefix(const model::Group& g) { return g.account_id + "/"; }

// The memberships of user `user_name` (one per group, in group name order).
std::string UserMembersPrefix(std::string_view account, std::string_view user_name) {
  return model::RecordKey({account, user_name}) + "/";
}

// The writes that move what hangs off `group` (memberships, inline policies, attachments, all
// keyed by its name) to `new_name`.
void RenameGroupRecords(const store::Directory& dir, const model::Group& group,
                        const std::string& new_name, store::WriteBatch& batch) {
  int64_t members = 0;
  for (const auto& m : dir.Scan<model::GroupMember>(AccountMembersPrefix(group))) {
    if (!IsMemberOf(*m, group)) continue;
    ++members;
    batch.preconditions.push_back(store::Unchanged(*m));
    batch.writes.push_back(store::Erase<model::GroupMember>::Of(*m));
    batch.writes.push_back(
        store::Put<model::GroupMember>{{group.account_id, m->user_name, new_name}});
  }
  batch.preconditions.push_back(store::ExpectFewer<model::GroupMember>{
      AccountMembersPrefix(group), members + 1, "group_name", group.name});
  const std::string prefix = GroupRecordPrefix(group);
  store::AppendSameRange(dir.Scan<model::GroupPolicy>(prefix), prefix, batch.preconditions);
  store::AppendSameRange(dir.Scan<model::GroupAttachment>(prefix), prefix, batch.preconditions);
  for (const auto& p : dir.Scan<model::GroupPolicy>(prefix)) {
    model::GroupPolicy moved = *p;
    moved.group_name = new_name;
    batch.writes.push_back(store::Erase<model::GroupPolicy>::Of(*p));
    batch.writes.push_back(store::Put<model::GroupPolicy>{std::move(moved)});
  }
  for (const auto& a : dir.Scan<model::GroupAttachment>(prefix)) {
    batch.writes.push_back(store::Erase<model::GroupAttachment>::Of(*a));
    batch.writes.push_back(
        store::Put<model::GroupAttachment>{{group.account_id, new_name, a->policy_arn}});
  }
}

// The user and the group an Add/RemoveUserToGroup request names, checked in that order.
struct Membership {
  std::shared_ptr<const model::User> user;
  std::shared_ptr<const model::Group> group;
};

Result<Membership> FindMembership(const IamContext& iam, const OperationContext& c) {
  std::string user_name = c.input.at("UserName");
  const store::Directory& dir = iam.state.directory();
  auto user = dir.FindUser(c.caller.account_id, user_name);
  if (user == nullptr) return NoSuchUser(user_name);
  auto group = FindGroup(dir, c.caller.account_id, c.input.at("GroupName").get<std::string>());
  if (!group.ok()) return group.status();
  return Membership{std::move(user), *group};
}

void RegisterGroupLifecycle(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateGroup", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("GroupName");
    model::Group group{c.caller.account_id, name, c.input.value("Path", "/"),
                       NewUniqueId(iam.random, IdKind::kGroup), iam.now_ms()};
    const store::Directory& dir = iam.state.directory();
    if (dir.Get<model::Group>(group.Key()) != nullptr) return GroupExists(name);
    if (dir.Scan<model::Group>(group.account_id + "/", "", kGroupsPerAccount).size() >=
        kGroupsPerAccount) {
      return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for GroupsPerAccount: " +
                                                   std::to_string(kGroupsPerAccount));
    }
    Status s = iam.state.Commit(
        {.writes = {store::Put<model::Group>{group, true}},
         .preconditions = {store::ExpectFewer<model::Group>{
             group.account_id + "/", static_cast<int64_t>(kGroupsPerAccount), {}, {}}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return GroupExists(name);
    if (!s.ok()) return s;
    return json{{"Group", GroupJson(group)}};
  });

  d.Register("iam", "GetGroup", [&iam](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = iam.state.directory();
    auto group = FindGroup(dir, c.caller.account_id, c.input.at("GroupName").get<std::string>());
    if (!group.ok()) return group.status();
    json out;
    json users = json::array();
    for (const auto& m : ScanPage<model::GroupMember>(
             dir, AccountMembersPrefix(**group), ReadPage(c.input),
             [&](const model::GroupMember& m) { return IsMemberOf(m, **group); }, out)) {
      if (auto user = dir.FindUser(m->account_id, m->user_name)) {
        users.push_back(UserJson(dir, *user, false));
      }
    }
    out["Group"] = GroupJson(**group);
    out["Users"] = std::move(users);
    return out;
  });

  d.Register("iam", "ListGroups", [&iam](const OperationContext& c) -> Result<json> {
    std::string prefix = c.input.value("PathPrefix", "/");
    json out;
    json groups = json::array();
    for (const auto& g : ScanPage<model::Group>(
             iam.state.directory(), c.caller.account_id + "/", ReadPage(c.input),
             [&](const model::Group& g) { return StartsWith(g.path, prefix); }, out)) {
      groups.push_back(GroupJson(*g));
    }
    out["Groups"] = std::move(groups);
    return out;
  });

  d.Register("iam", "UpdateGroup", [&iam](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = iam.state.directory();
    auto found = FindGroup(dir, c.caller.account_id, c.input.at("GroupName").get<std::string>());
    if (!found.ok()) return found.status();
    const model::Group& group = **found;
    model::Group updated = group;
    updated.name = c.input.value("NewGroupName", group.name);
    updated.path = c.input.value("NewPath", group.path);
    if (!EqualsIgnoreCase(updated.name, group.name) &&
        dir.Get<model::Group>(updated.Key()) != nullptr) {
      return GroupExists(updated.name);
    }
    if (updated.name == group.name && updated.path == group.path) return json::object();
    // Insert-only under the new key, so that a group created under that name meanwhile wins.
    store::WriteBatch batch{
        {store::Erase<model::Group>::Of(group), store::Put<model::Group>{updated, true}},
        {store::Unchanged(group)}};
    if (updated.name != group.name) RenameGroupRecords(dir, group, updated.name, batch);
    Status s = iam.state.Commit(batch);
    if (s.code() == ErrorCode::kEntityAlreadyExists) return GroupExists(updated.name);
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "DeleteGroup", [&iam](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = iam.state.directory();
    auto found = FindGroup(dir, c.caller.account_id, c.input.at("GroupName").get<std::string>());
    if (!found.ok()) return found.status();
    const model::Group& group = **found;
    for (const auto& m : dir.Scan<model::GroupMember>(AccountMembersPrefix(group))) {
      if (IsMemberOf(*m, group)) return DeleteConflict("remove users from group");
    }
    const std::string prefix = GroupRecordPrefix(group);
    if (!dir.Scan<model::GroupPolicy>(prefix, "", 1).empty()) {
      return DeleteConflict("delete policies");
    }
    if (!dir.Scan<model::GroupAttachment>(prefix, "", 1).empty()) {
      return DeleteConflict("detach all policies");
    }
    Status s = iam.state.Commit(
        {.writes = {store::Erase<model::Group>::Of(group)},
         .preconditions = {store::Unchanged(group),
                           store::NoneUnder<model::GroupMember>(AccountMembersPrefix(group),
                                                                "group_name", group.name),
                           store::NoneUnder<model::GroupPolicy>(prefix),
                           store::NoneUnder<model::GroupAttachment>(prefix)}});
    if (!s.ok()) return s;
    return json::object();
  });
}

void RegisterMembership(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "AddUserToGroup", [&iam](const OperationContext& c) -> Result<json> {
    Result<Membership> found = FindMembership(iam, c);
    if (!found.ok()) return found.status();
    const model::User& user = *found->user;
    const model::Group& group = *found->group;
    auto groups = iam.state.directory().Scan<model::GroupMember>(
        UserMembersPrefix(user.account_id, user.name));
    for (const auto& m : groups) {
      if (IsMemberOf(*m, group)) return json::object();  // already a member
    }
    if (groups.size() >= kGroupsPerUser) {
      return Status(ErrorCode::kLimitExceeded,
                    "Cannot exceed quota for GroupsPerUser: " + std::to_string(kGroupsPerUser));
    }
    // Both ends must still be there, and the quota must hold when the membership is written.
    Status s = iam.state.Commit(
        {.writes = {store::Put<model::GroupMember>{{user.account_id, user.name, group.name}}},
         .preconditions = {
             store::UserUnchanged(user), store::Unchanged(group),
             store::ExpectFewer<model::GroupMember>{UserMembersPrefix(user.account_id, user.name),
                                                    static_cast<int64_t>(kGroupsPerUser),
                                                    {},
                                                    {}}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "RemoveUserFromGroup", [&iam](const OperationContext& c) -> Result<json> {
    Result<Membership> found = FindMembership(iam, c);
    if (!found.ok()) return found.status();
    auto member = iam.state.directory().Get<model::GroupMember>(
        model::RecordKey({found->user->account_id, found->user->name, found->group->name}));
    if (member == nullptr) return NoSuchUser(c.input.at("UserName").get<std::string>());
    Status s = iam.state.Commit({.writes = {store::Erase<model::GroupMember>::Of(*member)},
                                 .preconditions = {store::Unchanged(*member)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListGroupsForUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    json out;
    json groups = json::array();
    for (const auto& m : ScanPage<model::GroupMember>(
             dir, UserMembersPrefix(user->account_id, user->name), ReadPage(c.input),
             [](const model::GroupMember&) { return true; }, out)) {
      auto g = dir.Get<model::Group>(model::RecordKey({m->account_id, m->group_name}));
      if (g != nullptr) groups.push_back(GroupJson(*g));
    }
    out["Groups"] = std::move(groups);
    return out;
  });
}

}  // namespace

Result<std::shared_ptr<const model::Group>> FindGroup(const store::Directory& dir,
                                                      std::string_view account,
                                                      std::string_view name) {
  auto group = dir.Get<model::Group>(model::RecordKey({account, name}));
  if (group == nullptr) {
    return Status(ErrorCode::kNoSuchEntity,
                  "The group with name " + std::string(name) + " cannot be found.");
  }
  return group;
}

std::string GroupRecordPrefix(const model::Group& group) {
  return model::RecordKey({group.account_id, group.name}) + "/";
}

std::vector<std::string> GroupAttachedPolicies(const store::Directory& dir,
                                               const model::Group& group) {
  std::vector<std::string> arns;
  for (const auto& a : dir.Scan<model::GroupAttachment>(GroupRecordPrefix(group))) {
    arns.push_back(a->policy_arn);
  }
  return arns;
}

void RegisterGroupOperations(Dispatcher& d, IamContext& iam) {
  RegisterGroupLifecycle(d, iam);
  RegisterMembership(d, iam);
}

}  // namespace gatehouse::services::iam
