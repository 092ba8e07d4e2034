#include "policy/evaluate.h"

#include <algorithm>
#include <array>

#include "core/arn.h"
#include "core/strings.h"
#include "policy/service_rules.h"
#include "policy/validate.h"

namespace gatehouse::policy {
namespace {

struct LayerResult {
  bool allow = false;
  bool deny = false;
  Grant grant = Grant::kNone;  // resource policies: the strongest way an Allow named the caller
};

// `boundary_attached`: the principal has a permissions boundary, which makes a Deny with
// NotPrincipal apply to it whatever the NotPrincipal element lists.
void EvaluatePolicy(const CompiledPolicy& policy, const Request& request, Layer layer,
                    bool boundary_attached, LayerResult& out, Explanation* explanation) {
  const size_t first_recorded = explanation != nullptr ? explanation->matched.size() : 0;
  policy.ForEachCandidate(request.service, [&](const CompiledStatement& st) {
    if (!st.Matches(request)) return;
    Grant grant = Grant::kDirect;
    if (st.principal) {
      grant = st.principal->Match(request.principal);
      if (grant == Grant::kNone) return;
    } else if (st.not_principal) {
      // Allow: everyone but a principal the element names in any way. Deny: everyone but a
      // principal all of whose identities (account, role, session / user) are listed.
      if (st.effect == Effect::kAllow) {
        if (st.not_principal->Match(request.principal) != Grant::kNone) return;
      } else if (!boundary_attached && st.not_principal->Excludes(request.principal)) {
        return;
      }
    }
    if (st.effect == Effect::kDeny) {
      out.deny = true;
    } else {
      out.allow = true;
      if (grant > out.grant) out.grant = grant;
    }
    if (explanation != nullptr) {
      explanation->matched.push_back({layer, policy.label(), st.index, st.sid, st.effect});
    }
  });
  if (explanation != nullptr) {  // candidates come by service bucket; report in document order
    std::sort(explanation->matched.begin() + first_recorded, explanation->matched.end(),
              [](const MatchedStatement& a, const MatchedStatement& b) {
                return a.statement < b.statement;
              });
  }
}

using Levels = std::vector<std::vector<const CompiledPolicy*>>;

// An organization's policies (SCPs or RCPs) on one path: denied when any level denies; `gap` is
// the first level where none allows, -1 when every level allows.
struct PathResult {
  bool deny = false;
  int gap = -1;
};

PathResult EvaluatePath(const Levels& levels, const Request& request, Layer layer,
                        bool boundary_attached, Explanation* explanation) {
  PathResult out;
  for (size_t i = 0; i < levels.size(); ++i) {
    LayerResult result;
    for (const CompiledPolicy* p : levels[i]) {
      EvaluatePolicy(*p, request, layer, boundary_attached, result, explanation);
    }
    out.deny |= result.deny;
    if (!result.allow && out.gap < 0) out.gap = static_cast<int>(i);
  }
  return out;
}

// "No service control policy at the root (scp[0]) allows the request; SCPs must allow at every
// level."
std::string GapReason(std::string_view kind, std::string_view label, std::string_view plural,
                      int gap, size_t levels) {
  std::string where = gap == 0                                 ? "the root"
                      : static_cast<size_t>(gap) + 1 == levels ? "the account"
                                                               : "OU level " + std::to_string(gap);
  return "No " + std::string(kind) + " at " + where + " (" + std::string(label) + "[" +
         std::to_string(gap) + "]) allows the request; " + std::string(plural) +
         " must allow at every level.";
}

Decision Decide(Explanation* explanation, Decision decision, Layer layer, std::string_view reason) {
  if (explanation != nullptr) {
    explanation->decided_by = layer;
    explanation->reason = reason;
  }
  return decision;
}

}  // namespace

std::string_view DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "";
}

std::string_view LayerName(Layer layer) {
  switch (layer) {
    case Layer::kRcp:
      return "rcp";
    case Layer::kScp:
      return "scp";
    case Layer::kResource:
      return "resource";
    case Layer::kIdentity:
      return "identity";
    case Layer::kBoundary:
      return "boundary";
    case Layer::kSession:
      return "session";
    case Layer::kRootUser:
      return "root";
    case Layer::kService:
      return "service";
  }
  return "";
}

bool IsTrustRequest(const Request& request) {
  if (!IsRoleTrustAction(request.action)) return false;
  std::optional<ArnView> arn = ArnView::Parse(request.resource);
  return arn && arn->service == "iam" && StartsWith(arn->resource, "role/");
}

