// iam: GetAccountAuthorizationDetails — the account's users, groups, roles and managed policies
// (customer managed ones, and AWS managed ones attached to something in the account) with
// everything attached to them; filtered by entity type and paged (Marker, MaxItems) across the
// whole answer, users first, then groups, roles and policies. Policy documents are URL-encoded,
// as AWS returns them.
#include <functional>

#include "core/strings.h"
#include "core/time_format.h"
#include "core/uri.h"
#include "services/iam/account_operations.h"
#include "services/iam/pagination.h"
#include "services/iam/role_common.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// One entry of the answer, built only when its page is asked for. The marker sorts the sections
// in AWS's order and the entries of a section by name.
struct Entry {
  std::string marker;
  const char* list;  // UserDetailList, GroupDetailList, RoleDetailList or Policies
  std::function<json()> make;
};

std::string NameOf(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// [{PolicyName, PolicyDocument}] of inline policies.
template <typename Policies>
json InlineJson(const Policies& policies) {
  json out = json::array();
  for (const auto& p : policies) {
    out.push_back({{"PolicyName", p->name}, {"PolicyDocument", UriEncode(p->document)}});
  }
  return out;
}

// [{PolicyName, PolicyArn}] of attached managed policies.
json AttachedJson(const std::vector<std::string>& arns) {
  json out = json::array();
  for (const std::string& arn : arns) {
    out.push_back({{"PolicyName", NameOf(arn)}, {"PolicyArn", arn}});
  }
  return out;
}

template <typename Attachments>
std::vector<std::string> ArnsOf(const Attachments& attachments) {
  std::vector<std::string> arns;
  for (const auto& a : attachments) arns.push_back(a->policy_arn);
  return arns;
}

json UserDetail(const store::Directory& dir, const model::User& u) {
  const std::string& account = u.account_id;
  const std::string key = model::RecordKey({account, u.name});
  json groups = json::array();
  for (const auto& member : dir.Scan<model::GroupMember>(key + "/")) {
    auto group = dir.Get<model::Group>(model::RecordKey({account, member->group_name}));
    groups.push_back(group != nullptr ? group->name : member->group_name);
  }
  json out = {{"Path", u.path},
              {"UserName", u.name},
              {"UserId", u.id},
              {"Arn", u.Arn()},
              {"CreateDate", FormatIsoTime(u.created_ms)},
              {"UserPolicyList", InlineJson(dir.UserPolicies(account, u.name))},
              {"GroupList", std::move(groups)},
              {"AttachedManagedPolicies", AttachedJson(dir.UserAttachedPolicies(account, u.name))}};
  if (auto boundary = dir.Get<model::UserBoundary>(key)) {
    out["PermissionsBoundary"] = BoundaryJson(boundary->policy_arn);
  }
  ShowTags(out, u.tags, TagsShown::kAlways);
  return out;
}

json GroupDetail(const store::Directory& dir, const model::Group& g) {
  const std::string prefix = g.Key() + "/";
  return {
      {"Path", g.path},
      {"GroupName", g.name},
      {"GroupId", g.id},
      {"Arn", g.Arn()},
      {"CreateDate", FormatIsoTime(g.created_ms)},
      {"GroupPolicyList", InlineJson(dir.Scan<model::GroupPolicy>(prefix))},
      {"AttachedManagedPolicies", AttachedJson(ArnsOf(dir.Scan<model::GroupAttachment>(prefix)))}};
}

json RoleDetail(const IamContext& iam, const model::Role& r) {
  const store::Directory& dir = iam.state.directory();
  const std::string prefix = r.Key() + "/";
  json profiles = json::array();
  for (const auto& p : dir.Scan<model::InstanceProfile>(model::RecordKey({r.account_id}) + "/")) {
    for (const std::string& name : p->role_names) {
      if (EqualsIgnoreCase(name, r.name))
        profiles.push_back(InstanceProfileJson(dir, *p, TagsShown::kWhenAny));
    }
  }
  json out = RoleJson(r, RoleView::kList);
  out["InstanceProfileList"] = std::move(profiles);
  out["RolePolicyList"] = InlineJson(dir.Scan<model::RolePolicy>(prefix));
  out["AttachedManagedPolicies"] = AttachedJson(ArnsOf(dir.Scan<model::RoleAttachment>(prefix)));
  if (!r.permissions_boundary.empty()) {
    out["PermissionsBoundary"] = BoundaryJson(r.permissions_boundary);
  }
  ShowTags(out, r.tags, TagsShown::kAlways);
  out["RoleLastUsed"] = RoleLastUsedJson(RoleLastUsedOf(iam, r));
  return out;
}

// How many users and roles of `account` have `arn` as their permissions boundary.
int64_t BoundaryUsage(const store::Directory& dir, const std::string& account,
                      const std::string& arn) {
  const std::string prefix = model::RecordKey({account}) + "/";
  int64_t count = 0;
  for (const auto& b : dir.Scan<model::UserBoundary>(prefix)) count += b->policy_arn == arn;
  for (const auto& r : dir.Scan<model::Role>(prefix)) count += r->permissions_boundary == arn;
  return count;
}

json PolicyDetail(const store::Directory& dir, const std::string& account, json head,
                  json versions) {
  const std::string arn = head.at("Arn");
  head["AttachmentCount"] = dir.AttachmentCount(account, arn);
  head["PermissionsBoundaryUsageCount"] = BoundaryUsage(dir, account, arn);
  if (!head.contains("IsAttachable")) head["IsAttachable"] = true;
  head["PolicyVersionList"] = std::move(versions);
  return head;
}

json CustomerPolicyDetail(const store::Directory& dir, const model::ManagedPolicy& p) {
  json versions = json::array();
  for (const model::PolicyVersion& v : p.versions) {
    versions.push_back({{"Document", UriEncode(v.document)},
                        {"VersionId", v.id},
                        {"IsDefaultVersion", v.id == p.default_version},
                        {"CreateDate", FormatIsoTime(v.created_ms)}});
  }
  return PolicyDetail(dir, p.account_id,
                      {{"PolicyName", p.name},
                       {"PolicyId", p.id},
                       {"Arn", p.Arn()},
                       {"Path", p.path},
                       {"DefaultVersionId", p.default_version},
                       {"CreateDate", FormatIsoTime(p.created_ms)},
                       {"UpdateDate", FormatIsoTime(p.updated_ms)}},
                      std::move(versions));
}

json AwsPolicyDetail(const store::Directory& dir, const std::string& account,
                     const AwsManagedPolicy& p) {
  json version = {{"Document", UriEncode(p.document)},
                  {"VersionId", p.default_version},
                  {"IsDefaultVersion", true},
                  {"CreateDate", p.updated}};
  return PolicyDetail(dir, account,
                      {{"PolicyName", p.name},
                       {"PolicyId", p.id},
                       {"Arn", p.arn},
                       {"Path", p.path},
                       {"DefaultVersionId", p.default_version},
                       {"CreateDate", p.created},
                       {"UpdateDate", p.updated},
                       {"IsAttachable", p.Attachable()}},
                      json::array({std::move(version)}));
}

// Every entry the filter asks for, in marker order.
std::vector<Entry> Entries(const IamContext& iam, const std::string& account, const json& input) {
  auto wanted = [&](std::string_view type) {
    auto filter = input.find("Filter");
    if (filter == input.end() || filter->empty()) return true;
    for (const json& f : *filter) {
      if (f == type) return true;
    }
    return false;
  };
  const store::Directory& dir = iam.state.directory();
  const std::string prefix = model::RecordKey({account}) + "/";
  std::vector<Entry> entries;
  if (wanted("User")) {
    auto users = dir.ListUsers(account);
    std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
      return AsciiLower(a->name) < AsciiLower(b->name);
    });
    for (const auto& u : users) {
      entries.push_back(
          {"1" + AsciiLower(u->name), "UserDetailList", [&dir, u] { return UserDetail(dir, *u); }});
    }
  }
  if (wanted("Group")) {
    for (const auto& g : dir.Scan<model::Group>(prefix)) {
      entries.push_back({"2" + g->Key().substr(prefix.size()), "GroupDetailList",
                         [&dir, g] { return GroupDetail(dir, *g); }});
    }
  }
  if (wanted("Role")) {
    for (const auto& r : dir.Scan<model::Role>(prefix)) {
      entries.push_back({"3" + r->Key().substr(prefix.size()), "RoleDetailList",
                         [&iam, r] { return RoleDetail(iam, *r); }});
    }
  }
  std::vector<Entry> policies;
  if (wanted("LocalManagedPolicy")) {
    for (const auto& p : dir.Scan<model::ManagedPolicy>(prefix)) {
      policies.push_back({"4" + AsciiLower(p->Arn()), "Policies",
                          [&dir, p] { return CustomerPolicyDetail(dir, *p); }});
    }
  }
  if (wanted("AWSManagedPolicy")) {
    for (const auto& [arn, p] : iam.catalog.all()) {
      if (dir.AttachmentCount(account, arn) == 0) continue;
      policies.push_back({"4" + AsciiLower(arn), "Policies",
                          [&dir, &account, p = &p] { return AwsPolicyDetail(dir, account, *p); }});
    }
  }
  std::sort(policies.begin(), policies.end(),
            [](const Entry& a, const Entry& b) { return a.marker < b.marker; });
  for (Entry& p : policies) entries.push_back(std::move(p));
  return entries;
}

}  // namespace

void RegisterAuthorizationDetailsOperation(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "GetAccountAuthorizationDetails",
             [&iam](const OperationContext& c) -> Result<json> {
               const std::string& account = c.caller.account_id;
               json out = {{"UserDetailList", json::array()},
                           {"GroupDetailList", json::array()},
                           {"RoleDetailList", json::array()},
                           {"Policies", json::array()}};
               std::vector<Entry> entries = Entries(iam, account, c.input);
               for (const Entry& e : SlicePage(
                        entries, ReadPage(c.input), [](const Entry& e) { return e.marker; }, out)) {
                 out[e.list].push_back(e.make());
               }
               return out;
             });
}

}  // namespace gatehouse::services::iam
