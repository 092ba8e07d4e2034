// organizations: EnablePolicyType, DisablePolicyType. A policy type is enabled on the root (the
// organization record keeps the list). Disabling a type detaches every policy of that type;
// enabling SCPs or RCPs gives each root, OU and account without a policy of the type AWS's own
// (FullAWSAccess, RCPFullAWSAccess), as AWS does, so that enabling them changes no decision until
// a narrower policy is attached.
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

// The caller's organization, whose root `c` names; with all features when `all_features` (policy
// types are unavailable otherwise).
Result<Membership> RootOfCaller(const store::Directory& dir, const OperationContext& c,
                                bool all_features) {
  Result<Membership> m = ManagementMembership(dir, c);
  if (!m.ok()) return m.status();
  if (c.input.at("RootId").get<std::string>() != m->organization->root_id) {
    return Status(ErrorCode::kRootNotFoundException,
                  "We can't find a root with the RootId that you specified.");
  }
  if (all_features && m->organization->feature_set != model::kFeatureSetAll) {
    return PolicyTypeNotAvailable();
  }
  return m;
}

// Attaches AWS's own policy of `type` (if it has one) to each node of `org` with no policy of
// that type.
void AttachAwsManagedWhereNone(const store::Directory& dir, const model::Organization& org,
                               std::string_view type, store::WriteBatch& batch) {
  auto managed = AwsManagedPolicyOf(type);
  if (managed == nullptr) return;
  std::vector<std::string> nodes = {org.root_id};
  for (const auto& ou : dir.Scan<model::OrganizationalUnit>(org.id + "/")) nodes.push_back(ou->id);
  for (const auto& a : dir.Scan<model::OrganizationAccount>(org.id + "/")) {
    nodes.push_back(a->account_id);
  }
  for (const std::string& node : nodes) {
    bool has_one = false;
    for (const auto& a : dir.Scan<model::PolicyAttachment>(org.id + "/" + node + "/")) {
      has_one = has_one || a->policy_type == type;
    }
    if (has_one) continue;
    batch.writes.push_back(
        store::Put<model::PolicyAttachment>{{org.id, node, managed->id, managed->type}});
  }
}

// The organization and its policy attachments are as read: enabling and disabling a type
// rewrite both.
void SameAsRead(const store::Directory& dir, const model::Organization& o,
                store::WriteBatch& batch) {
  batch.preconditions.push_back(store::Unchanged(o));
  store::AppendSameRange(dir.Scan<model::PolicyAttachment>(o.id + "/"), o.id + "/",
                         batch.preconditions);
}

}  // namespace

void RegisterPolicyTypeOperations(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "EnablePolicyType", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = RootOfCaller(dir, c, true);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        std::string type = c.input.at("PolicyType");
        if (IsPolicyTypeEnabled(o, type)) {
          return Status(ErrorCode::kPolicyTypeAlreadyEnabledException,
                        "The specified policy type is already enabled in the specified root.");
        }
        model::Organization updated = o;
        updated.enabled_policy_types.push_back(type);
        store::WriteBatch batch;
        SameAsRead(dir, o, batch);
        batch.writes.push_back(store::Put<model::Organization>{updated});
        AttachAwsManagedWhereNone(dir, o, type, batch);
        if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
        return json{{"Root", RootJson(updated)}};
      });

  d.Register("organizations", "DisablePolicyType",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = RootOfCaller(dir, c, false);
               if (!m.ok()) return m.status();
               const model::Organization& o = *m->organization;
               std::string type = c.input.at("PolicyType");
               if (!IsPolicyTypeEnabled(o, type)) {
                 return Status(ErrorCode::kPolicyTypeNotEnabledException,
                               "The specified policy type isn't currently enabled in this root.");
               }
               model::Organization updated = o;
               std::erase(updated.enabled_policy_types, type);
               store::WriteBatch batch;
               SameAsRead(dir, o, batch);
               batch.writes.push_back(store::Put<model::Organization>{updated});
               for (const auto& a : dir.Scan<model::PolicyAttachment>(o.id + "/")) {
                 if (a->policy_type == type) {
                   batch.writes.push_back(store::Erase<model::PolicyAttachment>::Of(*a));
                 }
               }
               if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
               return json{{"Root", RootJson(updated)}};
             });
}

}  // namespace gatehouse::services::organizations
