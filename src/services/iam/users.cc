// iam: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, TagUser, UntagUser, ListUserTags,
// PutUserPermissionsBoundary, DeleteUserPermissionsBoundary.
#include <algorithm>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/tags.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {

using nlohmann::json;

namespace {

// The writes that move what hangs off user `from` (records keyed by its name) to `to`, with the
// preconditions that what they move is all there is, as read.
void RenameUserRecords(const store::Directory& dir, const std::string& account,
                       const std::string& from, const std::string& to, store::WriteBatch& batch) {
  const std::string old_key = model::RecordKey({account, from});
  auto members = dir.Scan<model::GroupMember>(old_key + "/");
  store::AppendSameRange(members, old_key + "/", batch.preconditions);
  for (const auto& m : members) {
    batch.writes.push_back(store::Erase<model::GroupMember>::Of(*m));
    batch.writes.push_back(store::Put<model::GroupMember>{{account, to, m->group_name}});
  }
  auto b = dir.Get<model::UserBoundary>(old_key);
  batch.preconditions.push_back(b ? store::Unchanged(*b)
                                  : store::Absent<model::UserBoundary>(old_key));
  if (b) {
    batch.writes.push_back(store::Erase<model::UserBoundary>::Of(*b));
    batch.writes.push_back(store::Put<model::UserBoundary>{{account, to, b->policy_arn}});
  }
  auto login = dir.Get<model::LoginProfile>(old_key);
  batch.preconditions.push_back(login ? store::Unchanged(*login)
                                      : store::Absent<model::LoginProfile>(old_key));
  if (login) {
    model::LoginProfile moved = *login;
    moved.user_name = to;
    batch.writes.push_back(store::Erase<model::LoginProfile>::Of(*login));
    batch.writes.push_back(store::Put<model::LoginProfile>{moved});
  }
  int64_t devices = 0;
  for (const auto& device : dir.Scan<model::MfaDevice>(account + "/")) {
    if (!device->root && EqualsIgnoreCase(device->user_name, from)) {
      model::MfaDevice moved = *device;
      moved.user_name = to;
      batch.preconditions.push_back(store::Unchanged(*device));
      batch.writes.push_back(store::Put<model::MfaDevice>{moved});
      ++devices;
    }
  }
  batch.preconditions.push_back(
      store::ExpectFewer<model::MfaDevice>{account + "/", devices + 1, "user_name", from});
  MoveAllUserCredentials(dir, account, from, to, batch);
}

// What DeleteUser found, as preconditions: the user as read, with nothing left hanging off it.
void AppendDeletable(const model::User& user, store::WriteBatch& batch) {
  const std::string key = model::RecordKey({user.account_id, user.name});
  batch.preconditions.insert(
      batch.preconditions.end(),
      {store::UserUnchanged(user), store::Absent<model::LoginProfile>(key),
       store::NoneUnder<model::GroupMember>(key + "/"),
       store::NoneUnder<model::MfaDevice>(user.account_id + "/", "user_name", user.name),
       store::ExpectFewerOfUser{store::UserTable::kAccessKeys, user.account_id, user.name, 1},
       store::ExpectFewerOfUser{store::UserTable::kInlinePolicies, user.account_id, user.name, 1},
       store::ExpectFewerOfUser{store::UserTable::kAttachedPolicies, user.account_id, user.name,
                                1}});
  AppendNoUserCredentials(user, batch);
}

}  // namespace

json UserJson(const store::Directory& dir, const model::User& u, bool detailed) {
  json out = {{"Path", u.path},
              {"UserName", u.name},
              {"UserId", u.id},
              {"Arn", u.Arn()},
              {"CreateDate", FormatIsoTime(u.created_ms)}};
  const std::string key = model::RecordKey({u.account_id, u.name});
  if (auto login = dir.Get<model::LoginProfile>(key); login && login->last_used_ms > 0) {
    out["PasswordLastUsed"] = FormatIsoTime(login->last_used_ms);
  }
  if (!detailed) return out;
  if (auto boundary = dir.Get<model::UserBoundary>(key)) {
    out["PermissionsBoundary"] = BoundaryJson(boundary->policy_arn);
  }
  if (!u.tags.empty()) out["Tags"] = TagsJson(u.tags);
  return out;
}

