#include "authz/authorizer.h"

#include "core/time_format.h"
#include "policy/request.h"
#include "policy/service_rules.h"

namespace gatehouse::authz {
namespace {

constexpr size_t kMaxCachedPolicies = 100000;

// What a permissions boundary that cannot be read allows: nothing.
constexpr char kAllowNothing[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"*","Resource":"*"}})";

// What a stored policy that no longer compiles stands for: an explicit deny of everything, so
// that a Deny it held can never be lost with it (nothing fails open).
constexpr char kDenyEverything[] =
    R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}})";

std::string Denial(const AuthzRequest& r, const policy::Request& request, policy::Decision decision,
                   const policy::Explanation& why) {
  std::string who = request.principal.kind == policy::PrincipalKind::kRoot ? "Root" : "User";
  std::string head = who + ": " + r.principal_arn + " is not authorized to perform: " + r.action +
                     " on resource: " + r.resource;
  // A role's trust policy refusing (or a role that does not exist) is not explained: AWS
  // reveals neither.
  if (why.decided_by == policy::Layer::kResource && policy::IsTrustRequest(request)) return head;
  std::string layer;
  switch (why.decided_by) {
    case policy::Layer::kRcp:
      layer = "resource control policy";
      break;
    case policy::Layer::kScp:
      layer = "service control policy";
      break;
    case policy::Layer::kResource:
      layer = "resource-based policy";
      break;
    case policy::Layer::kBoundary:
      layer = "permissions boundary";
      break;
    case policy::Layer::kSession:
      layer = "session policy";
      break;
    default:
      layer = "identity-based policy";
      break;
  }
  if (decision == policy::Decision::kExplicitDeny) {
    return head + " with an explicit deny in " + (layer[0] == 'i' ? "an " : "a ") + layer;
  }
  return head + " because no " + layer + " allows the " + r.action + " action";
}

// The refusal of a request: the service's own error for one of its rules (UnmodifiableEntity
// for a protected role), AccessDenied in AWS's words otherwise.
Status Refusal(const AuthzRequest& r, const policy::Request& request, policy::Decision decision,
               const policy::Explanation& why) {
  if (why.decided_by == policy::Layer::kService) {
    policy::ServiceRule rule = policy::ServiceRuleFor(request);
    return Status(rule == policy::ServiceRule::kProtectedRole ? ErrorCode::kUnmodifiableEntity
                                                              : ErrorCode::kAccessDenied,
                  policy::ServiceRuleMessage(rule, r.resource));
  }
  return Status(ErrorCode::kAccessDenied, Denial(r, request, decision, why));
}

}  // namespace

std::shared_ptr<const policy::CompiledPolicy> Authorizer::Compile(const std::string& document,
                                                                  policy::PolicyKind kind,
                                                                  const std::string& label) {
  // The label is part of the key: explanations name the policy by it.
  std::string key = label + '\n' + document;
  {
    std::shared_lock lock(mu_);
    auto it = compiled_.find(key);
    if (it != compiled_.end()) return it->second;
  }
  // Stored documents were validated when written; one that no longer parses grants nothing.
  Result<policy::CompiledPolicy> compiled = policy::CompiledPolicy::FromText(document, kind, label);
  if (!compiled.ok()) return nullptr;
  auto shared = std::make_shared<const policy::CompiledPolicy>(std::move(compiled).value());
  std::unique_lock lock(mu_);
  if (compiled_.size() >= kMaxCachedPolicies) compiled_.clear();
  compiled_.emplace(std::move(key), shared);
  return shared;
}

std::shared_ptr<const policy::CompiledPolicy> Authorizer::CompileOrDeny(const std::string& document,
                                                                        policy::PolicyKind kind,
                                                                        const std::string& label) {
  if (auto compiled = Compile(document, kind, label)) return compiled;
  return Compile(kDenyEverything,
                 kind == policy::PolicyKind::kScp ? kind : policy::PolicyKind::kIdentity, label);
}

std::vector<std::vector<const policy::CompiledPolicy*>> Authorizer::CompileLevels(
    const std::vector<std::vector<SourcedPolicy>>& levels, policy::PolicyKind kind,
    const std::string& label, std::vector<std::shared_ptr<const policy::CompiledPolicy>>& held) {
  std::vector<std::vector<const policy::CompiledPolicy*>> out;
  out.reserve(levels.size());
  for (size_t level = 0; level < levels.size(); ++level) {
    out.emplace_back();
    for (size_t i = 0; i < levels[level].size(); ++i) {
      auto compiled =
          CompileOrDeny(levels[level][i].document, kind,
                        label + "[" + std::to_string(level) + "][" + std::to_string(i) + "]");
      out.back().push_back(compiled.get());
      held.push_back(std::move(compiled));
    }
  }
  return out;
}

