#include "services/directory_policies.h"

#include "services/iam/service_linked_roles.h"

namespace gatehouse::services {
namespace {

// The caller's user name; "" for the root user (and, later, role sessions).
std::string CallerUserName(const auth::AccessKeyRecord& caller) {
  if (caller.principal_arn.find(":user/") == std::string::npos) return "";
  return caller.principal_arn.substr(caller.principal_arn.rfind('/') + 1);
}

std::vector<std::pair<std::string, std::string>> TagPairs(const std::vector<model::Tag>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Tag& t : tags) out.emplace_back(t.key, t.value);
  return out;
}

std::string Input(const nlohmann::json& input, const char* name, std::string fallback = "") {
  auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::vector<std::string> DirectoryPolicies::IdentityPolicies(
    const auth::AccessKeyRecord& caller) const {
  std::vector<std::string> documents;
  std::string name = CallerUserName(caller);
  if (name.empty()) return documents;
  const std::string& account = caller.account_id;
  auto add_managed = [&](const std::string& arn) {
    std::string document = iam::ManagedPolicyDocument(directory_, catalog_, account, arn);
    if (!document.empty()) documents.push_back(std::move(document));
  };
  // An account password policy that lets users change their own passwords grants them
  // iam:ChangePassword on themselves and iam:GetAccountPasswordPolicy, policies or not.
  auto password_policy = directory_.Get<model::PasswordPolicy>(model::RecordKey({account}));
  if (password_policy != nullptr && password_policy->allow_users_to_change_password) {
    nlohmann::json implicit = {
        {"Version", "2012-10-17"},
        {"Statement",
         {{{"Effect", "Allow"},
           {"Action", "iam:ChangePassword"},
           {"Resource", caller.principal_arn}},
          {{"Effect", "Allow"}, {"Action", "iam:GetAccountPasswordPolicy"}, {"Resource", "*"}}}}};
    documents.push_back(implicit.dump());
  }
  for (const auto& p : directory_.UserPolicies(account, name)) documents.push_back(p->document);
  for (const std::string& arn : directory_.UserAttachedPolicies(account, name)) add_managed(arn);
  for (const auto& member :
       directory_.Scan<model::GroupMember>(model::RecordKey({account, name}) + "/")) {
    std::string group_prefix = model::RecordKey({account, member->group_name}) + "/";
    for (const auto& p : directory_.Scan<model::GroupPolicy>(group_prefix)) {
      documents.push_back(p->document);
    }
    for (const auto& a : directory_.Scan<model::GroupAttachment>(group_prefix)) {
      add_managed(a->policy_arn);
    }
  }
  return documents;
}

std::string DirectoryPolicies::Boundary(const auth::AccessKeyRecord& caller) const {
  std::string name = CallerUserName(caller);
  if (name.empty()) return "";
  auto boundary =
      directory_.Get<model::UserBoundary>(model::RecordKey({caller.account_id, name}));
  if (boundary == nullptr) return "";
  std::string document =
      iam::ManagedPolicyDocument(directory_, catalog_, caller.account_id, boundary->policy_arn);
  // A boundary whose policy is gone allows nothing (it cannot be deleted while in use).
  return document.empty() ? R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                            R"("NotAction":"*","Resource":"*"}})"
                          : document;
}

std::map<std::string, std::string> DirectoryPolicies::PrincipalTags(
    const auth::AccessKeyRecord& caller) const {
  std::map<std::string, std::string> tags;
  std::string name = CallerUserName(caller);
  if (name.empty()) return tags;
  if (auto user = directory_.FindUser(caller.account_id, name)) {
    for (const model::Tag& t : user->tags) tags[t.key] = t.value;
  }
  return tags;
}

ResourceInfo DirectoryPolicies::Resource(authz::ResourceForm form,
                                         const auth::AccessKeyRecord& caller,
                                         const nlohmann::json& input) const {
  using authz::ResourceForm;
  const std::string& account = caller.account_id;
  auto arn = [&](const char* type, const std::string& path, const std::string& name) {
    return model::IamArn(account, type, path, name);
  };
  ResourceInfo info;
  switch (form) {
    case ResourceForm::kUser:
    case ResourceForm::kKeyOwner: {
      std::string name = Input(input, "UserName");
      if (form == ResourceForm::kKeyOwner) {
        auto key = directory_.FindAccessKey(Input(input, "AccessKeyId"));
        name = key != nullptr && key->account_id == account ? key->user_name : "";
      }
      if (name.empty()) name = CallerUserName(caller);
      if (name.empty()) {  // the root user acting on itself
        info.arn = caller.principal_arn;
        break;
      }
      auto user = directory_.FindUser(account, name);
      info.arn = arn("user", Input(input, "Path", user ? user->path : "/"), name);
      if (user != nullptr) {
        info.tags = TagPairs(user->tags);
        if (auto b = directory_.Get<model::UserBoundary>(model::RecordKey({account, name}))) {
          info.boundary = b->policy_arn;
        }
      }
      break;
    }
    case ResourceForm::kUserPath:
      info.arn = arn("user", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kGroup: {
      std::string name = Input(input, "GroupName");
      auto group = directory_.Get<model::Group>(model::RecordKey({account, name}));
      info.arn = arn("group", Input(input, "Path", group ? group->path : "/"), name);
      break;
    }
    case ResourceForm::kGroupPath:
      info.arn = arn("group", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kRole: {
      std::string name = Input(input, "RoleName");
      auto role = directory_.Get<model::Role>(model::RecordKey({account, name}));
      info.arn = arn("role", Input(input, "Path", role ? role->path : "/"), name);
      if (role != nullptr) {
        info.tags = TagPairs(role->tags);
        info.boundary = role->permissions_boundary;
      }
      break;
    }
    case ResourceForm::kRolePath:
      info.arn = arn("role", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kPolicy: {
      info.arn = Input(input, "PolicyArn");
      if (auto policy = iam::FindCustomerPolicy(directory_, account, info.arn)) {
        info.tags = TagPairs(policy->tags);
      }
      break;
    }
    case ResourceForm::kNewPolicy:
      info.arn = arn("policy", Input(input, "Path", "/"), Input(input, "PolicyName"));
      break;
    case ResourceForm::kPolicyPath:
      info.arn = "policy path " + Input(input, "PathPrefix", "/");
      break;
    case ResourceForm::kInstanceProfile: {
      std::string name = Input(input, "InstanceProfileName");
      auto profile = directory_.Get<model::InstanceProfile>(model::RecordKey({account, name}));
      info.arn = arn("instance-profile", Input(input, "Path", profile ? profile->path : "/"), name);
      if (profile != nullptr) info.tags = TagPairs(profile->tags);
      break;
    }
    case ResourceForm::kInstanceProfilePath:
      info.arn = arn("instance-profile", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kMfa: {
      info.arn = Input(input, "SerialNumber");
      if (info.arn.empty()) {
        info.arn = arn("mfa", Input(input, "Path", "/"), Input(input, "VirtualMFADeviceName"));
      }
      std::string name = info.arn.substr(info.arn.rfind('/') + 1);
      if (auto device = directory_.Get<model::MfaDevice>(model::RecordKey({account, name}))) {
        if (device->SerialNumber() == info.arn) info.tags = TagPairs(device->tags);
      }
      break;
    }
    case ResourceForm::kServiceLinkedRole: {
      std::string service = Input(input, "AWSServiceName");
      const iam::ServiceLinkedRoleSpec* spec = iam::FindServiceLinkedRole(service);
      info.arn = spec ? arn("role", iam::ServiceLinkedRolePath(service), std::string(spec->role_name))
                      : arn("role", iam::ServiceLinkedRolePath(service), "");
      break;
    }
    case ResourceForm::kPolicySource:
      info.arn = Input(input, "PolicySourceArn");
      break;
    case ResourceForm::kAny:
    case ResourceForm::kNone:
      info.arn = "*";
      break;
  }
  return info;
}

}  // namespace gatehouse::services
