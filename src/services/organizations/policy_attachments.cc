// organizations: AttachPolicy, DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy.
// Attaching and detaching act on two resources, the policy and its target, and AWS authorizes
// the caller for both, so these handlers authorize for themselves (kHandler). An attachment is
// keyed by organization, target and policy: a target's policies are one scan, a policy's
// targets a scan of the organization's attachments.
#include "services/iam/pagination.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organization_resources.h"
#include "services/organizations/organizations_context.h"
#include "services/request_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

Status TargetNotFound() {
  return Status(ErrorCode::kTargetNotFoundException,
                "We can't find a root, OU, account, or policy with the TargetId that you "
                "specified.");
}

// The caller must be allowed `action` on the policy and on the target the input names.
Status AuthorizeBoth(const store::Directory& dir, const OperationContext& c,
                     const std::string& action) {
  for (authz::ResourceForm form :
       {authz::ResourceForm::kOrgPolicy, authz::ResourceForm::kOrgTarget}) {
    ResourceInfo resource = OrganizationResource(dir, form, c.caller.account_id, c.input);
    authz::AuthzRequest az = *c.caller_request;
    az.action = action;
    az.resource = resource.arn;
    az.resource_account = c.caller.account_id;
    az.context = RequestContextKeys(c.input, resource);
    if (Status s = c.authorize(az); !s.ok()) return s;
  }
  return Status::Ok();
}

// What AttachPolicy and DetachPolicy act on, found after authorization.
struct AttachmentInput {
  Membership membership;
  std::shared_ptr<const model::OrganizationPolicy> policy;
  Node target;
  // The policies of the policy's type attached to the target.
  size_t attached_of_type = 0;
  bool attached = false;
};

Result<AttachmentInput> ReadAttachment(const store::Directory& dir, const OperationContext& c,
                                       const std::string& action) {
  if (Status s = AuthorizeBoth(dir, c, action); !s.ok()) return s;
  Result<Membership> m = ManagementMembership(dir, c);
  if (!m.ok()) return m.status();
  const model::Organization& o = *m->organization;
  auto policy = FindPolicy(dir, o, c.input.at("PolicyId").get<std::string>());
  if (policy == nullptr) return PolicyNotFound();
  std::optional<Node> target = FindNode(dir, o, c.input.at("TargetId").get<std::string>());
  if (!target) return TargetNotFound();
  AttachmentInput in{*std::move(m), std::move(policy), *std::move(target), 0, false};
  for (const auto& a : dir.Scan<model::PolicyAttachment>(o.id + "/" + in.target.id + "/")) {
    if (a->policy_type == in.policy->type) ++in.attached_of_type;
    if (a->policy_id == in.policy->id) in.attached = true;
  }
  return in;
}

