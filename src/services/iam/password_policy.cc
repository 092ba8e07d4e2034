// iam: UpdateAccountPasswordPolicy, GetAccountPasswordPolicy, DeleteAccountPasswordPolicy.
// Update replaces the whole policy: a field the request leaves out takes its default, as AWS
// documents (6 characters, no character requirements, no expiry, no reuse prevention).
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

model::PasswordPolicy PolicyFromInput(const std::string& account, const json& input) {
  model::PasswordPolicy p;
  p.account_id = account;
  p.minimum_password_length = input.value("MinimumPasswordLength", p.minimum_password_length);
  p.require_symbols = input.value("RequireSymbols", false);
  p.require_numbers = input.value("RequireNumbers", false);
  p.require_uppercase = input.value("RequireUppercaseCharacters", false);
  p.require_lowercase = input.value("RequireLowercaseCharacters", false);
  p.allow_users_to_change_password = input.value("AllowUsersToChangePassword", false);
  p.max_password_age = input.value("MaxPasswordAge", int64_t{0});
  p.password_reuse_prevention = input.value("PasswordReusePrevention", int64_t{0});
  p.hard_expiry = input.value("HardExpiry", false);
  return p;
}

// The boxed members (MaxPasswordAge, PasswordReusePrevention, HardExpiry) appear only when set.
json PolicyJson(const model::PasswordPolicy& p) {
  json out = {{"MinimumPasswordLength", p.minimum_password_length},
              {"RequireSymbols", p.require_symbols},
              {"RequireNumbers", p.require_numbers},
              {"RequireUppercaseCharacters", p.require_uppercase},
              {"RequireLowercaseCharacters", p.require_lowercase},
              {"AllowUsersToChangePassword", p.allow_users_to_change_password},
              {"ExpirePasswords", p.max_password_age > 0}};
  if (p.max_password_age > 0) out["MaxPasswordAge"] = p.max_password_age;
  if (p.password_reuse_prevention > 0) out["PasswordReusePrevention"] = p.password_reuse_prevention;
  if (p.hard_expiry) out["HardExpiry"] = true;
  return out;
}

}  // namespace

void RegisterPasswordPolicyOperations(Dispatcher& d, IamContext& iam) {
  d.Register(
      "iam", "UpdateAccountPasswordPolicy", [&iam](const OperationContext& c) -> Result<json> {
        model::PasswordPolicy policy = PolicyFromInput(c.caller.account_id, c.input);
        if (Status s = iam.state.Commit({{store::Put<model::PasswordPolicy>{policy}}}); !s.ok()) {
          return s;
        }
        return json::object();
      });

  d.Register("iam", "GetAccountPasswordPolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto policy =
        iam.state.directory().Get<model::PasswordPolicy>(model::RecordKey({c.caller.account_id}));
    if (policy == nullptr) {
      return Status(ErrorCode::kNoSuchEntity, "The Password Policy with domain name " +
                                                  c.caller.account_id + " cannot be found.");
    }
    return json{{"PasswordPolicy", PolicyJson(*policy)}};
  });

  d.Register(
      "iam", "DeleteAccountPasswordPolicy", [&iam](const OperationContext& c) -> Result<json> {
        auto policy = iam.state.directory().Get<model::PasswordPolicy>(
            model::RecordKey({c.caller.account_id}));
        if (policy == nullptr) {
          return Status(ErrorCode::kNoSuchEntity,
                        "The account policy with name PasswordPolicy cannot be found.");
        }
        Status s = iam.state.Commit({.writes = {store::Erase<model::PasswordPolicy>::Of(*policy)},
                                     .preconditions = {store::Unchanged(*policy)}});
        if (!s.ok()) return s;
        return json::object();
      });
}

}  // namespace gatehouse::services::iam
