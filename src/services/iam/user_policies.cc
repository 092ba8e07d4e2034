// iam: PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy (inline policies), and
// AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies (managed policies).
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

using nlohmann::json;

namespace {

// The user as read, holding no more rows of `table` than the `read` it had (their number or
// aggregate size is a quota).
std::vector<store::Precondition> SameUser(const model::User& user, store::UserTable table,
                                          size_t read) {
  return {store::UserUnchanged(user), store::ExpectFewerOfUser{table, user.account_id, user.name,
                                                               static_cast<int64_t>(read) + 1}};
}

// `preconditions` with those of attaching managed policy `arn`.
std::vector<store::Precondition> WithPolicy(const IamContext& iam,
                                            std::vector<store::Precondition> preconditions,
                                            std::string_view account, const std::string& arn) {
  for (auto& p : AttachedPolicyPreconditions(iam, account, arn)) preconditions.push_back(p);
  return preconditions;
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
    auto policies = dir.UserPolicies(user->account_id, user->name);
    Result<std::string> stored_name =
        CheckInlinePolicyPut(policies, name, document, "user", user->name);
    if (!stored_name.ok()) return stored_name.status();
    Status s = iam.state.Commit(
        {.writes = {store::PutUserPolicy{{user->account_id, user->name, *stored_name, document}}},
         .preconditions = SameUser(*user, store::UserTable::kInlinePolicies, policies.size())});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "GetUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string name = c.input.at("PolicyName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto p = FindInlinePolicy(dir.UserPolicies(user->account_id, user->name), name);
    if (p == nullptr) return NoSuchInlinePolicy("user", name);
    return InlinePolicyJson("UserName", user->name, p->name, p->document);
  });

  d.Register("iam", "ListUserPolicies", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    auto user = iam.state.directory().FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    return InlinePolicyNamesJson(iam.state.directory().UserPolicies(user->account_id, user->name),
                                 c.input);
  });

  d.Register("iam", "DeleteUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string name = c.input.at("PolicyName");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto p = FindInlinePolicy(dir.UserPolicies(user->account_id, user->name), name);
    if (p == nullptr) return NoSuchInlinePolicy("user", name);
    Status s = iam.state.Commit(
        {.writes = {store::DeleteUserPolicy{user->account_id, user->name, p->name}},
         .preconditions = {store::UserUnchanged(*user)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "AttachUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string arn = c.input.at("PolicyArn");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    auto attached = dir.UserAttachedPolicies(user->account_id, user->name);
    Result<bool> write = CheckAttach(iam, user->account_id, attached, arn, kUserTarget);
    if (!write.ok()) return write.status();
    if (!*write) return json::object();
    Status s = iam.state.Commit(
        {.writes = {store::AttachUserPolicy{{user->account_id, user->name, arn}}},
         .preconditions =
             WithPolicy(iam, SameUser(*user, store::UserTable::kAttachedPolicies, attached.size()),
                        user->account_id, arn)});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "DetachUserPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string user_name = c.input.at("UserName");
    std::string arn = c.input.at("PolicyArn");
    const store::Directory& dir = iam.state.directory();
    auto user = dir.FindUser(c.caller.account_id, user_name);
    if (user == nullptr) return NoSuchUser(user_name);
    Status found = CheckDetach(dir.UserAttachedPolicies(user->account_id, user->name), arn);
    if (!found.ok()) return found;
    Status s =
        iam.state.Commit({.writes = {store::DetachUserPolicy{{user->account_id, user->name, arn}}},
                          .preconditions = {store::UserUnchanged(*user)}});
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
