// Evaluate: AWS's policy evaluation logic for one request, as the IAM User Guide describes it
// ("Policy evaluation logic" and its cross-account, SCP, permissions-boundary and session-policy
// pages):
//   1. an explicit Deny in any applicable policy wins;
//   1a. RCPs (on requests to the resources of the services they govern, in a member account)
//      need an Allow at every level of the *resource's* account's organization path;
//   2. SCPs (unless the principal belongs to the management account or is a service-linked
//      role) need an Allow at every level from the root through each OU to the account;
//   3. within one account a resource-based policy that names the user, the role session or
//      everyone allows on its own; naming the role stands in for the identity policies but stays
//      bounded by the permissions boundary and session policies; naming the account delegates to
//      the identity policies. A role trust policy must allow in every case;
//   4. identity-based policies, then the permissions boundary, then session policies must allow;
//   5. across accounts, the principal's side (steps 1–2 and 4) and the resource policy must both
//      allow.
// A KMS key's key policy must allow as a role's trust policy must (naming the account delegates
// to the identity policies). The account's root user needs no identity policy in its own
// account. Last, the service's own rules (policy/service_rules.h): sts:GetCallerIdentity is
// always allowed, and what the policies allow on a protected role or an AWS managed policy is
// still refused.
// Pure and thread-safe; allocates nothing unless an Explanation is requested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "policy/request.h"

namespace gatehouse::policy {

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };
std::string_view DecisionName(Decision d);  // "Allow", "ExplicitDeny", "ImplicitDeny"

// The policies that apply to one request. Pointers are borrowed for the call.
struct PolicySet {
  std::vector<const CompiledPolicy*> identity;  // user + its groups, or the role
  const CompiledPolicy* resource = nullptr;     // resource-based or trust policy
  const CompiledPolicy* boundary = nullptr;     // permissions boundary
  std::vector<const CompiledPolicy*> session;   // session policies; empty: none
  // SCPs on the principal's organization path: [root level, OU levels outermost first…,
  // account level]; nullopt when the principal's account is in no organization.
  std::optional<std::vector<std::vector<const CompiledPolicy*>>> scp;
  // RCPs on the organization path of the resource's account, levels as for `scp`; nullopt when
  // the resource's account is in no organization with RCPs enabled. They apply only to the
  // requests GovernedByRcps names, never to a resource of `management_account`.
  std::optional<std::vector<std::vector<const CompiledPolicy*>>> rcp;
  std::string management_account;
  // False only where the trust policy is not known (the IAM policy simulator without a
  // ResourcePolicy, which AWS evaluates on the identity side alone, across accounts too).
  bool require_trust = true;
};

// kService: a rule of the service itself (policy/service_rules.h), not a policy.
enum class Layer { kRcp, kScp, kResource, kIdentity, kBoundary, kSession, kRootUser, kService };
std::string_view LayerName(Layer layer);

struct MatchedStatement {
  Layer layer;
  std::string policy;  // the policy's label
  uint32_t statement;
  std::string sid;
  Effect effect;
};

struct Explanation {
  std::vector<MatchedStatement> matched;  // every statement that applied, in evaluation order
  Layer decided_by = Layer::kIdentity;    // the layer at which the decision was made
  std::string reason;                     // one sentence
};

Decision Evaluate(const Request& request, const PolicySet& policies,
                  Explanation* explanation = nullptr);

// True for the actions a role trust policy governs, on a role.
bool IsTrustRequest(const Request& request);
// True for a KMS action on a key, which its key policy must allow.
bool IsKeyPolicyRequest(const Request& request);
// True for sts:AssumeRoot: the member account's root user it names has no policy to consult (the
// organization, which the operation checks, stands for it), so the caller's side decides alone,
// as within one account.
bool IsDecidedByCallerAlone(const Request& request);

// True for a request that resource control policies govern: one to a resource of a service AWS
// applies RCPs to (for STS, the role-trust actions on a role), in a named account.
bool GovernedByRcps(const Request& request);
bool GovernedByRcps(std::string_view action, std::string_view resource,
                    std::string_view resource_account);

}  // namespace gatehouse::policy
