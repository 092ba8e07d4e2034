// The AWS-managed policies (arn:aws:iam::aws:policy/…), loaded from the one data file
// aws_managed_policies.json embedded at build time. Immutable after loading; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

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

 private:
  std::map<std::string, AwsManagedPolicy, std::less<>> by_arn_;
};

}  // namespace gatehouse::services::iam
