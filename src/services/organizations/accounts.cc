// organizations: CreateAccount, CreateGovCloudAccount, DescribeCreateAccountStatus,
// ListCreateAccountStatus, DescribeAccount, ListAccounts, ListAccountsForParent, MoveAccount,
// CloseAccount, RemoveAccountFromOrganization, LeaveOrganization, TagResource, UntagResource,
// ListTagsForResource. CreateAccount answers IN_PROGRESS and leaves the account's making to the
// AccountCreationQueue (account_creation.h holds what it does); with no queue, as in tests of
// the handlers alone, the request is completed before the answer.
#include <algorithm>
#include <functional>

#include "core/ids.h"
#include "core/strings.h"
#include "services/accounts/new_account.h"
#include "services/iam/pagination.h"
#include "services/organizations/account_creation.h"
#include "services/organizations/account_creation_queue.h"
#include "services/organizations/all_features.h"
#include "services/organizations/input_errors.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

Status MasterCannotLeave() {
  return Status(ErrorCode::kMasterCannotLeaveOrganizationException,
                "You can't remove the management account from an organization. If you want the "
                "management account to become a member account in another organization, you "
                "must first delete the current organization of the management account.");
}

Status TagTargetNotFound() {
  return Status(ErrorCode::kTargetNotFoundException, "You specified a target that doesn't exist.");
}

// The writes that take `member` out of its organization: its membership and the policies
// attached to it. The account itself stays, standalone. A delegated administrator must be
// deregistered first, as AWS requires.
Status RemovalWrites(const store::Directory& dir, const model::OrganizationAccount& member,
                     int64_t now_ms, store::WriteBatch& batch) {
  const std::string prefix = member.organization_id + "/" + member.account_id + "/";
  if (!dir.Scan<model::DelegatedAdministrator>(prefix, "", 1).empty()) {
    return Status(ErrorCode::kConstraintViolationException,
                  "You cannot remove a delegated administrator from the organization: "
                  "deregister it as a delegated administrator first.",
                  "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
  }
  batch.preconditions.push_back(store::NoneUnder<model::DelegatedAdministrator>(prefix));
  LeaveWrites(member, batch);
  MemberLeavesWrites(dir, member, now_ms, batch);
  auto attachments = dir.Scan<model::PolicyAttachment>(prefix);
  store::AppendSameRange(attachments, prefix, batch.preconditions);
  for (const auto& a : attachments) {
    batch.writes.push_back(store::Erase<model::PolicyAttachment>::Of(*a));
  }
  return Status::Ok();
}

void RegisterCreation(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "CreateAccount", [&org](const OperationContext& c) -> Result<json> {
    iam::IamContext& iam = org.iam;
    const store::Directory& dir = iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    model::AccountCreation request;
    request.organization_id = o.id;
    request.account_name = c.input.at("AccountName").get<std::string>();
    request.email = c.input.at("Email").get<std::string>();
    if (!accounts::ValidateAccountName(request.account_name).ok()) {
      return InvalidInput("INVALID_PATTERN");
    }
    request.role_name = c.input.value("RoleName", kOrganizationAccountAccessRole);
    request.iam_user_access_to_billing = c.input.value("IamUserAccessToBilling", "ALLOW");
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> applied = ApplyTags({}, *tags);
      if (!applied.ok()) return applied.status();
      request.tags = std::move(applied).value();
    }
    do {
      request.id = NewCreateAccountRequestId(iam.random);
    } while (dir.Get<model::AccountCreation>(request.Key()) != nullptr);
    request.requested_ms = iam.now_ms();
    if (org.creations != nullptr) {
      if (Status s = org.creations->Submit(request); !s.ok()) return s;
    } else {
      Status s = iam.state.Commit({{store::Put<model::AccountCreation>{request, /*create=*/true}}});
      if (!s.ok()) return s;
      CompleteAccountCreations(org, {request.Key()});
    }
    return json{{"CreateAccountStatus", CreateAccountStatusJson(request)}};
  });

  // gatehouse has no GovCloud partition, so no management account is associated with a GovCloud
  // account: AWS's answer for such an account.
  d.Register("organizations", "CreateGovCloudAccount",
             [&org](const OperationContext& c) -> Result<json> {
               RETURN_IF_ERROR(ManagementMembership(org.iam.state.directory(), c).status());
               return Status(ErrorCode::kConstraintViolationException,
                             "The management account is not associated with an AWS GovCloud "
                             "(US) account, so it cannot create one.",
                             "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED");
             });

  d.Register("organizations", "DescribeCreateAccountStatus",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               std::string id = c.input.at("CreateAccountRequestId");
               auto request = dir.Get<model::AccountCreation>(m->organization->id + "/" + id);
               if (request == nullptr) {
                 return Status(
                     ErrorCode::kCreateAccountStatusNotFoundException,
                     "We can't find an create account request with the CreateAccountRequestId "
                     "that you specified.");
               }
               return json{{"CreateAccountStatus", CreateAccountStatusJson(*request)}};
             });

  d.Register("organizations", "ListCreateAccountStatus",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               std::vector<std::string> states;
               if (auto given = c.input.find("States"); given != c.input.end()) {
                 for (const json& state : *given) states.push_back(state.get<std::string>());
               }
               json out;
               json statuses = json::array();
               for (const auto& request : iam::ScanPage<model::AccountCreation>(
                        dir, m->organization->id + "/", iam::ReadOrganizationsPage(c.input),
                        [&states](const model::AccountCreation& r) {
                          return states.empty() ||
                                 std::find(states.begin(), states.end(), r.state) != states.end();
                        },
                        out)) {
                 statuses.push_back(CreateAccountStatusJson(*request));
               }
               out["CreateAccountStatuses"] = std::move(statuses);
               return out;
             });
}

