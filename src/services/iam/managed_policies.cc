#include "services/iam/managed_policies.h"

#include <nlohmann/json.hpp>

#include "policy/parse.h"

namespace gatehouse::services::iam {

extern const char kAwsManagedPoliciesJson[];

Result<ManagedPolicyCatalog> ManagedPolicyCatalog::LoadEmbedded() {
  nlohmann::json root = nlohmann::json::parse(kAwsManagedPoliciesJson, nullptr, false);
  if (root.is_discarded()) {
    return Status(ErrorCode::kInternalFailure, "aws_managed_policies.json is not JSON");
  }
  ManagedPolicyCatalog catalog;
  for (const auto& p : root.at("policies")) {
    AwsManagedPolicy policy;
    policy.name = p.at("name");
    policy.path = p.at("path");
    policy.arn = "arn:aws:iam::aws:policy" + policy.path + policy.name;
    policy.id = p.at("id");
    policy.default_version = p.at("defaultVersion");
    policy.created = p.at("created");
    policy.updated = p.at("updated");
    policy.description = p.at("description");
    policy.document = p.at("document").dump();
    if (Result<policy::Document> valid =
            policy::ParsePolicy(policy.document, policy::PolicyKind::kIdentity);
        !valid.ok()) {
      return Status(ErrorCode::kInternalFailure,
                    policy.name + ": " + valid.status().message());
    }
    catalog.by_arn_.emplace(policy.arn, std::move(policy));
  }
  return catalog;
}

const AwsManagedPolicy* ManagedPolicyCatalog::Find(std::string_view arn) const {
  auto it = by_arn_.find(arn);
  return it == by_arn_.end() ? nullptr : &it->second;
}

std::shared_ptr<const model::ManagedPolicy> FindCustomerPolicy(const store::Directory& directory,
                                                               std::string_view account,
                                                               std::string_view arn) {
  std::string prefix = "arn:aws:iam::" + std::string(account) + ":policy/";
  if (arn.substr(0, prefix.size()) != prefix) return nullptr;
  std::string_view name = arn.substr(arn.rfind('/') + 1);
  auto policy = directory.Get<model::ManagedPolicy>(model::RecordKey({account, name}));
  return policy != nullptr && policy->Arn() == arn ? policy : nullptr;
}

std::string ManagedPolicyDocument(const store::Directory& directory,
                                  const ManagedPolicyCatalog& catalog, std::string_view account,
                                  std::string_view arn) {
  if (const AwsManagedPolicy* aws = catalog.Find(arn)) return aws->document;
  if (auto customer = FindCustomerPolicy(directory, account, arn)) {
    if (const model::PolicyVersion* v = customer->DefaultVersion()) return v->document;
  }
  return "";
}

}  // namespace gatehouse::services::iam
