// iam: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, TagUser, UntagUser, ListUserTags.
#include <algorithm>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kTagsPerUser = 50;

json TagsJson(const std::vector<model::Tag>& tags) {
  json list = json::array();
  for (const model::Tag& t : tags) list.push_back({{"Key", t.key}, {"Value", t.value}});
  return list;
}

json UserJson(const model::User& u, bool with_tags) {
  json out = {{"Path", u.path},
              {"UserName", u.name},
              {"UserId", u.id},
              {"Arn", u.Arn()},
              {"CreateDate", FormatIsoTime(u.created_ms)}};
  if (with_tags && !u.tags.empty()) out["Tags"] = TagsJson(u.tags);
  return out;
}

// `current` with `changes` applied: keys match regardless of case, the new spelling wins.
Result<std::vector<model::Tag>> MergeTags(std::vector<model::Tag> current, const json& changes) {
  for (const json& t : changes) {
    std::string key = t.at("Key");
    if (StartsWith(AsciiLower(key), "aws:")) {
      return Status(ErrorCode::kInvalidInput,
                    "Tag keys starting with 'aws:' are reserved for AWS use.");
    }
    auto same = std::find_if(current.begin(), current.end(),
                             [&](const model::Tag& c) { return EqualsIgnoreCase(c.key, key); });
    model::Tag tag{key, t.value("Value", "")};
    if (same != current.end()) {
      *same = tag;
    } else {
      current.push_back(tag);
    }
  }
  if (current.size() > kTagsPerUser) {
    return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for TagsPerUser: 50");
  }
  return current;
}

}  // namespace

void RegisterUserOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    model::User user{c.caller.account_id, name, c.input.value("Path", "/"),
                     NewUniqueId(iam.random, IdKind::kUser), iam.now_ms(), {}};
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags);
      if (!merged.ok()) return merged.status();
      user.tags = std::move(merged).value();
    }
    if (iam.state.directory().FindUser(user.account_id, name) != nullptr) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    store::WriteBatch batch{{store::InsertUser{user}}};
    if (!user.tags.empty()) {
      batch.writes.push_back(store::SetUserTags{user.account_id, user.name, user.tags});
    }
    Status s = iam.state.Commit(batch);
    if (s.code() == ErrorCode::kEntityAlreadyExists) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    if (!s.ok()) return s;
    return json{{"User", UserJson(user, true)}};
  });

  d.Register("iam", "GetUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = TargetUserName(c);
    if (name.empty()) {  // the root user asking about itself
      auto account = iam.state.directory().FindAccount(c.caller.account_id);
      return json{{"User",
                   {{"UserId", c.caller.account_id},
                    {"Arn", c.caller.principal_arn},
                    {"CreateDate", FormatIsoTime(account ? account->created_ms : 0)}}}};
    }
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    return json{{"User", UserJson(*user, true)}};
  });

  d.Register("iam", "ListUsers", [&iam](const OperationContext& c) -> Result<json> {
    std::string prefix = c.input.value("PathPrefix", "/");
    std::string marker = c.input.value("Marker", "");
    size_t max_items = c.input.value("MaxItems", 100);
    auto users = iam.state.directory().ListUsers(c.caller.account_id);
    std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
      return AsciiLower(a->name) < AsciiLower(b->name);
    });
    json list = json::array();
    json out = {{"IsTruncated", false}};
    for (const auto& u : users) {
      if (!StartsWith(u->path, prefix)) continue;
      if (!marker.empty() && AsciiLower(u->name) < marker) continue;
      if (list.size() == max_items) {
        out["IsTruncated"] = true;
        out["Marker"] = AsciiLower(u->name);
        break;
      }
      list.push_back(UserJson(*u, false));
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
    Status s = iam.state.Commit(
        {{store::UpdateUser{user->account_id, user->name, new_name, new_path}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "TagUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    Result<std::vector<model::Tag>> tags = MergeTags(user->tags, c.input.at("Tags"));
    if (!tags.ok()) return tags.status();
    Status s = iam.state.Commit({{store::SetUserTags{user->account_id, user->name, *tags}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "UntagUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    std::vector<model::Tag> tags = user->tags;
    for (const json& key : c.input.at("TagKeys")) {
      std::erase_if(tags, [&](const model::Tag& t) {
        return EqualsIgnoreCase(t.key, key.get<std::string>());
      });
    }
    Status s = iam.state.Commit({{store::SetUserTags{user->account_id, user->name, tags}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListUserTags", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    return json{{"Tags", TagsJson(user->tags)}, {"IsTruncated", false}};
  });

  d.Register("iam", "DeleteUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    if (!dir.ListAccessKeys(user->account_id, user->name).empty()) {
      return Status(ErrorCode::kDeleteConflict,
                    "Cannot delete entity, must delete access keys first.");
    }
    if (!dir.UserPolicies(user->account_id, user->name).empty()) {
      return Status(ErrorCode::kDeleteConflict, "Cannot delete entity, must delete policies first.");
    }
    if (!dir.UserAttachedPolicies(user->account_id, user->name).empty()) {
      return Status(ErrorCode::kDeleteConflict,
                    "Cannot delete entity, must detach all policies first.");
    }
    store::WriteBatch batch;
    if (!user->tags.empty()) {
      batch.writes.push_back(store::SetUserTags{user->account_id, user->name, {}});
    }
    batch.writes.push_back(store::DeleteUser{user->account_id, user->name});
    if (Status s = iam.state.Commit(batch); !s.ok()) {
      return s;
    }
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
