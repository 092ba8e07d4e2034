// The AWS-managed policies (arn:aws:iam::aws:policy/…), loaded from the one data file
// aws_managed_policies.json embedded at build time, and the lookups of managed policies (AWS or
// customer managed) that handlers and the authorizer share. The catalog is immutable after
// loading, so it is safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/iam_entities.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

struct AwsPolicyVersion {
  std::string id;        // "v12"
  std::string created;   // ISO 8601
  std::string document;  // JSON text
};

struct AwsManagedPolicy {
  std::string name;
  std::string arn;
  std::string path;
  std::string id;  // ANPA…
  std::string default_version;
  std::string created;  // ISO 8601
  std::string updated;
  std::string description;
  std::string document;                    // JSON text of the default version
  std::vector<AwsPolicyVersion> versions;  // newest first; holds at least the default version

  const AwsPolicyVersion* FindVersion(std::string_view version_id) const;
  // The root-task policies (path /root-task/) serve only as AssumeRoot's task policies: they
  // cannot be attached to an IAM entity nor made a permissions boundary.
  bool Attachable() const { return path != kRootTaskPath; }
  // The policies of service-linked roles (path /aws-service-role/): listed as attachable, as
  // AWS lists them, but only their services attach them, to the roles they make.
  bool ForServiceLinkedRoles() const { return path == kServiceRolePath; }

  static constexpr std::string_view kRootTaskPath = "/root-task/";
  static constexpr std::string_view kServiceRolePath = "/aws-service-role/";
};

class ManagedPolicyCatalog {
 public:
  // The catalog of the embedded data file. Fails, naming the policy, when an entry lacks a
  // field, repeats an ARN, names a default version it does not hold, or holds a document that
  // is not a valid identity policy.
  static Result<ManagedPolicyCatalog> LoadEmbedded();
  static Result<ManagedPolicyCatalog> Load(std::string_view json_text);

  const AwsManagedPolicy* Find(std::string_view arn) const;
  // Every policy, ordered by ARN.
  const std::map<std::string, AwsManagedPolicy, std::less<>>& all() const { return by_arn_; }

 private:
  std::map<std::string, AwsManagedPolicy, std::less<>> by_arn_;
};

// True for arn:aws:iam::aws:policy/… (whether or not the catalog holds it).
bool IsAwsManagedArn(std::string_view arn);

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
