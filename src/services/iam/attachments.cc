#include "services/iam/attachments.h"

#include <algorithm>

#include "core/strings.h"
#include "core/uri.h"
#include "policy/parse.h"
#include "policy/size.h"
#include "services/iam/managed_policies.h"
#include "services/iam/pagination.h"

namespace gatehouse::services::iam {

using nlohmann::json;

namespace {

bool Exists(const IamContext& iam, std::string_view account, const std::string& arn) {
  if (const AwsManagedPolicy* aws = iam.catalog.Find(arn)) return aws->Attachable();
  return FindCustomerPolicy(iam.state.directory(), account, arn) != nullptr;
}

}  // namespace

Status CheckAttachable(const IamContext& iam, std::string_view account, const std::string& arn) {
  if (Exists(iam, account, arn)) return Status::Ok();
  return Status(ErrorCode::kNoSuchEntity,
                "Policy " + arn + " does not exist or is not attachable.");
}

Status CheckBoundary(const IamContext& iam, std::string_view account, const std::string& arn) {
  if (Exists(iam, account, arn)) return Status::Ok();
  return Status(ErrorCode::kNoSuchEntity,
                "Scope ARN: " + arn + " does not exist or is not attachable.");
}

json AttachedPoliciesJson(std::vector<std::string> arns, const json& input) {
  std::string prefix = input.value("PathPrefix", "/");
  std::erase_if(arns, [&](const std::string& arn) {
    size_t policy = arn.find(":policy");
    return policy == std::string::npos || !StartsWith(arn.substr(policy + 7), prefix);
  });
  std::sort(arns.begin(), arns.end());
  json out;
  json list = json::array();
  for (const std::string& arn : SlicePage(
           arns, ReadPage(input), [](const std::string& a) { return a; }, out)) {
    list.push_back({{"PolicyName", arn.substr(arn.rfind('/') + 1)}, {"PolicyArn", arn}});
  }
  out["AttachedPolicies"] = std::move(list);
  return out;
}

Status CheckInlinePolicy(const std::string& document, const std::vector<std::string>& others,
                         std::string_view entity, std::string_view entity_name) {
  if (Result<policy::Document> valid = policy::ParsePolicy(document, policy::PolicyKind::kIdentity);
      !valid.ok()) {
    return valid.status();
  }
  size_t quota = entity == "user" ? 2048 : entity == "group" ? 5120 : 10240;
  size_t total = policy::PolicySize(document, policy::SizeRule::kIgnoreWhitespace);
  for (const std::string& other : others) {
    total += policy::PolicySize(other, policy::SizeRule::kIgnoreWhitespace);
  }
  if (total > quota) {
    return Status(ErrorCode::kLimitExceeded, "Maximum policy size of " + std::to_string(quota) +
                                                 " bytes exceeded for " + std::string(entity) +
                                                 " " + std::string(entity_name));
  }
  return Status::Ok();
}

json PolicyNamesJson(std::vector<std::string> names, const json& input) {
  std::sort(names.begin(), names.end());
  json out;
  out["PolicyNames"] = SlicePage(
      names, ReadPage(input), [](const std::string& n) { return n; }, out);
  return out;
}

Status NoSuchInlinePolicy(std::string_view entity, std::string_view name) {
  return Status(ErrorCode::kNoSuchEntity, "The " + std::string(entity) + " policy with name " +
                                              std::string(name) + " cannot be found.");
}

json InlinePolicyJson(std::string_view owner_member, const std::string& owner,
                      const std::string& name, const std::string& document) {
  return json{{std::string(owner_member), owner},
              {"PolicyName", name},
              {"PolicyDocument", UriEncode(document)}};
}

std::vector<store::Precondition> AttachedPolicyPreconditions(const IamContext& iam,
                                                             std::string_view account,
                                                             const std::string& arn) {
  auto policy = FindCustomerPolicy(iam.state.directory(), account, arn);
  if (policy == nullptr) return {};
  return {store::Unchanged(*policy)};
}

Result<bool> CheckAttach(const IamContext& iam, std::string_view account,
                         const std::vector<std::string>& attached, const std::string& arn,
                         const AttachTarget& target) {
  if (Status s = CheckAttachable(iam, account, arn); !s.ok()) return s;
  if (const AwsManagedPolicy* aws = iam.catalog.Find(arn); aws && aws->ForServiceLinkedRoles()) {
    // AWS's words for a role; for a user or a group the same sentence names the entity.
    return Status(ErrorCode::kPolicyNotAttachable,
                  "Cannot attach a Service Role Policy to " + std::string(target.noun) + ".");
  }
  if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return false;
  if (attached.size() >= kManagedPoliciesPerEntity) {
    return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for " +
                                                 std::string(target.quota) + ": " +
                                                 std::to_string(kManagedPoliciesPerEntity));
  }
  return true;
}

Status CheckDetach(const std::vector<std::string>& attached, const std::string& arn) {
  if (std::find(attached.begin(), attached.end(), arn) != attached.end()) return Status::Ok();
  return Status(ErrorCode::kNoSuchEntity, "Policy " + arn + " was not found.");
}

}  // namespace gatehouse::services::iam
