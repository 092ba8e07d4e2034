// iam: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, TagPolicy, UntagPolicy,
// ListPolicyTags. Customer managed policies are model::ManagedPolicy records (their versions
// inside), keyed by account and lower-cased name, so names are unique regardless of case and
// path; AWS-managed policies come from the catalog and are read-only.
#include <algorithm>
#include <vector>

#include "core/ids.h"
#include "core/strings.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/policy_common.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

Status AlreadyExists(const std::string& name) {
  return Status(ErrorCode::kEntityAlreadyExists,
                "A policy called " + name + " already exists. Duplicate names are not allowed.");
}

// One policy of a ListPolicies answer, before it is rendered.
struct Listed {
  std::string key;  // sort key and marker: lower-cased name, then the scope
  const AwsManagedPolicy* aws = nullptr;
  std::shared_ptr<const model::ManagedPolicy> local;
  PolicyCounts counts;
};

// Whether a policy with `counts` passes ListPolicies' OnlyAttached and PolicyUsageFilter.
bool UsageMatches(const json& input, const PolicyCounts& counts) {
  if (input.value("OnlyAttached", false) && counts.attachments == 0) return false;
  std::string usage = input.value("PolicyUsageFilter", "");
  if (usage == "PermissionsPolicy") return counts.attachments > 0;
  if (usage == "PermissionsBoundary") return counts.boundaries > 0;
  return true;
}

// The policies ListPolicies answers with, sorted by name (AWS and customer managed together),
// before paging.
std::vector<Listed> PoliciesToList(const IamContext& iam, const std::string& account,
                                   const json& input) {
  const store::Directory& dir = iam.state.directory();
  const std::string scope = input.value("Scope", "All");
  const std::string prefix = input.value("PathPrefix", "/");
  const auto boundaries = BoundaryUsage(dir, account);
  std::vector<Listed> listed;
  auto add = [&](Listed item, const std::string& arn, const std::string& path) {
    if (!StartsWith(path, prefix)) return;
    item.counts = CountsOf(dir, account, arn, boundaries);
    if (UsageMatches(input, item.counts)) listed.push_back(std::move(item));
  };
  if (scope != "Local") {
    for (const auto& [arn, policy] : iam.catalog.all()) {
      add({AsciiLower(policy.name) + " aws", &policy, nullptr, {}}, arn, policy.path);
    }
  }
  if (scope != "AWS") {
    for (auto& policy : dir.Scan<model::ManagedPolicy>(model::RecordKey({account}) + "/")) {
      std::string arn = policy->Arn();
      std::string path = policy->path;
      add({AsciiLower(policy->name) + " local", nullptr, std::move(policy), {}}, arn, path);
    }
  }
  std::sort(listed.begin(), listed.end(),
            [](const Listed& a, const Listed& b) { return a.key < b.key; });
  return listed;
}

// The tags operations' target: a customer managed policy (AWS-managed ones carry no tags).
Result<std::shared_ptr<const model::ManagedPolicy>> PolicyToTag(const IamContext& iam,
                                                                const OperationContext& c) {
  return FindPolicyToChange(iam, c.caller.account_id, c.input.at("PolicyArn").get<std::string>());
}

Status ReplaceTags(IamContext& iam, const model::ManagedPolicy& policy,
                   std::vector<model::Tag> tags) {
  model::ManagedPolicy updated = policy;
  updated.tags = std::move(tags);
  return iam.state.Commit({.writes = {store::Put<model::ManagedPolicy>{std::move(updated)}},
                           .preconditions = {store::Unchanged(policy)}});
}

}  // namespace

void RegisterManagedPolicyOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreatePolicy", [&iam](const OperationContext& c) -> Result<json> {
    const std::string& account = c.caller.account_id;
    std::string name = c.input.at("PolicyName");
    std::string document = c.input.at("PolicyDocument");
    if (Status s = CheckManagedPolicyDocument(document); !s.ok()) return s;
    const int64_t now = iam.now_ms();
    model::ManagedPolicy policy{account,
                                name,
                                c.input.value("Path", "/"),
                                NewUniqueId(iam.random, IdKind::kManagedPolicy),
                                now,
                                now,
                                c.input.value("Description", ""),
                                "v1",
                                2,
                                {{"v1", document, now}},
                                {}};
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags, kPolicyTags);
      if (!merged.ok()) return merged.status();
      policy.tags = std::move(merged).value();
    }
    const store::Directory& dir = iam.state.directory();
    if (dir.Get<model::ManagedPolicy>(policy.Key()) != nullptr) return AlreadyExists(name);
    const std::string prefix = model::RecordKey({account}) + "/";
    if (dir.Scan<model::ManagedPolicy>(prefix, "", kPoliciesPerAccount).size() >=
        kPoliciesPerAccount) {
      return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for PoliciesPerAccount: " +
                                                   std::to_string(kPoliciesPerAccount));
    }
    Status s = iam.state.Commit({.writes = {store::Put<model::ManagedPolicy>{policy, true}},
                                 .preconditions = {store::ExpectFewer<model::ManagedPolicy>{
                                     prefix, static_cast<int64_t>(kPoliciesPerAccount), {}, {}}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return AlreadyExists(name);
    if (!s.ok()) return s;
    return json{
        {"Policy", PolicyJson(policy, {}, {.description = false, .tags = TagsShown::kWhenAny})}};
  });

  d.Register("iam", "GetPolicy", [&iam](const OperationContext& c) -> Result<json> {
    const std::string& account = c.caller.account_id;
    std::string arn = c.input.at("PolicyArn");
    Result<PolicyRef> ref = FindPolicy(iam, account, arn);
    if (!ref.ok()) return ref.status();
    const store::Directory& dir = iam.state.directory();
    PolicyCounts counts = CountsOf(dir, account, arn, BoundaryUsage(dir, account));
    const PolicyView view{.description = true, .tags = TagsShown::kAlways};
    return json{{"Policy", ref->aws != nullptr ? PolicyJson(*ref->aws, counts, view)
                                               : PolicyJson(*ref->local, counts, view)}};
  });

  d.Register("iam", "ListPolicies", [&iam](const OperationContext& c) -> Result<json> {
    std::vector<Listed> listed = PoliciesToList(iam, c.caller.account_id, c.input);
    json out;
    json list = json::array();
    for (const Listed& item : SlicePage(
             listed, ReadPage(c.input), [](const Listed& l) { return l.key; }, out)) {
      list.push_back(item.aws != nullptr ? PolicyJson(*item.aws, item.counts, {})
                                         : PolicyJson(*item.local, item.counts, {}));
    }
    out["Policies"] = std::move(list);
    return out;
  });

  d.Register("iam", "DeletePolicy", [&iam](const OperationContext& c) -> Result<json> {
    const std::string& account = c.caller.account_id;
    std::string arn = c.input.at("PolicyArn");
    auto policy = FindPolicyToChange(iam, account, arn);
    if (!policy.ok()) return policy.status();
    const store::Directory& dir = iam.state.directory();
    PolicyCounts counts = CountsOf(dir, account, arn, BoundaryUsage(dir, account));
    if (counts.attachments > 0 || counts.boundaries > 0) {
      return Status(ErrorCode::kDeleteConflict, "Cannot delete a policy attached to entities.");
    }
    if ((*policy)->versions.size() > 1) {
      return Status(ErrorCode::kDeleteConflict,
                    "This policy has more than one version. Before you delete a policy, you must "
                    "delete the policy's versions. The default version is deleted with the "
                    "policy.");
    }
    // Still unattached when it goes: the attach operations, for their part, expect the
    // policy as they read it.
    const std::string in_account = model::RecordKey({account}) + "/";
    Status s = iam.state.Commit(
        {.writes = {store::Erase<model::ManagedPolicy>::Of(**policy)},
         .preconditions = {store::Unchanged(**policy),
                           store::NoneUnder<model::GroupAttachment>(in_account, "policy_arn", arn),
                           store::NoneUnder<model::RoleAttachment>(in_account, "policy_arn", arn),
                           store::NoneUnder<model::Role>(in_account, "permissions_boundary", arn),
                           store::NoneUnder<model::UserBoundary>(in_account, "policy_arn", arn),
                           store::ExpectNoUserAttached{account, arn}}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "TagPolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto policy = PolicyToTag(iam, c);
    if (!policy.ok()) return policy.status();
    Result<std::vector<model::Tag>> tags =
        MergeTags((*policy)->tags, c.input.at("Tags"), kPolicyTags);
    if (!tags.ok()) return tags.status();
    if (Status s = ReplaceTags(iam, **policy, std::move(tags).value()); !s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "UntagPolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto policy = PolicyToTag(iam, c);
    if (!policy.ok()) return policy.status();
    Status s = ReplaceTags(iam, **policy, RemoveTags((*policy)->tags, c.input.at("TagKeys")));
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListPolicyTags", [&iam](const OperationContext& c) -> Result<json> {
    Result<PolicyRef> ref =
        FindPolicy(iam, c.caller.account_id, c.input.at("PolicyArn").get<std::string>());
    if (!ref.ok()) return ref.status();
    return ListTagsJson(ref->local != nullptr ? ref->local->tags : std::vector<model::Tag>{},
                        c.input);
  });

  RegisterPolicyVersionOperations(d, iam);
  RegisterPolicyEntityOperations(d, iam);
}

}  // namespace gatehouse::services::iam
