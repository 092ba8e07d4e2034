#include "authz/authorizer.h"

#include "policy/request.h"

namespace gatehouse::authz {
namespace {

constexpr size_t kMaxCachedPolicies = 100000;

std::string Denial(const AuthzRequest& r, const policy::Principal& p, policy::Decision decision,
                   const policy::Explanation& why) {
  std::string who = p.kind == policy::PrincipalKind::kRoot ? "Root" : "User";
  std::string head = who + ": " + r.principal_arn + " is not authorized to perform: " +
                     r.action + " on resource: " + r.resource;
  std::string layer;
  switch (why.decided_by) {
    case policy::Layer::kScp: layer = "service control policy"; break;
    case policy::Layer::kResource: layer = "resource-based policy"; break;
    case policy::Layer::kBoundary: layer = "permissions boundary"; break;
    case policy::Layer::kSession: layer = "session policy"; break;
    default: layer = "identity-based policy"; break;
  }
  if (decision == policy::Decision::kExplicitDeny) {
    return head + " with an explicit deny in " + (layer[0] == 'i' ? "an " : "a ") + layer;
  }
  return head + " because no " + layer + " allows the " + r.action + " action";
}

}  // namespace

std::shared_ptr<const policy::CompiledPolicy> Authorizer::Compile(const std::string& document) {
  {
    std::shared_lock lock(mu_);
    auto it = compiled_.find(document);
    if (it != compiled_.end()) return it->second;
  }
  // Stored documents were validated when written; one that no longer parses grants nothing.
  Result<policy::CompiledPolicy> compiled =
      policy::CompiledPolicy::FromText(document, policy::PolicyKind::kIdentity, "identity");
  if (!compiled.ok()) return nullptr;
  auto shared = std::make_shared<const policy::CompiledPolicy>(std::move(compiled).value());
  std::unique_lock lock(mu_);
  if (compiled_.size() >= kMaxCachedPolicies) compiled_.clear();
  compiled_.emplace(document, shared);
  return shared;
}


Status Authorizer::Authorize(const AuthzRequest& r) {
  Result<policy::Principal> principal = policy::Principal::FromArn(r.principal_arn);
  if (!principal.ok()) return Status(ErrorCode::kAccessDenied, principal.status().message());
  policy::PrincipalAttributes attributes;
  attributes.tags = r.principal_tags;
  if (!r.user_id.empty()) attributes.user_id = r.user_id;
  policy::ContextKeys context;
  if (!r.source_ip.empty()) context.Set("aws:SourceIp", {r.source_ip});
  context.Set("aws:SecureTransport", {r.secure_transport ? "true" : "false"});
  if (!r.region.empty()) context.Set("aws:RequestedRegion", {r.region});
  for (const auto& [key, values] : r.context) context.Set(key, values);
  policy::Request request =
      policy::MakeRequest(std::move(principal).value(), attributes, r.action, r.resource,
                          r.resource_account, std::move(context), r.now_ms);

  std::vector<std::shared_ptr<const policy::CompiledPolicy>> held;
  policy::PolicySet set;
  for (const std::string& document : r.identity_policies) {
    if (auto compiled = Compile(document)) {
      set.identity.push_back(compiled.get());
      held.push_back(std::move(compiled));
    }
  }
  if (!r.boundary_policy.empty()) {
    // A boundary that no longer parses allows nothing, as a missing policy would.
    auto compiled = Compile(r.boundary_policy);
    if (compiled == nullptr) {
      compiled = Compile(
          R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"*","Resource":"*"}})");
    }
    set.boundary = compiled.get();
    held.push_back(std::move(compiled));
  }
  policy::Explanation why;
  policy::Decision decision = policy::Evaluate(request, set, &why);
  if (decision == policy::Decision::kAllow) return Status::Ok();
  return Status(ErrorCode::kAccessDenied, Denial(r, request.principal, decision, why));
}

}  // namespace gatehouse::authz
