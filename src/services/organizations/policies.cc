// organizations: CreatePolicy, UpdatePolicy, DeletePolicy, DescribePolicy, ListPolicies. A
// customer-managed policy is keyed by its organization and id; FullAWSAccess, AWS's, is listed
// and described with an organization's SCPs but can be neither changed nor deleted.
#include <algorithm>

#include "core/ids.h"
#include "core/strings.h"
#include "policy/parse.h"
#include "policy/validate.h"
#include "services/iam/pagination.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

Status DuplicatePolicy() {
  return Status(ErrorCode::kDuplicatePolicyException,
                "A policy with the same name already exists.");
}

Status ImmutablePolicy() { return InvalidInput("IMMUTABLE_POLICY"); }

// Characters, not bytes: AWS's size quotas count what the author typed.
size_t CharacterCount(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// The content's size, then its grammar for its type: an SCP's is IAM's with no principal, an
// RCP's IAM's with Principal "*" and Deny only (only AWS's RCPFullAWSAccess allows), both with
// AWS Organizations' one message for every fault; the other types' documents are JSON objects
// whose rules this server does not enforce.
Status CheckContent(std::string_view type, std::string_view content) {
  if (CharacterCount(content) > MaxPolicyContent(type)) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You attempted to create a policy that is larger than the maximum size.",
                  "POLICY_CONTENT_LIMIT_EXCEEDED");
  }
  if (IsAuthorizationPolicyType(type)) {
    const bool rcp = type == kResourceControlPolicy;
    Result<policy::Document> doc =
        policy::ParsePolicy(content, rcp ? policy::PolicyKind::kRcp : policy::PolicyKind::kScp);
    if (!doc.ok()) {
      return Status(ErrorCode::kMalformedPolicyDocumentException, doc.status().message());
    }
    for (const policy::Statement& st : doc->statements) {
      if (rcp && st.effect != policy::Effect::kDeny) {
        return Status(ErrorCode::kMalformedPolicyDocumentException,
                      std::string(policy::kScpRequirements));
      }
    }
    return Status::Ok();
  }
  json parsed = json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return Status(ErrorCode::kMalformedPolicyDocumentException,
                  std::string(policy::kScpRequirements));
  }
  return Status::Ok();
}

// Whether `org` has a policy of `type` named `name` other than `except_id`.
bool NameTaken(const store::Directory& dir, const model::Organization& org, const std::string& type,
               const std::string& name, const std::string& except_id = "") {
  if (auto managed = AwsManagedPolicyOf(type); managed != nullptr && name == managed->name) {
    return true;
  }
  for (const auto& p : dir.Scan<model::OrganizationPolicy>(org.id + "/")) {
    if (p->type == type && p->name == name && p->id != except_id) return true;
  }
  return false;
}

// The precondition that no policy named `name` was added since the read (NameTaken's decision).
store::Precondition NoNewPolicyNamesake(const store::Directory& dir, const model::Organization& org,
                                        const std::string& name) {
  int64_t namesakes = 0;
  for (const auto& p : dir.Scan<model::OrganizationPolicy>(org.id + "/")) {
    if (EqualsIgnoreCase(p->name, name)) ++namesakes;
  }
  return store::ExpectFewer<model::OrganizationPolicy>{org.id + "/", namesakes + 1, "name", name};
}

Result<std::shared_ptr<const model::OrganizationPolicy>> FindInput(const store::Directory& dir,
                                                                   const model::Organization& org,
                                                                   const OperationContext& c) {
  auto policy = FindPolicy(dir, org, c.input.at("PolicyId").get<std::string>());
  if (policy == nullptr) return PolicyNotFound();
  return policy;
}