bool IsDecidedByCallerAlone(const Request& request) { return request.action == "sts:assumeroot"; }

bool IsKeyPolicyRequest(const Request& request) {
  if (request.service != "kms") return false;
  std::optional<ArnView> arn = ArnView::Parse(request.resource);
  return arn && arn->service == "kms" && StartsWith(arn->resource, "key/");
}

bool GovernedByRcps(std::string_view action, std::string_view resource,
                    std::string_view resource_account) {
  if (resource_account.empty()) return false;
  const std::string lower = AsciiLower(action);
  const std::string_view service = std::string_view(lower).substr(0, lower.find(':'));
  if (service == "sts") {
    std::optional<ArnView> arn = ArnView::Parse(resource);
    return IsRoleTrustAction(lower) && arn && arn->service == "iam" &&
           StartsWith(arn->resource, "role/");
  }
  // The other services AWS applies RCPs to; gatehouse serves none of them, but the simulators
  // decide requests to them.
  static constexpr std::array<std::string_view, 9> kServices = {
      "s3", "kms", "sqs", "secretsmanager", "cognito-identity", "logs", "dynamodb", "ecr", "aoss"};
  return std::find(kServices.begin(), kServices.end(), service) != kServices.end();
}

bool GovernedByRcps(const Request& request) {
  return GovernedByRcps(request.action, request.resource, request.resource_account);
}