json BoundaryJson(const std::string& arn) {
  return {{"PermissionsBoundaryType", "PermissionsBoundaryPolicy"},
          {"PermissionsBoundaryArn", arn}};
}

void RegisterUserOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    model::User user{c.caller.account_id,
                     name,
                     c.input.value("Path", "/"),
                     NewUniqueId(iam.random, IdKind::kUser),
                     iam.now_ms(),
                     {}};
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags, kUserTags);
      if (!merged.ok()) return merged.status();
      user.tags = std::move(merged).value();
    }
    std::string boundary = c.input.value("PermissionsBoundary", "");
    if (!boundary.empty()) {
      if (Status s = CheckBoundary(iam, user.account_id, boundary); !s.ok()) return s;
    }
    if (iam.state.directory().FindUser(user.account_id, name) != nullptr) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    store::WriteBatch batch{{store::InsertUser{user}}};
    if (!user.tags.empty()) {
      batch.writes.push_back(store::SetUserTags{user.account_id, user.name, user.tags});
    }
    if (!boundary.empty()) {
      batch.writes.push_back(store::Put<model::UserBoundary>{{user.account_id, name, boundary}});
    }
    Status s = iam.state.Commit(batch);
    if (s.code() == ErrorCode::kEntityAlreadyExists) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    if (!s.ok()) return s;
    return json{{"User", UserJson(iam.state.directory(), user, true)}};
  });

  d.Register("iam", "GetUser", [&iam](const OperationContext& c) -> Result<json> {
    Result<std::string> target = TargetUserName(c);
    if (!target.ok()) return target.status();
    const std::string& name = *target;
    if (name.empty()) {  // the root user asking about itself
      auto account = iam.state.directory().FindAccount(c.caller.account_id);
      return json{{"User",
                   {{"UserId", c.caller.account_id},
                    {"Arn", c.caller.principal_arn},
                    {"CreateDate", FormatIsoTime(account ? account->created_ms : 0)}}}};
    }
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    return json{{"User", UserJson(iam.state.directory(), *user, true)}};
  });

  d.Register("iam", "ListUsers", [&iam](const OperationContext& c) -> Result<json> {
    std::string prefix = c.input.value("PathPrefix", "/");
    const store::Directory& dir = iam.state.directory();
    auto users = dir.ListUsers(c.caller.account_id);
    std::erase_if(users, [&](const auto& u) { return !StartsWith(u->path, prefix); });
    std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
      return AsciiLower(a->name) < AsciiLower(b->name);
    });
    json out;
    json list = json::array();
    for (const auto& u : SlicePage(
             users, ReadPage(c.input), [](const auto& u) { return AsciiLower(u->name); }, out)) {
      list.push_back(UserJson(dir, *u, false));
    }
    out["Users"] = std::move(list);
    return out;
  });

  d.Register("iam", "UpdateUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    std::string new_name = c.input.value("NewUserName", user->name);
    std::string new_path = c.input.value("NewPath", user->path);
    if (!EqualsIgnoreCase(new_name, user->name) &&
        dir.FindUser(user->account_id, new_name) != nullptr) {
      return Status(ErrorCode::kEntityAlreadyExists,
                    "User with name " + new_name + " already exists.");
    }
    store::WriteBatch batch{{store::UpdateUser{user->account_id, user->name, new_name, new_path}},
                            {store::UserUnchanged(*user)}};
    if (!EqualsIgnoreCase(new_name, user->name)) {
      batch.preconditions.push_back(store::UserAbsent(user->account_id, new_name));
    }
    if (new_name != user->name) {
      RenameUserRecords(dir, user->account_id, user->name, new_name, batch);
    }
    if (Status s = iam.state.Commit(batch); !s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "TagUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    Result<std::vector<model::Tag>> tags = MergeTags(user->tags, c.input.at("Tags"), kUserTags);
    if (!tags.ok()) return tags.status();
    Status s =
        iam.state.Commit({.writes = {store::SetUserTags{user->account_id, user->name, *tags}},
                          .preconditions = {store::UserUnchanged(*user)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "UntagUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    Status s = iam.state.Commit(
        {.writes = {store::SetUserTags{user->account_id, user->name,
                                       RemoveTags(user->tags, c.input.at("TagKeys"))}},
         .preconditions = {store::UserUnchanged(*user)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListUserTags", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    return ListTagsJson(user->tags, c.input);
  });

  d.Register(
      "iam", "PutUserPermissionsBoundary", [&iam](const OperationContext& c) -> Result<json> {
        std::string name = c.input.at("UserName");
        std::string arn = c.input.at("PermissionsBoundary");
        auto user = iam.state.directory().FindUser(c.caller.account_id, name);
        if (user == nullptr) return NoSuchUser(name);
        if (Status s = CheckBoundary(iam, user->account_id, arn); !s.ok()) return s;
        Status s = iam.state.Commit(
            {.writes = {store::Put<model::UserBoundary>{{user->account_id, user->name, arn}}},
             .preconditions = {store::UserUnchanged(*user)}});
        if (!s.ok()) return s;
        return json::object();
      });

  d.Register(
      "iam", "DeleteUserPermissionsBoundary", [&iam](const OperationContext& c) -> Result<json> {
        std::string name = c.input.at("UserName");
        const store::Directory& dir = iam.state.directory();
        auto user = dir.FindUser(c.caller.account_id, name);
        if (user == nullptr) return NoSuchUser(name);
        auto boundary =
            dir.Get<model::UserBoundary>(model::RecordKey({user->account_id, user->name}));
        if (boundary == nullptr) {
          return Status(ErrorCode::kNoSuchEntity, "The user with name " + user->name +
                                                      " does not have a permissions boundary.");
        }
        Status s = iam.state.Commit({.writes = {store::Erase<model::UserBoundary>::Of(*boundary)},
                                     .preconditions = {store::Unchanged(*boundary)}});
        if (!s.ok()) return s;
        return json::object();
      });

  d.Register("iam", "DeleteUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    const std::string key = model::RecordKey({user->account_id, user->name});
    if (dir.Get<model::LoginProfile>(key) != nullptr) return DeleteConflict("delete login profile");
    if (!dir.ListAccessKeys(user->account_id, user->name).empty()) {
      return DeleteConflict("delete access keys");
    }
    for (const auto& device : dir.Scan<model::MfaDevice>(user->account_id + "/")) {
      if (!device->root && EqualsIgnoreCase(device->user_name, user->name)) {
        return DeleteConflict("delete MFA device");
      }
    }
    // AWS words it as DeleteGroup does (seen in DeleteUser errors people quote).
    if (!dir.Scan<model::GroupMember>(key + "/", "", 1).empty()) {
      return DeleteConflict("remove users from group");
    }
    if (std::string left = UserCredentialLeft(dir, *user); !left.empty()) {
      return DeleteConflict(left);
    }
    if (!dir.UserPolicies(user->account_id, user->name).empty()) {
      return DeleteConflict("delete policies");
    }
    if (!dir.UserAttachedPolicies(user->account_id, user->name).empty()) {
      return DeleteConflict("detach all policies");
    }
    store::WriteBatch batch;
    AppendDeletable(*user, batch);
    if (!user->tags.empty()) {
      batch.writes.push_back(store::SetUserTags{user->account_id, user->name, {}});
    }
    auto boundary = dir.Get<model::UserBoundary>(key);
    batch.preconditions.push_back(boundary ? store::Unchanged(*boundary)
                                           : store::Absent<model::UserBoundary>(key));
    if (boundary) batch.writes.push_back(store::Erase<model::UserBoundary>::Of(*boundary));
    batch.writes.push_back(store::DeleteUser{user->account_id, user->name});
    if (Status s = iam.state.Commit(batch); !s.ok()) return s;
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
