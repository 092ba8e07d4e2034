// iam: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion. A customer managed policy holds at most five versions; version ids
// are never reused (next_version only grows). The default version is what the policy allows:
// the authorizer reads it on every request, so a new default takes effect at once.
#include <algorithm>
#include <string>
#include <vector>

#include "core/time_format.h"
#include "core/uri.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/policy_common.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// A version of either kind of policy, as the answers show it.
struct VersionView {
  std::string id;
  std::string created;  // ISO 8601
  const std::string* document = nullptr;
  bool is_default = false;
};

std::vector<VersionView> Versions(const PolicyRef& ref) {
  std::vector<VersionView> out;
  if (ref.aws != nullptr) {
    for (const AwsPolicyVersion& v : ref.aws->versions) {
      out.push_back({v.id, v.created, &v.document, v.id == ref.aws->default_version});
    }
  } else {
    for (const model::PolicyVersion& v : ref.local->versions) {
      out.push_back(
          {v.id, FormatIsoTime(v.created_ms), &v.document, v.id == ref.local->default_version});
    }
  }
  return out;
}

json VersionJson(const VersionView& v, bool with_document) {
  json out = {{"VersionId", v.id}, {"IsDefaultVersion", v.is_default}, {"CreateDate", v.created}};
  // AWS returns policy documents URL-encoded; the SDKs decode them.
  if (with_document) out["Document"] = UriEncode(*v.document);
  return out;
}

// ListPolicyVersions lists the newest version first: the sort key counts down.
std::string NewestFirstKey(const VersionView& v) {
  std::string n = std::to_string(9999999999 - VersionNumber(v.id));
  return std::string(10 - std::min<size_t>(10, n.size()), '0') + n;
}

// The version `version_id` of customer managed policy `policy`; null when it has none.
const model::PolicyVersion* FindVersion(const model::ManagedPolicy& policy,
                                        const std::string& version_id) {
  for (const model::PolicyVersion& v : policy.versions) {
    if (v.id == version_id) return &v;
  }
  return nullptr;
}

// The policy a version operation that changes it names, and the version it names.
struct VersionTarget {
  std::shared_ptr<const model::ManagedPolicy> policy;
  std::string version_id;
};
Result<VersionTarget> FindVersionToChange(const IamContext& iam, const OperationContext& c) {
  std::string arn = c.input.at("PolicyArn");
  std::string version_id = c.input.at("VersionId");
  auto policy = FindPolicyToChange(iam, c.caller.account_id, arn);
  if (!policy.ok()) return policy.status();
  if (FindVersion(**policy, version_id) == nullptr) return NoSuchPolicyVersion(arn, version_id);
  return VersionTarget{std::move(policy).value(), version_id};
}

// `policy` written over `read`, if `read` is still what is stored (the versions quota and the
// version ids rest on it).
Status Save(IamContext& iam, const model::ManagedPolicy& read, model::ManagedPolicy policy) {
  return iam.state.Commit({.writes = {store::Put<model::ManagedPolicy>{std::move(policy)}},
                           .preconditions = {store::Unchanged(read)}});
}

}  // namespace

void RegisterPolicyVersionOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreatePolicyVersion", [&iam](const OperationContext& c) -> Result<json> {
    std::string document = c.input.at("PolicyDocument");
    auto found =
        FindPolicyToChange(iam, c.caller.account_id, c.input.at("PolicyArn").get<std::string>());
    if (!found.ok()) return found.status();
    if (Status s = CheckManagedPolicyDocument(document); !s.ok()) return s;
    model::ManagedPolicy policy = **found;
    if (policy.versions.size() >= kVersionsPerPolicy) {
      return Status(ErrorCode::kLimitExceeded,
                    "A managed policy can have up to " + std::to_string(kVersionsPerPolicy) +
                        " versions. Before you create a new version, you must delete an "
                        "existing version.");
    }
    const int64_t now = iam.now_ms();
    model::PolicyVersion version{"v" + std::to_string(policy.next_version++), document, now};
    const bool set_as_default = c.input.value("SetAsDefault", false);
    if (set_as_default) policy.default_version = version.id;
    policy.updated_ms = now;
    policy.versions.push_back(version);
    if (Status s = Save(iam, **found, std::move(policy)); !s.ok()) return s;
    return json{
        {"PolicyVersion",
         VersionJson({version.id, FormatIsoTime(now), &version.document, set_as_default}, false)}};
  });

  d.Register("iam", "GetPolicyVersion", [&iam](const OperationContext& c) -> Result<json> {
    std::string arn = c.input.at("PolicyArn");
    std::string version_id = c.input.at("VersionId");
    Result<PolicyRef> ref = FindPolicy(iam, c.caller.account_id, arn);
    if (!ref.ok()) return ref.status();
    for (const VersionView& v : Versions(*ref)) {
      if (v.id == version_id) return json{{"PolicyVersion", VersionJson(v, true)}};
    }
    return NoSuchPolicyVersion(arn, version_id);
  });

  d.Register("iam", "ListPolicyVersions", [&iam](const OperationContext& c) -> Result<json> {
    Result<PolicyRef> ref =
        FindPolicy(iam, c.caller.account_id, c.input.at("PolicyArn").get<std::string>());
    if (!ref.ok()) return ref.status();
    std::vector<VersionView> versions = Versions(*ref);
    std::sort(versions.begin(), versions.end(), [](const VersionView& a, const VersionView& b) {
      return NewestFirstKey(a) < NewestFirstKey(b);
    });
    json out;
    json list = json::array();
    for (const VersionView& v : SlicePage(versions, ReadPage(c.input), NewestFirstKey, out)) {
      list.push_back(VersionJson(v, false));
    }
    out["Versions"] = std::move(list);
    return out;
  });

  d.Register("iam", "DeletePolicyVersion", [&iam](const OperationContext& c) -> Result<json> {
    Result<VersionTarget> target = FindVersionToChange(iam, c);
    if (!target.ok()) return target.status();
    if (target->policy->default_version == target->version_id) {
      return Status(ErrorCode::kDeleteConflict, "Cannot delete the default version of a policy.");
    }
    model::ManagedPolicy policy = *target->policy;
    std::erase_if(policy.versions,
                  [&](const model::PolicyVersion& v) { return v.id == target->version_id; });
    if (Status s = Save(iam, *target->policy, std::move(policy)); !s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "SetDefaultPolicyVersion", [&iam](const OperationContext& c) -> Result<json> {
    Result<VersionTarget> target = FindVersionToChange(iam, c);
    if (!target.ok()) return target.status();
    model::ManagedPolicy policy = *target->policy;
    policy.default_version = target->version_id;
    if (Status s = Save(iam, *target->policy, std::move(policy)); !s.ok()) return s;
    return json::object();
  });
}

}  // namespace gatehouse::services::iam
