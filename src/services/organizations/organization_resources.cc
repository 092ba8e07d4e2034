#include "services/organizations/organization_resources.h"

#include "services/organizations/handshake_common.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/transfer_common.h"

namespace gatehouse::services::organizations {
namespace {

using authz::ResourceForm;

std::string Input(const nlohmann::json& input, const char* name) {
  auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : "";
}

// The input member each form names its resource by.
const char* InputOf(ResourceForm form) {
  switch (form) {
    case ResourceForm::kOrgAccount:
      return "AccountId";
    case ResourceForm::kOrgOu:
      return "OrganizationalUnitId";
    case ResourceForm::kOrgParent:
      return "ParentId";
    case ResourceForm::kOrgChild:
      return "ChildId";
    case ResourceForm::kOrgTarget:
      return "TargetId";
    case ResourceForm::kOrgRoot:
      return "RootId";
    case ResourceForm::kOrgPolicy:
      return "PolicyId";
    case ResourceForm::kOrgHandshake:
      return "HandshakeId";
    case ResourceForm::kOrgResource:
      return "ResourceId";
    case ResourceForm::kOrgSourceParent:
      return "SourceParentId";
    case ResourceForm::kOrgDestinationParent:
      return "DestinationParentId";
    case ResourceForm::kOrgTransfer:
      return "Id";
    default:
      return "";
  }
}

std::vector<std::pair<std::string, std::string>> TagPairs(const std::vector<model::Tag>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Tag& t : tags) out.emplace_back(t.key, t.value);
  return out;
}

}  // namespace

bool IsOrganizationsForm(ResourceForm form) { return *InputOf(form) != '\0'; }

std::string FindPolicyArn(const store::Directory& directory, const model::Organization& org,
                          std::string_view policy_id) {
  if (auto managed = AwsManagedPolicy(policy_id)) return PolicyArn(org, managed->type, policy_id);
  auto policy = directory.Get<model::OrganizationPolicy>(org.id + "/" + std::string(policy_id));
  return PolicyArn(org, policy != nullptr ? policy->type : model::kServiceControlPolicy, policy_id);
}

ResourceInfo OrganizationResource(const store::Directory& directory, ResourceForm form,
                                  std::string_view account, const nlohmann::json& input) {
  ResourceInfo info;
  info.arn = "*";
  info.account = std::string(account);
  std::string id = Input(input, InputOf(form));
  // A handshake is named by its own ARN whoever asks: the account it invites answers it from
  // outside any organization.
  if (form == ResourceForm::kOrgHandshake) {
    if (auto handshake = directory.Get<model::Handshake>(id)) {
      info.arn = HandshakeArn(*handshake);
      return info;
    }
  }
  std::optional<Membership> membership = FindMembership(directory, account);
  if (!membership) return info;
  const model::Organization& org = *membership->organization;
  switch (form) {
    case ResourceForm::kOrgHandshake:
      info.arn = org.ArnPrefix() + "handshake/" + org.id + "/invite/" + id;
      return info;
    case ResourceForm::kOrgPolicy:
      info.arn = FindPolicyArn(directory, org, id);
      if (auto policy = directory.Get<model::OrganizationPolicy>(org.id + "/" + id)) {
        info.tags = TagPairs(policy->tags);
      }
      return info;
    case ResourceForm::kOrgTransfer: {
      auto transfer = directory.Get<model::ResponsibilityTransfer>(id);
      TransferSide side =
          transfer != nullptr ? SideOf(directory, *transfer, org) : TransferSide::kNone;
      info.arn = TransferArn(org, side, id);
      if (side != TransferSide::kNone) info.tags = TagPairs(transfer->tags);
      return info;
    }
    case ResourceForm::kOrgResource:
      if (id.starts_with("p-")) {
        info.arn = FindPolicyArn(directory, org, id);
        if (auto policy = directory.Get<model::OrganizationPolicy>(org.id + "/" + id)) {
          info.tags = TagPairs(policy->tags);
        }
        return info;
      }
      break;
    default:
      break;
  }
  if (std::optional<Node> node = FindNode(directory, org, id)) {
    info.arn = node->arn;
    info.tags = TagPairs(node->tags);
  } else if (id.starts_with("ou-")) {
    info.arn = OuArn(org, id);
  } else if (id.starts_with("r-")) {
    info.arn = org.ArnPrefix() + "root/" + org.id + "/" + id;
  } else {
    info.arn = AccountArn(org, id);
  }
  return info;
}

}  // namespace gatehouse::services::organizations
