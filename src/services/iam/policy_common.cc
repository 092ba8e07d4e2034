#include "services/iam/policy_common.h"

#include <cctype>

#include "core/strings.h"
#include "core/time_format.h"
#include "policy/parse.h"
#include "policy/size.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {

using nlohmann::json;

Status NoSuchPolicy(std::string_view arn) {
  return Status(ErrorCode::kNoSuchEntity, "Policy " + std::string(arn) + " was not found.");
}

Status NoSuchPolicyVersion(std::string_view arn, std::string_view version_id) {
  return Status(ErrorCode::kNoSuchEntity, "Policy " + std::string(arn) + " version " +
                                              std::string(version_id) +
                                              " does not exist or is not attachable.");
}

Result<PolicyRef> FindPolicy(const IamContext& iam, std::string_view account,
                             const std::string& arn) {
  PolicyRef ref;
  ref.aws = iam.catalog.Find(arn);
  if (ref.aws == nullptr) ref.local = FindCustomerPolicy(iam.state.directory(), account, arn);
  if (ref.aws == nullptr && ref.local == nullptr) return NoSuchPolicy(arn);
  return ref;
}

Result<std::shared_ptr<const model::ManagedPolicy>> FindPolicyToChange(const IamContext& iam,
                                                                       std::string_view account,
                                                                       const std::string& arn) {
  if (iam.catalog.Find(arn) != nullptr) {
    return Status(ErrorCode::kAccessDenied, "Policy is outside your own account.");
  }
  auto policy = FindCustomerPolicy(iam.state.directory(), account, arn);
  if (policy == nullptr) return NoSuchPolicy(arn);
  return policy;
}

Status CheckManagedPolicyDocument(const std::string& document) {
  // A managed policy is held to a boundary's rules (a boundary is one): the identity grammar
  // with Version 2012-10-17, which inline policies may leave out.
  if (Result<policy::Document> valid = policy::ParsePolicy(document, policy::PolicyKind::kBoundary);
      !valid.ok()) {
    return valid.status();
  }
  if (policy::PolicySize(document, policy::SizeRule::kIgnoreWhitespace) > kManagedPolicySizeQuota) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for PolicySize: " + std::to_string(kManagedPolicySizeQuota));
  }
  return Status::Ok();
}

std::map<std::string, int64_t> BoundaryUsage(const store::Directory& dir,
                                             std::string_view account) {
  std::map<std::string, int64_t> usage;
  const std::string prefix = model::RecordKey({account}) + "/";
  for (const auto& b : dir.Scan<model::UserBoundary>(prefix)) ++usage[AsciiLower(b->policy_arn)];
  for (const auto& role : dir.Scan<model::Role>(prefix)) {
    if (!role->permissions_boundary.empty()) ++usage[AsciiLower(role->permissions_boundary)];
  }
  return usage;
}

PolicyCounts CountsOf(const store::Directory& dir, std::string_view account, const std::string& arn,
                      const std::map<std::string, int64_t>& boundaries) {
  PolicyCounts counts;
  counts.attachments = dir.AttachmentCount(account, arn);
  if (auto it = boundaries.find(AsciiLower(arn)); it != boundaries.end()) {
    counts.boundaries = it->second;
  }
  return counts;
}

namespace {

json PolicyFields(std::string_view name, std::string_view id, std::string_view arn,
                  std::string_view path, std::string_view default_version,
                  const PolicyCounts& counts) {
  return {{"PolicyName", name},
          {"PolicyId", id},
          {"Arn", arn},
          {"Path", path},
          {"DefaultVersionId", default_version},
          {"AttachmentCount", counts.attachments},
          {"PermissionsBoundaryUsageCount", counts.boundaries},
          {"IsAttachable", true}};
}

}  // namespace

json PolicyJson(const AwsManagedPolicy& policy, const PolicyCounts& counts, PolicyView view) {
  json out =
      PolicyFields(policy.name, policy.id, policy.arn, policy.path, policy.default_version, counts);
  out["IsAttachable"] = policy.Attachable();
  if (view.description) out["Description"] = policy.description;
  out["CreateDate"] = policy.created;
  out["UpdateDate"] = policy.updated;
  ShowTags(out, {}, view.tags);
  return out;
}

json PolicyJson(const model::ManagedPolicy& policy, const PolicyCounts& counts, PolicyView view) {
  json out = PolicyFields(policy.name, policy.id, policy.Arn(), policy.path, policy.default_version,
                          counts);
  if (view.description && !policy.description.empty()) out["Description"] = policy.description;
  out["CreateDate"] = FormatIsoTime(policy.created_ms);
  // AWS: the creation of the newest version (of the policy itself while it has only one).
  out["UpdateDate"] = FormatIsoTime(policy.updated_ms);
  ShowTags(out, policy.tags, view.tags);
  return out;
}

int64_t VersionNumber(std::string_view version_id) {
  if (version_id.size() < 2 || version_id[0] != 'v') return 0;
  int64_t number = 0;
  for (char c : version_id.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (number > 100000000) return 0;  // far beyond any real version
    number = number * 10 + (c - '0');
  }
  return number;
}

}  // namespace gatehouse::services::iam
