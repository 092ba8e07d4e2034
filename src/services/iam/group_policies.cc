// iam: PutGroupPolicy, GetGroupPolicy, ListGroupPolicies, DeleteGroupPolicy (inline policies),
// and AttachGroupPolicy, DetachGroupPolicy, ListAttachedGroupPolicies (managed policies). The
// rules are those of users' and roles' policies (attachments.h) with a group's quotas.
#include "services/iam/attachments.h"
#include "services/iam/groups.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The group the request names (input GroupName), or NoSuchEntity.
Result<std::shared_ptr<const model::Group>> InputGroup(const IamContext& iam,
                                                       const OperationContext& c) {
  return FindGroup(iam.state.directory(), c.caller.account_id,
                   c.input.at("GroupName").get<std::string>());
}

// The inline policy `name` of `group` (regardless of case), or NoSuchEntity.
Result<std::shared_ptr<const model::GroupPolicy>> FindGroupPolicy(const IamContext& iam,
                                                                  const model::Group& group,
                                                                  const std::string& name) {
  auto p = iam.state.directory().Get<model::GroupPolicy>(
      model::RecordKey({group.account_id, group.name, name}));
  if (p == nullptr) return NoSuchInlinePolicy("group", name);
  return p;
}

void RegisterInlinePolicies(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "PutGroupPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("PolicyName");
    std::string document = c.input.at("PolicyDocument");
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    const model::Group& g = **group;
    auto policies = iam.state.directory().Scan<model::GroupPolicy>(GroupRecordPrefix(g));
    Result<std::string> stored_name =
        CheckInlinePolicyPut(policies, name, document, "group", g.name);
    if (!stored_name.ok()) return stored_name.status();
    store::WriteBatch batch{
        {store::Put<model::GroupPolicy>{{g.account_id, g.name, *stored_name, document}}},
        {store::Unchanged(g)}};
    store::AppendSameRange(policies, GroupRecordPrefix(g), batch.preconditions);
    Status s = iam.state.Commit(batch);
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "GetGroupPolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    auto p = FindGroupPolicy(iam, **group, c.input.at("PolicyName").get<std::string>());
    if (!p.ok()) return p.status();
    return InlinePolicyJson("GroupName", (*group)->name, (*p)->name, (*p)->document);
  });

  d.Register("iam", "ListGroupPolicies", [&iam](const OperationContext& c) -> Result<json> {
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    return InlinePolicyNamesJson(
        iam.state.directory().Scan<model::GroupPolicy>(GroupRecordPrefix(**group)), c.input);
  });

  d.Register("iam", "DeleteGroupPolicy", [&iam](const OperationContext& c) -> Result<json> {
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    auto p = FindGroupPolicy(iam, **group, c.input.at("PolicyName").get<std::string>());
    if (!p.ok()) return p.status();
    Status s = iam.state.Commit({.writes = {store::Erase<model::GroupPolicy>::Of(**p)},
                                 .preconditions = {store::Unchanged(**p)}});
    if (!s.ok()) return s;
    return json::object();
  });
}

void RegisterAttachedPolicies(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "AttachGroupPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string arn = c.input.at("PolicyArn");
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    const model::Group& g = **group;
    Result<bool> write = CheckAttach(
        iam, g.account_id, GroupAttachedPolicies(iam.state.directory(), g), arn, kGroupTarget);
    if (!write.ok()) return write.status();
    if (!*write) return json::object();
    store::WriteBatch batch{{store::Put<model::GroupAttachment>{{g.account_id, g.name, arn}}},
                            {store::Unchanged(g)}};
    store::AppendSameRange(iam.state.directory().Scan<model::GroupAttachment>(GroupRecordPrefix(g)),
                           GroupRecordPrefix(g), batch.preconditions);
    for (auto& p : AttachedPolicyPreconditions(iam, g.account_id, arn)) {
      batch.preconditions.push_back(std::move(p));
    }
    Status s = iam.state.Commit(batch);
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "DetachGroupPolicy", [&iam](const OperationContext& c) -> Result<json> {
    std::string arn = c.input.at("PolicyArn");
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    const model::Group& g = **group;
    Status found = CheckDetach(GroupAttachedPolicies(iam.state.directory(), g), arn);
    if (!found.ok()) return found;
    model::GroupAttachment attachment{g.account_id, g.name, arn};
    if (auto stored = iam.state.directory().Get<model::GroupAttachment>(attachment.Key())) {
      attachment = *stored;
    }
    Status s = iam.state.Commit({.writes = {store::Erase<model::GroupAttachment>::Of(attachment)},
                                 .preconditions = {store::Unchanged(attachment)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListAttachedGroupPolicies", [&iam](const OperationContext& c) -> Result<json> {
    auto group = InputGroup(iam, c);
    if (!group.ok()) return group.status();
    return AttachedPoliciesJson(GroupAttachedPolicies(iam.state.directory(), **group), c.input);
  });
}

}  // namespace

void RegisterGroupPolicyOperations(Dispatcher& d, IamContext& iam) {
  RegisterInlinePolicies(d, iam);
  RegisterAttachedPolicies(d, iam);
}

}  // namespace gatehouse::services::iam
