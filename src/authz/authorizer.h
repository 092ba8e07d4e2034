// Authorizer: decides one API request with the policy engine and AWS's evaluation logic, and
// words a refusal as AWS does ("User: arn:… is not authorized to perform: iam:ListUsers on
// resource: arn:… because no identity-based policy allows the iam:ListUsers action").
// It compiles each distinct policy document once and keeps it (bounded cache). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "policy/compiled_policy.h"
#include "policy/evaluate.h"

namespace gatehouse::authz {

struct AuthzRequest {
  std::string principal_arn;
  std::string user_id;
  std::map<std::string, std::string> principal_tags;
  std::vector<std::string> identity_policies;  // documents: the user's inline and managed
  std::string boundary_policy;                  // the permissions boundary's document, or ""
  std::string action;                           // "iam:CreateUser"
  std::string resource;                         // ARN or "*"
  std::string resource_account;
  // Condition keys the operation adds (aws:RequestTag/…, iam:PolicyARN, …).
  std::vector<std::pair<std::string, std::vector<std::string>>> context;
  std::string source_ip;
  bool secure_transport = false;
  std::string region;
  int64_t now_ms = 0;
};

class Authorizer {
 public:
  Status Authorize(const AuthzRequest& request);

 private:
  std::shared_ptr<const policy::CompiledPolicy> Compile(const std::string& document);

  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> compiled_;
};

}  // namespace gatehouse::authz
