// iam: CreateUser, GetUser, ListUsers, DeleteUser.
#include <algorithm>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

json UserJson(const model::User& u) {
  return {{"Path", u.path},
          {"UserName", u.name},
          {"UserId", u.id},
          {"Arn", u.Arn()},
          {"CreateDate", FormatIsoTime(u.created_ms)}};
}

}  // namespace

void RegisterUserOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateUser", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("UserName");
    model::User user{c.caller.account_id, name, c.input.value("Path", "/"),
                     NewUniqueId(iam.random, IdKind::kUser), iam.now_ms()};
    if (iam.state.directory().FindUser(user.account_id, name) != nullptr) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    Status s = iam.state.Commit({{store::InsertUser{user}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) {
      return Status(ErrorCode::kEntityAlreadyExists, "User with name " + name + " already exists.");
    }
    if (!s.ok()) return s;
    return json{{"User", UserJson(user)}};
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
    return json{{"User", UserJson(*user)}};
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
      list.push_back(UserJson(*u));
    }
    out["Users"] = std::move(list);
    return out;
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
    if (Status s = iam.state.Commit({{store::DeleteUser{user->account_id, user->name}}}); !s.ok()) {
      return s;
    }
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
