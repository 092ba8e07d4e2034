// iam: CreateAccessKey, ListAccessKeys, UpdateAccessKey, GetAccessKeyLastUsed, DeleteAccessKey.
#include "core/crypto.h"
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kAccessKeysPerUser = 2;

const char* StatusName(model::AccessKeyStatus s) {
  return s == model::AccessKeyStatus::kActive ? "Active" : "Inactive";
}

// The key `id` must belong to the user the request names (or the caller).
Status CheckOwnKey(IamContext& iam, const OperationContext& c, const std::string& id) {
  Result<std::string> name = TargetUserName(c);
  if (!name.ok()) return name.status();
  auto key = iam.state.directory().FindAccessKey(id);
  if (key == nullptr || key->account_id != c.caller.account_id ||
      !EqualsIgnoreCase(key->user_name, *name)) {
    return Status(ErrorCode::kNoSuchEntity, "The Access Key with id " + id + " cannot be found");
  }
  return Status::Ok();
}

}  // namespace

void RegisterAccessKeyOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateAccessKey", [&iam](const OperationContext& c) -> Result<json> {
    Result<std::string> target = TargetUserName(c);
    if (!target.ok()) return target.status();
    const std::string& name = *target;
    if (name.empty()) {
      return Status(ErrorCode::kInvalidInput,
                    "gatehouse creates root access keys only for IAM users; pass UserName.");
    }
    auto user = iam.state.directory().FindUser(c.caller.account_id, name);
    if (user == nullptr) return NoSuchUser(name);
    if (iam.state.directory().ListAccessKeys(user->account_id, user->name).size() >=
        kAccessKeysPerUser) {
      return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2");
    }
    std::string id = NewAccessKeyId(iam.random, /*temporary=*/false, user->account_id);
    std::string secret = NewSecretAccessKey(iam.random);
    model::AccessKey key{id,
                         user->account_id,
                         user->name,
                         Seal(iam.master_key, secret, id, iam.random.Bytes(12)),
                         model::AccessKeyStatus::kActive,
                         iam.now_ms()};
    // The quota holds in the store too: two requests racing for the last slot get one key.
    Status s = iam.state.Commit(
        {.writes = {store::InsertAccessKey{key}},
         .preconditions = {
             store::UserUnchanged(*user),
             store::ExpectFewerOfUser{store::UserTable::kAccessKeys, user->account_id, user->name,
                                      static_cast<int64_t>(kAccessKeysPerUser)}}});
    if (!s.ok()) return s;
    // The only time the secret ever leaves the server.
    return json{{"AccessKey",
                 {{"UserName", user->name},
                  {"AccessKeyId", id},
                  {"Status", "Active"},
                  {"SecretAccessKey", secret},
                  {"CreateDate", FormatIsoTime(key.created_ms)}}}};
  });

  // The root user (no name: its own keys, from its credentials or an AssumeRoot session) or an
  // IAM user.
  d.Register("iam", "ListAccessKeys", [&iam](const OperationContext& c) -> Result<json> {
    Result<std::string> target = TargetUserName(c);
    if (!target.ok()) return target.status();
    std::string name = *target;
    if (!name.empty()) {
      auto user = iam.state.directory().FindUser(c.caller.account_id, name);
      if (user == nullptr) return NoSuchUser(name);
      name = user->name;
    }
    json list = json::array();
    for (const auto& k : iam.state.directory().ListAccessKeys(c.caller.account_id, name)) {
      json key = {{"AccessKeyId", k->id},
                  {"Status", StatusName(k->status)},
                  {"CreateDate", FormatIsoTime(k->created_ms)}};
      if (!name.empty()) key["UserName"] = name;
      list.push_back(std::move(key));
    }
    return json{{"AccessKeyMetadata", std::move(list)}, {"IsTruncated", false}};
  });

  d.Register("iam", "UpdateAccessKey", [&iam](const OperationContext& c) -> Result<json> {
    std::string id = c.input.at("AccessKeyId");
    if (Status s = CheckOwnKey(iam, c, id); !s.ok()) return s;
    model::AccessKeyStatus status = c.input.at("Status") == "Active"
                                        ? model::AccessKeyStatus::kActive
                                        : model::AccessKeyStatus::kInactive;
    if (Status s = iam.state.Commit({{store::SetAccessKeyStatus{id, status}}}); !s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "GetAccessKeyLastUsed", [&iam](const OperationContext& c) -> Result<json> {
    std::string id = c.input.at("AccessKeyId");
    auto key = iam.state.directory().FindAccessKey(id);
    if (key == nullptr || key->account_id != c.caller.account_id) {
      return Status(ErrorCode::kNoSuchEntity, "The Access Key with id " + id + " cannot be found");
    }
    json last = {{"ServiceName", "N/A"}, {"Region", "N/A"}};  // AWS's answer for a key never used
    if (auto used = iam.usage.Find(iam.state.directory(), id)) {
      last = {{"LastUsedDate", FormatIsoTime(used->used_ms)},
              {"ServiceName", used->service},
              {"Region", used->region}};
    }
    return json{{"UserName", key->user_name}, {"AccessKeyLastUsed", std::move(last)}};
  });

  d.Register("iam", "DeleteAccessKey", [&iam](const OperationContext& c) -> Result<json> {
    std::string id = c.input.at("AccessKeyId");
    if (Status s = CheckOwnKey(iam, c, id); !s.ok()) return s;
    if (Status s = iam.state.Commit({{store::DeleteAccessKey{id}}}); !s.ok()) return s;
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
