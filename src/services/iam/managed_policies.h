// The AWS-managed policies (arn:aws:iam::aws:policy/…), loaded from the one data file
// aws_managed_policies.json embedded at build time. Immutable after loading; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/iam_entities.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

struct AwsManagedPolicy {
  std::string name;
  std::string arn;
  std::string path;
  std::string id;
  std::string default_version;
  std::string created;  // ISO 8601
  std::string updated;
  std::string description;
  std::string document;  // JSON text of the default version
};

class ManagedPolicyCatalog {
 public:
  static Result<ManagedPolicyCatalog> LoadEmbedded();
  const AwsManagedPolicy* Find(std::string_view arn) const;
  // Every policy, ordered by ARN.
  const std::map<std::string, AwsManagedPolicy, std::less<>>& all() const { return by_arn_; }

 private:
  std::map<std::string, AwsManagedPolicy, std::less<>> by_arn_;
};

// The customer managed policy `arn` of `account`; null when there is none.
std::shared_ptr<const model::ManagedPolicy> FindCustomerPolicy(const store::Directory& directory,
                                                               std::string_view account,
                                                               std::string_view arn);

// The document of the default version of managed policy `arn` (AWS or customer managed) as
// `account` sees it; "" when there is no such policy.
std::string ManagedPolicyDocument(const store::Directory& directory,
                                  const ManagedPolicyCatalog& catalog, std::string_view account,
                                  std::string_view arn);

}  // namespace gatehouse::services::iam
