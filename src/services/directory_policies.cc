#include "services/directory_policies.h"

namespace gatehouse::services {

std::vector<std::string> DirectoryPolicies::IdentityPolicies(
    const auth::AccessKeyRecord& caller) const {
  std::vector<std::string> documents;
  size_t slash = caller.principal_arn.rfind('/');
  if (caller.principal_arn.find(":user/") == std::string::npos) return documents;  // root
  std::string name = caller.principal_arn.substr(slash + 1);
  for (const auto& p : directory_.UserPolicies(caller.account_id, name)) {
    documents.push_back(p->document);
  }
  for (const std::string& arn : directory_.UserAttachedPolicies(caller.account_id, name)) {
    if (const iam::AwsManagedPolicy* managed = catalog_.Find(arn)) {
      documents.push_back(managed->document);
    }
  }
  return documents;
}

std::map<std::string, std::string> DirectoryPolicies::PrincipalTags(
    const auth::AccessKeyRecord& caller) const {
  std::map<std::string, std::string> tags;
  if (caller.principal_arn.find(":user/") == std::string::npos) return tags;
  auto user = directory_.FindUser(caller.account_id,
                                  caller.principal_arn.substr(caller.principal_arn.rfind('/') + 1));
  if (user != nullptr) {
    for (const model::Tag& t : user->tags) tags[t.key] = t.value;
  }
  return tags;
}

std::string DirectoryPolicies::KeyOwner(std::string_view account, std::string_view id) const {
  auto key = directory_.FindAccessKey(id);
  return key != nullptr && key->account_id == account ? key->user_name : "";
}

std::string DirectoryPolicies::UserPath(std::string_view account, std::string_view name) const {
  auto user = directory_.FindUser(account, name);
  return user ? user->path : "/";
}

}  // namespace gatehouse::services
