// iam: PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy (inline policies), and
// AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies (managed policies).
#include <algorithm>

#include "core/strings.h"
#include "core/uri.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The user's inline policy named `name` (regardless of case), or null.
std::shared_ptr<const model::UserPolicy> FindInlinePolicy(IamContext& iam, const model::User& user,
                                                          std::string_view name) {
  for (auto& p : iam.state.directory().UserPolicies(user.account_id, user.name)) {
    if (EqualsIgnoreCase(p->name, name)) return p;
  }
  return nullptr;
}

Status NoSuchUserPolicy(const std::string& name) {
  return Status(ErrorCode::kNoSuchEntity,
                "The user policy with name " + name + " cannot be found.");
}

}  // namespace

void RegisterUserPolicyOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "PutUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string name = c.input.at("PolicyName");
    std::string document = c.input.at("PolicyDocument");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    std::string stored_name = name;
    std::vector<std::string> others;
    for (const auto& p : dir.UserPolicies(user->account_id, user->name)) {
      if (EqualsIgnoreCase(p->name, name)) {
        stored_name = p->name;  // replacing keeps the name as first written
      } else {
        others.push_back(p->document);
      }
    }
    if (Status s = CheckInlinePolicy(document, others, "user", user->name); !s.ok()) return s;
    Status s = iam.state.Commit(
        {{store::PutUserPolicy{{user->account_id, user->name, stored_name, document}}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "GetUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string name = c.input.at("PolicyName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto p = FindInlinePolicy(iam, *user, name);
    if (p == nullptr) return NoSuchUserPolicy(name);
    // AWS returns policy documents URL-encoded; the SDKs decode them.
    return json{{"UserName", user->name},
                {"PolicyName", p->name},
                {"PolicyDocument", UriEncode(p->document)}};
  });

  d.Register("iam", "ListUserPolicies", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    std::vector<std::string> names;
    for (const auto& p : iam.state.directory().UserPolicies(user->account_id, user->name)) {
      names.push_back(p->name);
    }
    return PolicyNamesJson(std::move(names), c.input);
  });

  d.Register("iam", "DeleteUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string name = c.input.at("PolicyName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto p = FindInlinePolicy(iam, *user, name);
    if (p == nullptr) return NoSuchUserPolicy(name);
    Status s = iam.state.Commit({{store::DeleteUserPolicy{user->account_id, user->name, p->name}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "AttachUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string arn = c.input.at("PolicyArn");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    if (Status s = CheckAttachable(iam, user->account_id, arn); !s.ok()) return s;
    auto attached = dir.UserAttachedPolicies(user->account_id, user->name);
    if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return json::object();
    if (attached.size() >= kManagedPoliciesPerEntity) {
      return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for PoliciesPerUser: 10");
    }
    Status s = iam.state.Commit({{store::AttachUserPolicy{{user->account_id, user->name, arn}}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "DetachUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string arn = c.input.at("PolicyArn");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto attached = iam.state.directory().UserAttachedPolicies(user->account_id, user->name);
    if (std::find(attached.begin(), attached.end(), arn) == attached.end()) {
      return Status(ErrorCode::kNoSuchEntity, "Policy " + arn + " was not found.");
    }
    Status s = iam.state.Commit({{store::DetachUserPolicy{{user->account_id, user->name, arn}}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListAttachedUserPolicies", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    return AttachedPoliciesJson(
        iam.state.directory().UserAttachedPolicies(user->account_id, user->name), c.input);
  });
}

}  // namespace gatehouse::services::iam