void RegisterPolicyLifecycle(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "CreatePolicy", [&org](const OperationContext& c) -> Result<json> {
    iam::IamContext& iam = org.iam;
    const store::Directory& dir = iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    if (o.feature_set != model::kFeatureSetAll) return PolicyTypeNotAvailable();
    model::OrganizationPolicy policy;
    policy.organization_id = o.id;
    policy.type = c.input.at("Type");
    policy.name = c.input.at("Name");
    policy.description = c.input.at("Description");
    policy.content = c.input.at("Content");
    if (Status s = CheckContent(policy.type, policy.content); !s.ok()) return s;
    size_t of_type = 0;
    for (const auto& p : dir.Scan<model::OrganizationPolicy>(o.id + "/")) {
      of_type += p->type == policy.type ? 1 : 0;
    }
    if (of_type >= kMaxPoliciesPerType) {
      return Status(ErrorCode::kConstraintViolationException,
                    "You have reached the maximum number of policies of this type in your "
                    "organization.",
                    "POLICY_NUMBER_LIMIT_EXCEEDED");
    }
    if (NameTaken(dir, o, policy.type, policy.name)) return DuplicatePolicy();
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> applied = ApplyTags({}, *tags);
      if (!applied.ok()) return applied.status();
      policy.tags = std::move(applied).value();
    }
    do {
      policy.id = NewOrganizationPolicyId(iam.random);
    } while (dir.Get<model::OrganizationPolicy>(policy.Key()) != nullptr);
    Status s = iam.state.Commit(
        {.writes = {store::Put<model::OrganizationPolicy>{policy, /*create=*/true}},
         .preconditions = {
             store::ExpectFewer<model::OrganizationPolicy>{
                 o.id + "/", static_cast<int64_t>(kMaxPoliciesPerType), "type", policy.type},
             NoNewPolicyNamesake(dir, o, policy.name)}});
    if (!s.ok()) return s;
    return json{{"Policy", PolicyJson(o, policy)}};
  });

  d.Register("organizations", "UpdatePolicy", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    auto found = FindInput(dir, o, c);
    if (!found.ok()) return found.status();
    if ((*found)->organization_id.empty()) return ImmutablePolicy();
    model::OrganizationPolicy updated = **found;
    bool changed = false;
    if (auto content = c.input.find("Content"); content != c.input.end()) {
      updated.content = *content;
      if (Status s = CheckContent(updated.type, updated.content); !s.ok()) return s;
      changed = true;
    }
    if (auto name = c.input.find("Name"); name != c.input.end()) {
      updated.name = *name;
      if (NameTaken(dir, o, updated.type, updated.name, updated.id)) return DuplicatePolicy();
      changed = true;
    }
    if (auto description = c.input.find("Description"); description != c.input.end()) {
      updated.description = *description;
      changed = true;
    }
    if (changed) {
      Status s =
          org.iam.state.Commit({.writes = {store::Put<model::OrganizationPolicy>{updated}},
                                .preconditions = {store::Unchanged(**found),
                                                  NoNewPolicyNamesake(dir, o, updated.name)}});
      if (!s.ok()) return s;
    }
    return json{{"Policy", PolicyJson(o, updated)}};
  });

  d.Register("organizations", "DeletePolicy", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    auto found = FindInput(dir, o, c);
    if (!found.ok()) return found.status();
    const model::OrganizationPolicy& policy = **found;
    if (policy.organization_id.empty()) return ImmutablePolicy();
    for (const auto& a : dir.Scan<model::PolicyAttachment>(o.id + "/")) {
      if (a->policy_id == policy.id) {
        return Status(ErrorCode::kPolicyInUseException,
                      "The policy is attached to one or more entities. You must detach it from "
                      "all roots, OUs, and accounts before performing this operation.");
      }
    }
    Status s = org.iam.state.Commit(
        {.writes = {store::Erase<model::OrganizationPolicy>::Of(policy)},
         .preconditions = {store::Unchanged(policy), store::NoneUnder<model::PolicyAttachment>(
                                                         o.id + "/", "policy_id", policy.id)}});
    if (!s.ok()) return s;
    return json::object();
  });
}

void RegisterPolicyReads(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "DescribePolicy", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    auto found = FindInput(dir, *m->organization, c);
    if (!found.ok()) return found.status();
    return json{{"Policy", PolicyJson(*m->organization, **found)}};
  });

  d.Register("organizations", "ListPolicies", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    std::string type = c.input.at("Filter");
    // AWS's own policy is no record of the organization: the page is cut from the whole sorted
    // list, which holds at most kMaxPoliciesPerType + 1 policies.
    std::vector<std::shared_ptr<const model::OrganizationPolicy>> all;
    if (auto managed = AwsManagedPolicyOf(type);
        managed && o.feature_set == model::kFeatureSetAll) {
      all.push_back(std::move(managed));
    }
    for (auto& p : dir.Scan<model::OrganizationPolicy>(o.id + "/")) {
      if (p->type == type) all.push_back(std::move(p));
    }
    auto id = [](const std::shared_ptr<const model::OrganizationPolicy>& p) { return p->id; };
    std::sort(all.begin(), all.end(), [&](const auto& a, const auto& b) { return id(a) < id(b); });
    json out;
    json policies = json::array();
    for (const auto& p : iam::SlicePage(all, iam::ReadOrganizationsPage(c.input), id, out)) {
      policies.push_back(PolicySummaryJson(o, *p));
    }
    out["Policies"] = std::move(policies);
    return out;
  });
}

}  // namespace

void RegisterPolicyOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterPolicyLifecycle(d, org);
  RegisterPolicyReads(d, org);
  RegisterPolicyTypeOperations(d, org);
  RegisterPolicyAttachmentOperations(d, org);
}

}  // namespace gatehouse::services::organizations