void RegisterAccountReads(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "DescribeAccount", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    auto member = FindAccount(dir, *m->organization, c.input.at("AccountId"));
    if (!member.ok()) return member.status();
    return json{{"Account", AccountJson(dir, *m->organization, **member)}};
  });

  d.Register("organizations", "ListAccounts", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    json out;
    json accounts = json::array();
    for (const auto& member : iam::ScanPage<model::OrganizationAccount>(
             dir, o.id + "/", iam::ReadOrganizationsPage(c.input),
             [](const model::OrganizationAccount&) { return true; }, out)) {
      accounts.push_back(AccountJson(dir, o, *member));
    }
    out["Accounts"] = std::move(accounts);
    return out;
  });

  d.Register(
      "organizations", "ListAccountsForParent", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        std::string parent = c.input.at("ParentId");
        std::optional<Node> node = FindNode(dir, o, parent);
        if (!node || node->type == NodeType::kAccount) {
          return Status(ErrorCode::kParentNotFoundException,
                        "We can't find a root or OU with the ParentId that you specified.");
        }
        json out;
        json accounts = json::array();
        for (const auto& member : iam::ScanPage<model::OrganizationAccount>(
                 dir, o.id + "/", iam::ReadOrganizationsPage(c.input),
                 [&parent](const model::OrganizationAccount& a) { return a.parent_id == parent; },
                 out)) {
          accounts.push_back(AccountJson(dir, o, *member));
        }
        out["Accounts"] = std::move(accounts);
        return out;
      });
}

