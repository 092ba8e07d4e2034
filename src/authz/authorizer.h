// Authorizer: decides one request with the policy engine and AWS's evaluation logic. The API's
// enforcement (Authorize, which words a refusal as AWS does: "User: arn:… is not authorized to
// perform: iam:ListUsers on resource: arn:… because no identity-based policy allows the
// iam:ListUsers action") and the policy simulator (iam:SimulatePrincipalPolicy,
// iam:SimulateCustomPolicy) both go through Evaluate, so the two never disagree.
// It compiles each distinct policy document once and keeps it (bounded cache). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "policy/compiled_policy.h"
#include "policy/evaluate.h"

namespace gatehouse::authz {

// A policy document and where it comes from, in the policy simulator's words.
struct SourcedPolicy {
  std::string document;
  // SourcePolicyId: a managed policy's name, "user_NAME_POLICY" (role_, group_) for an inline
  // policy, "PolicyInputList.N" for a policy passed to the simulator.
  std::string id;
};

// A principal's identity-based policies (a user's own, then its groups', or a role's), its
// permissions boundary, and the session policies of temporary credentials: nullopt when the
// session has none; an empty list allows nothing (a federated user given no policy).
struct PrincipalPolicies {
  std::vector<SourcedPolicy> identity;
  std::optional<SourcedPolicy> boundary;
  std::optional<std::vector<SourcedPolicy>> session;
};

struct AuthzRequest {
  std::string principal_arn;
  std::string user_id;
  // An assumed role's ARN with its path (aws:PrincipalArn); "" to derive it from principal_arn.
  std::string role_arn;
  std::map<std::string, std::string> principal_tags;
  // The principal's organization and its account's path in it (policy::PrincipalAttributes).
  std::string principal_org_id;
  std::string principal_org_path;
  PrincipalPolicies policies;
  // The SCPs on the principal's organization path (see policy::PolicySet::scp): nullopt when
  // its account is in no organization with SCPs enabled.
  std::optional<std::vector<std::vector<SourcedPolicy>>> scps;
  std::string management_account;
  // The RCPs on the organization path of the resource's account (policy::PolicySet::rcp), for a
  // request they govern; nullopt otherwise.
  std::optional<std::vector<std::vector<SourcedPolicy>>> rcps;
  // What temporary credentials know of their principal (aws:MultiFactorAuthPresent,
  // aws:MultiFactorAuthAge, aws:SourceIdentity, aws:TokenIssueTime, aws:AssumedRoot); unset for
  // long-term keys.
  std::optional<bool> mfa;
  std::optional<int64_t> mfa_age_seconds;
  std::optional<std::string> source_identity;
  std::optional<int64_t> token_issue_ms;
  // A session of sts:AssumeRoot: aws:AssumedRoot is "true" (absent for every other caller).
  bool assumed_root = false;
  std::string resource_policy;  // a resource-based (or role trust) policy's document, or ""
  std::string action;           // "iam:CreateUser"
  std::string resource;         // ARN or "*"
  std::string resource_account;
  // Condition keys the operation adds (aws:RequestTag/…, iam:PolicyARN, …), or the simulator's
  // context entries.
  std::vector<std::pair<std::string, std::vector<std::string>>> context;
  // A simulated request knows only `context` and its principal: no transport keys
  // (aws:SourceIp, aws:SecureTransport, aws:RequestedRegion) and no aws:CurrentTime or
  // aws:EpochTime unless `context` gives them.
  bool simulated = false;
  std::string source_ip;
  bool secure_transport = false;
  std::string region;
  int64_t now_ms = 0;
};

// The outcome of one request with the request as evaluated. Matched statements name their policy
// "identity[i]" (policies.identity[i]), "boundary", "session[i]", "scp[level][i]",
// "rcp[level][i]" or "resource".
struct Evaluation {
  policy::Request request;
  policy::Decision decision = policy::Decision::kImplicitDeny;
  policy::Explanation explanation;
};

class Authorizer {
 public:
  // AccessDenied, in AWS's words, unless the request is allowed. `evaluation`, when given,
  // receives how the request was decided (for the debug log).
  Status Authorize(const AuthzRequest& request, Evaluation* evaluation = nullptr);

  // InvalidInput when request.principal_arn names no principal.
  Result<Evaluation> Evaluate(const AuthzRequest& request);
  // The same with the principal given (the simulator's principal may be an unnamed user).
  Evaluation Evaluate(const AuthzRequest& request, policy::Principal principal);

 private:
  std::shared_ptr<const policy::CompiledPolicy> Compile(const std::string& document,
                                                        policy::PolicyKind kind,
                                                        const std::string& label);
  // Each level's policies compiled (or denying everything), labelled "scp[level][i]"; `held`
  // keeps them alive for the evaluation.
  std::vector<std::vector<const policy::CompiledPolicy*>> CompileLevels(
      const std::vector<std::vector<SourcedPolicy>>& levels, policy::PolicyKind kind,
      const std::string& label, std::vector<std::shared_ptr<const policy::CompiledPolicy>>& held);
  // Compile, or an explicit deny of everything for a document that does not compile.
  std::shared_ptr<const policy::CompiledPolicy> CompileOrDeny(const std::string& document,
                                                              policy::PolicyKind kind,
                                                              const std::string& label);

  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const policy::CompiledPolicy>> compiled_;
};

}  // namespace gatehouse::authz