void RegisterAttaching(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "AttachPolicy", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<AttachmentInput> in = ReadAttachment(dir, c, "organizations:AttachPolicy");
    if (!in.ok()) return in.status();
    const model::Organization& o = *in->membership.organization;
    const model::OrganizationPolicy& policy = *in->policy;
    if (!IsPolicyTypeEnabled(o, policy.type)) {
      return Status(ErrorCode::kPolicyTypeNotEnabledException,
                    "The specified policy type isn't currently enabled in this root.");
    }
    if (in->attached) {
      return Status(ErrorCode::kDuplicatePolicyAttachmentException,
                    "The selected policy is already attached to the specified target.");
    }
    const bool limited = IsAuthorizationPolicyType(policy.type);
    if (limited && in->attached_of_type >= kMaxAuthorizationPoliciesPerTarget) {
      return Status(ErrorCode::kConstraintViolationException,
                    "You attempted to exceed the number of policies of a certain type that can "
                    "be attached to an entity at one time.",
                    "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    }
    model::PolicyAttachment attachment{o.id, in->target.id, policy.id, policy.type};
    // The organization (its enabled types), the policy (unless AWS's own, which is never
    // stored nor deleted) and the target as read, and the SCP or RCP quota still met when the
    // attachment is written.
    store::WriteBatch batch{{store::Put<model::PolicyAttachment>{attachment, /*create=*/true}},
                            {store::Unchanged(o), NodeUnchanged(dir, o, in->target)}};
    if (limited) {
      batch.preconditions.push_back(store::ExpectFewer<model::PolicyAttachment>{
          o.id + "/" + in->target.id + "/",
          static_cast<int64_t>(kMaxAuthorizationPoliciesPerTarget), "policy_type", policy.type});
    }
    if (!policy.organization_id.empty()) {
      batch.preconditions.push_back(store::Unchanged(policy));
    }
    Status s = org.iam.state.Commit(batch);
    if (s.code() == ErrorCode::kEntityAlreadyExists) {
      return Status(ErrorCode::kDuplicatePolicyAttachmentException,
                    "The selected policy is already attached to the specified target.");
    }
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("organizations", "DetachPolicy", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<AttachmentInput> in = ReadAttachment(dir, c, "organizations:DetachPolicy");
    if (!in.ok()) return in.status();
    const model::Organization& o = *in->membership.organization;
    const model::OrganizationPolicy& policy = *in->policy;
    if (!in->attached) {
      return Status(ErrorCode::kPolicyNotAttachedException,
                    "The policy isn't attached to the specified target in the specified root.");
    }
    // RCPFullAWSAccess stays wherever RCPs are enabled, and while SCPs are enabled every root, OU
    // and account keeps at least one: without one it would allow nothing.
    if (policy.id == kRcpFullAwsAccessId && IsPolicyTypeEnabled(o, kResourceControlPolicy)) {
      return InvalidInput("NON_DETACHABLE_POLICY");
    }
    if (policy.type == model::kServiceControlPolicy &&
        IsPolicyTypeEnabled(o, model::kServiceControlPolicy) && in->attached_of_type <= 1) {
      return Status(ErrorCode::kConstraintViolationException,
                    "You attempted to detach a policy from an entity that would cause the entity "
                    "to have fewer than the minimum number of policies of a certain type "
                    "required.",
                    "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    }
    // The target's attachments as read (the minimum of one SCP rests on all of them).
    const std::string prefix = o.id + "/" + in->target.id + "/";
    store::WriteBatch batch{
        {store::Erase<model::PolicyAttachment>{
            model::PolicyAttachment{o.id, in->target.id, policy.id, policy.type}.Key()}},
        {store::Unchanged(o)}};
    store::AppendSameRange(dir.Scan<model::PolicyAttachment>(prefix), prefix, batch.preconditions);
    Status s = org.iam.state.Commit(batch);
    if (!s.ok()) return s;
    return json::object();
  });
}

void RegisterListing(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "ListPoliciesForTarget", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        std::optional<Node> target = FindNode(dir, o, c.input.at("TargetId").get<std::string>());
        if (!target) return TargetNotFound();
        std::string type = c.input.at("Filter");
        json out;
        json policies = json::array();
        for (const auto& a : iam::ScanPage<model::PolicyAttachment>(
                 dir, o.id + "/" + target->id + "/", iam::ReadOrganizationsPage(c.input),
                 [&](const model::PolicyAttachment& a) { return a.policy_type == type; }, out)) {
          if (auto policy = FindPolicy(dir, o, a->policy_id)) {
            policies.push_back(PolicySummaryJson(o, *policy));
          }
        }
        out["Policies"] = std::move(policies);
        return out;
      });

  d.Register("organizations", "ListTargetsForPolicy",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               const model::Organization& o = *m->organization;
               auto policy = FindPolicy(dir, o, c.input.at("PolicyId").get<std::string>());
               if (policy == nullptr) return PolicyNotFound();
               json out;
               json targets = json::array();
               for (const auto& a : iam::ScanPage<model::PolicyAttachment>(
                        dir, o.id + "/", iam::ReadOrganizationsPage(c.input),
                        [&](const model::PolicyAttachment& a) { return a.policy_id == policy->id; },
                        out)) {
                 if (std::optional<Node> node = FindNode(dir, o, a->target_id)) {
                   targets.push_back({{"TargetId", node->id},
                                      {"Arn", node->arn},
                                      {"Name", node->name},
                                      {"Type", NodeTypeName(node->type)}});
                 }
               }
               out["Targets"] = std::move(targets);
               return out;
             });
}

}  // namespace

void RegisterPolicyAttachmentOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterAttaching(d, org);
  RegisterListing(d, org);
}

}  // namespace gatehouse::services::organizations