namespace {

Decision EvaluatePolicies(const Request& request, const PolicySet& policies,
                          Explanation* explanation) {
  const Principal& who = request.principal;
  const bool is_root = who.kind == PrincipalKind::kRoot;

  const bool boundary_attached = policies.boundary != nullptr;
  LayerResult identity, resource, boundary, session;
  if (!is_root) {
    for (const CompiledPolicy* p : policies.identity) {
      EvaluatePolicy(*p, request, Layer::kIdentity, boundary_attached, identity, explanation);
    }
  }
  if (policies.resource != nullptr) {
    EvaluatePolicy(*policies.resource, request, Layer::kResource, boundary_attached, resource,
                   explanation);
  }
  const bool has_boundary = policies.boundary != nullptr && !is_root;
  if (has_boundary) {
    EvaluatePolicy(*policies.boundary, request, Layer::kBoundary, boundary_attached, boundary,
                   explanation);
  }
  const bool has_session = !policies.session.empty();
  for (const CompiledPolicy* p : policies.session) {
    EvaluatePolicy(*p, request, Layer::kSession, boundary_attached, session, explanation);
  }
  // RCPs bound the resources of member accounts, whoever asks, except service-linked roles.
  const bool rcp_applies = policies.rcp.has_value() && !who.service_linked &&
                           request.resource_account != policies.management_account &&
                           GovernedByRcps(request);
  PathResult rcp;
  if (rcp_applies) {
    rcp = EvaluatePath(*policies.rcp, request, Layer::kRcp, boundary_attached, explanation);
  }
  const bool scp_applies =
      policies.scp.has_value() && who.account != policies.management_account && !who.service_linked;
  PathResult scp;
  if (scp_applies) {
    scp = EvaluatePath(*policies.scp, request, Layer::kScp, boundary_attached, explanation);
  }

  // 1. Explicit deny anywhere.
  if (rcp.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kRcp,
                  "A resource control policy explicitly denies the request.");
  }
  if (scp.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kScp,
                  "A service control policy explicitly denies the request.");
  }
  if (resource.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kResource,
                  "The resource-based policy explicitly denies the request.");
  }
  if (identity.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kIdentity,
                  "An identity-based policy explicitly denies the request.");
  }
  if (has_boundary && boundary.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kBoundary,
                  "The permissions boundary explicitly denies the request.");
  }
  if (session.deny) {
    return Decide(explanation, Decision::kExplicitDeny, Layer::kSession,
                  "A session policy explicitly denies the request.");
  }

  // 2. RCPs, then SCPs: an Allow at every level of the resource's, then the principal's,
  // organization path.
  if (rcp.gap >= 0) {
    std::string reason;
    if (explanation != nullptr) {
      reason = GapReason("resource control policy", "rcp", "RCPs", rcp.gap, policies.rcp->size());
    }
    return Decide(explanation, Decision::kImplicitDeny, Layer::kRcp, reason);
  }
  if (scp.gap >= 0) {
    std::string reason;
    if (explanation != nullptr) {
      reason = GapReason("service control policy", "scp", "SCPs", scp.gap, policies.scp->size());
    }
    return Decide(explanation, Decision::kImplicitDeny, Layer::kScp, reason);
  }

  // 3. A role's trust policy, and a KMS key's key policy, must allow explicitly.
  const bool trust = IsTrustRequest(request);
  if (trust && policies.require_trust && !resource.allow) {
    return Decide(explanation, Decision::kImplicitDeny, Layer::kResource,
                  "The role's trust policy does not allow this principal.");
  }
  if (IsKeyPolicyRequest(request) && policies.require_trust && !resource.allow) {
    return Decide(explanation, Decision::kImplicitDeny, Layer::kResource,
                  "The KMS key policy does not allow this principal (an IAM policy alone never "
                  "grants access to a key).");
  }

  const bool same_account = request.resource_account.empty() ||
                            request.resource_account == who.account ||
                            IsDecidedByCallerAlone(request);
  // The principal's own side: identity policies, then boundary, then session policies.
  auto principal_side = [&](bool resource_stands_for_identity) -> std::optional<Decision> {
    if (is_root) return std::nullopt;
    if (!identity.allow && !resource_stands_for_identity) {
      return Decide(explanation, Decision::kImplicitDeny, Layer::kIdentity,
                    "No identity-based policy allows the request.");
    }
    if (has_boundary && !boundary.allow) {
      return Decide(explanation, Decision::kImplicitDeny, Layer::kBoundary,
                    "The permissions boundary does not allow the request.");
    }
    // Federated users get their permissions only through the session policy of
    // GetFederationToken; without one they have none.
    if ((has_session || who.kind == PrincipalKind::kFederatedUser) && !session.allow) {
      return Decide(explanation, Decision::kImplicitDeny, Layer::kSession,
                    "No session policy allows the request.");
    }
    return std::nullopt;
  };

  if (same_account) {
    // A trust policy that names the caller directly replaces the identity policies, but the
    // caller's permissions boundary and session policies still bound sts:AssumeRole.
    if (trust && resource.allow && resource.grant == Grant::kDirect && !is_root) {
      if (auto denied = principal_side(true)) return *denied;
      return Decide(explanation, Decision::kAllow, Layer::kResource,
                    "The role's trust policy names the principal.");
    }
    if (resource.allow && resource.grant == Grant::kDirect) {
      return Decide(explanation, Decision::kAllow, Layer::kResource,
                    "The resource-based policy allows the principal directly.");
    }
    if (is_root) {
      return Decide(explanation, Decision::kAllow, Layer::kRootUser,
                    "The root user has full access to its own account.");
    }
    const bool role_grant = resource.allow && resource.grant == Grant::kRoleArn;
    if (auto denied = principal_side(role_grant)) return *denied;
    return Decide(explanation, Decision::kAllow,
                  identity.allow ? Layer::kIdentity : Layer::kResource,
                  identity.allow ? "Identity-based policies allow the request."
                                 : "The resource-based policy allows the principal's role.");
  }

  // Cross-account: both sides must allow (but a trust policy the simulator was not given is
  // unknown: the caller's side decides alone, as in one account).
  if (auto denied = principal_side(false)) return *denied;
  if (!resource.allow && trust && !policies.require_trust) {
    return Decide(explanation, Decision::kAllow, Layer::kIdentity,
                  "The caller's policies allow; the role's trust policy was not given.");
  }
  if (!resource.allow) {
    return Decide(explanation, Decision::kImplicitDeny, Layer::kResource,
                  "Cross-account request: no resource-based policy of the resource's account "
                  "allows the principal.");
  }
  return Decide(explanation, Decision::kAllow, Layer::kResource,
                "Cross-account request allowed by the principal's policies and the "
                "resource-based policy.");
}

}  // namespace

Decision Evaluate(const Request& request, const PolicySet& policies, Explanation* explanation) {
  const ServiceRule rule = ServiceRuleFor(request);
  if (rule == ServiceRule::kAlwaysAllowed) {
    return Decide(explanation, Decision::kAllow, Layer::kService,
                  ServiceRuleMessage(rule, request.resource));
  }
  const Decision decision = EvaluatePolicies(request, policies, explanation);
  if (decision != Decision::kAllow || rule == ServiceRule::kNone) return decision;
  return Decide(explanation, Decision::kImplicitDeny, Layer::kService,
                ServiceRuleMessage(rule, request.resource));
}

}  // namespace gatehouse::policy