void RegisterChanges(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "MoveAccount", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    auto member = FindAccount(dir, o, c.input.at("AccountId"));
    if (!member.ok()) return member.status();
    const std::string source_id = c.input.at("SourceParentId");
    const std::string destination_id = c.input.at("DestinationParentId");
    std::optional<Node> source = FindNode(dir, o, source_id);
    if (!source || source->type == NodeType::kAccount) {
      return Status(ErrorCode::kSourceParentNotFoundException,
                    "You specified a source parent that doesn't exist.");
    }
    std::optional<Node> destination = FindNode(dir, o, destination_id);
    if (!destination || destination->type == NodeType::kAccount) {
      return Status(ErrorCode::kDestinationParentNotFoundException,
                    "You specified a destination parent that doesn't exist.");
    }
    if ((*member)->parent_id != source->id) {
      return Status(ErrorCode::kAccountNotFoundException,
                    "You specified an account that doesn't exist under the source parent.");
    }
    if (source->id == destination->id) {
      return Status(ErrorCode::kDuplicateAccountException,
                    "That account is already present in the specified destination.");
    }
    model::OrganizationAccount moved = **member;
    moved.parent_id = destination->id;
    if (Status s = org.iam.state.Commit(
            {.writes = {store::Put<model::OrganizationAccount>{moved}},
             .preconditions = {store::Unchanged(**member), NodeUnchanged(dir, o, *destination)}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register("organizations", "CloseAccount", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    std::string id = c.input.at("AccountId");
    if (id == o.management_account_id) {
      return Status(ErrorCode::kConstraintViolationException,
                    "You attempted to close the management account. To close the management "
                    "account, remove or close every member account, delete the organization, "
                    "then close the account as a standalone account.",
                    "CANNOT_CLOSE_MANAGEMENT_ACCOUNT");
    }
    auto member = FindAccount(dir, o, id);
    if (!member.ok()) return member.status();
    if ((*member)->status == model::kAccountSuspended) {
      return Status(ErrorCode::kAccountAlreadyClosedException,
                    "You attempted to close an account that is already closed.");
    }
    model::OrganizationAccount closed = **member;
    closed.status = model::kAccountSuspended;
    if (Status s = org.iam.state.Commit({.writes = {store::Put<model::OrganizationAccount>{closed}},
                                         .preconditions = {store::Unchanged(**member)}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register("organizations", "RemoveAccountFromOrganization",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               const model::Organization& o = *m->organization;
               std::string id = c.input.at("AccountId");
               if (id == o.management_account_id) return MasterCannotLeave();
               auto member = FindAccount(dir, o, id);
               if (!member.ok()) return member.status();
               store::WriteBatch batch;
               RETURN_IF_ERROR(RemovalWrites(dir, **member, org.iam.now_ms(), batch));
               if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
               return json::object();
             });

  d.Register("organizations", "LeaveOrganization",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = CallerMembership(dir, c);
               if (!m.ok()) return m.status();
               if (m->IsManagement()) return MasterCannotLeave();
               store::WriteBatch batch;
               RETURN_IF_ERROR(RemovalWrites(dir, *m->account, org.iam.now_ms(), batch));
               if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
               return json::object();
             });
}

// A taggable resource of the organization: an account, an OU, the root or a policy. Reads its
// tags, and gives the write that replaces them.
struct Taggable {
  std::vector<model::Tag> tags;
  std::function<store::Write(std::vector<model::Tag>)> replace;
  store::Precondition read;  // the resource is still as read
};

Result<Taggable> FindTaggable(const store::Directory& dir, const model::Organization& o,
                              const std::string& id) {
  if (id == o.root_id) {
    return Taggable{o.root_tags,
                    [o](std::vector<model::Tag> tags) -> store::Write {
                      model::Organization updated = o;
                      updated.root_tags = std::move(tags);
                      return store::Put<model::Organization>{std::move(updated)};
                    },
                    store::Unchanged(o)};
  }
  const std::string key = o.id + "/" + id;
  if (StartsWith(id, "ou-")) {
    auto ou = dir.Get<model::OrganizationalUnit>(key);
    if (ou == nullptr) return TagTargetNotFound();
    return Taggable{ou->tags,
                    [ou](std::vector<model::Tag> tags) -> store::Write {
                      model::OrganizationalUnit updated = *ou;
                      updated.tags = std::move(tags);
                      return store::Put<model::OrganizationalUnit>{std::move(updated)};
                    },
                    store::Unchanged(*ou)};
  }
  if (StartsWith(id, "p-")) {
    auto policy = dir.Get<model::OrganizationPolicy>(key);
    if (policy == nullptr) return TagTargetNotFound();
    return Taggable{policy->tags,
                    [policy](std::vector<model::Tag> tags) -> store::Write {
                      model::OrganizationPolicy updated = *policy;
                      updated.tags = std::move(tags);
                      return store::Put<model::OrganizationPolicy>{std::move(updated)};
                    },
                    store::Unchanged(*policy)};
  }
  auto member = FindMember(dir, o, id);
  if (member == nullptr) return TagTargetNotFound();
  return Taggable{member->tags,
                  [member](std::vector<model::Tag> tags) -> store::Write {
                    model::OrganizationAccount updated = *member;
                    updated.tags = std::move(tags);
                    return store::Put<model::OrganizationAccount>{std::move(updated)};
                  },
                  store::Unchanged(*member)};
}

json TagsJson(const std::vector<model::Tag>& tags) {
  json out = json::array();
  for (const model::Tag& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

void RegisterTags(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "TagResource", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    Result<Taggable> target = FindTaggable(dir, *m->organization, c.input.at("ResourceId"));
    if (!target.ok()) return target.status();
    Result<std::vector<model::Tag>> tags = ApplyTags(target->tags, c.input.at("Tags"));
    if (!tags.ok()) return tags.status();
    if (Status s = org.iam.state.Commit({.writes = {target->replace(std::move(tags).value())},
                                         .preconditions = {target->read}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register("organizations", "UntagResource", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    Result<Taggable> target = FindTaggable(dir, *m->organization, c.input.at("ResourceId"));
    if (!target.ok()) return target.status();
    std::vector<model::Tag> tags = target->tags;
    for (const json& key : c.input.at("TagKeys")) {
      std::string k = key.get<std::string>();
      std::erase_if(tags, [&k](const model::Tag& t) { return t.key == k; });
    }
    if (Status s = org.iam.state.Commit(
            {.writes = {target->replace(std::move(tags))}, .preconditions = {target->read}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register(
      "organizations", "ListTagsForResource", [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        Result<Taggable> target = FindTaggable(dir, *m->organization, c.input.at("ResourceId"));
        if (!target.ok()) return target.status();
        // At most 50 tags: one page always holds them.
        return json{{"Tags", TagsJson(target->tags)}};
      });
}

}  // namespace

void RegisterAccountOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterCreation(d, org);
  RegisterAccountReads(d, org);
  RegisterChanges(d, org);
  RegisterTags(d, org);
}

}  // namespace gatehouse::services::organizations