Result<Evaluation> Authorizer::Evaluate(const AuthzRequest& r) {
  Result<policy::Principal> principal = policy::Principal::FromArn(r.principal_arn);
  if (!principal.ok()) return principal.status();
  return Evaluate(r, std::move(principal).value());
}

Evaluation Authorizer::Evaluate(const AuthzRequest& r, policy::Principal principal) {
  policy::PrincipalAttributes attributes;
  attributes.tags = r.principal_tags;
  if (!r.user_id.empty()) attributes.user_id = r.user_id;
  if (!r.role_arn.empty()) principal.SetRoleArn(r.role_arn);
  attributes.mfa = r.mfa;
  attributes.mfa_age_seconds = r.mfa_age_seconds;
  attributes.source_identity = r.source_identity;
  attributes.org_id = r.principal_org_id;
  attributes.org_path = r.principal_org_path;
  policy::ContextKeys context;
  if (r.simulated) {
    // Unknown unless the simulator's context entries give them (an empty key is a missing one).
    context.Set("aws:CurrentTime", {});
    context.Set("aws:EpochTime", {});
  } else {
    if (!r.source_ip.empty()) context.Set("aws:SourceIp", {r.source_ip});
    context.Set("aws:SecureTransport", {r.secure_transport ? "true" : "false"});
    if (!r.region.empty()) context.Set("aws:RequestedRegion", {r.region});
    if (r.token_issue_ms) context.Set("aws:TokenIssueTime", {FormatIsoTime(*r.token_issue_ms)});
    if (r.assumed_root) context.Set("aws:AssumedRoot", {"true"});
  }
  for (const auto& [key, values] : r.context) context.Set(key, values);
  Evaluation out;
  out.request = policy::MakeRequest(std::move(principal), attributes, r.action, r.resource,
                                    r.resource_account, std::move(context), r.now_ms);

  std::vector<std::shared_ptr<const policy::CompiledPolicy>> held;
  policy::PolicySet set;
  for (size_t i = 0; i < r.policies.identity.size(); ++i) {
    auto compiled = CompileOrDeny(r.policies.identity[i].document, policy::PolicyKind::kIdentity,
                                  "identity[" + std::to_string(i) + "]");
    set.identity.push_back(compiled.get());
    held.push_back(std::move(compiled));
  }
  if (r.policies.boundary) {
    // A boundary whose policy is gone (document "") or no longer parses allows nothing.
    auto compiled =
        Compile(r.policies.boundary->document, policy::PolicyKind::kIdentity, "boundary");
    if (compiled == nullptr)
      compiled = Compile(kAllowNothing, policy::PolicyKind::kIdentity, "boundary");
    set.boundary = compiled.get();
    held.push_back(std::move(compiled));
  }
  if (r.policies.session) {
    // Session policies that cannot be read (or none, for a federated user) allow nothing.
    for (size_t i = 0; i < r.policies.session->size(); ++i) {
      auto compiled =
          CompileOrDeny((*r.policies.session)[i].document, policy::PolicyKind::kIdentity,
                        "session[" + std::to_string(i) + "]");
      set.session.push_back(compiled.get());
      held.push_back(std::move(compiled));
    }
    if (set.session.empty()) {
      auto nothing = Compile(kAllowNothing, policy::PolicyKind::kIdentity, "session");
      set.session.push_back(nothing.get());
      held.push_back(std::move(nothing));
    }
  }
  if (r.scps) {
    set.scp = CompileLevels(*r.scps, policy::PolicyKind::kScp, "scp", held);
    set.management_account = r.management_account;
  }
  if (r.rcps) set.rcp = CompileLevels(*r.rcps, policy::PolicyKind::kRcp, "rcp", held);
  if (!r.resource_policy.empty()) {
    policy::PolicyKind kind = policy::IsTrustRequest(out.request) ? policy::PolicyKind::kTrust
                                                                  : policy::PolicyKind::kResource;
    // One that cannot be read grants nothing (and a trust policy must grant).
    if (auto compiled = Compile(r.resource_policy, kind, "resource")) {
      set.resource = compiled.get();
      held.push_back(std::move(compiled));
    }
  }
  // The simulator without a ResourcePolicy decides a role's sts:AssumeRole on the caller's
  // side alone, as AWS's does; enforcement always requires the trust policy.
  set.require_trust = !(r.simulated && r.resource_policy.empty());
  out.decision = policy::Evaluate(out.request, set, &out.explanation);
  return out;
}

Status Authorizer::Authorize(const AuthzRequest& r, Evaluation* out) {
  Result<Evaluation> evaluation = Evaluate(r);
  if (!evaluation.ok()) return Status(ErrorCode::kAccessDenied, evaluation.status().message());
  Status s = evaluation->decision == policy::Decision::kAllow
                 ? Status::Ok()
                 : Refusal(r, evaluation->request, evaluation->decision, evaluation->explanation);
  if (out != nullptr) *out = std::move(evaluation).value();
  return s;
}

}  // namespace gatehouse::authz
