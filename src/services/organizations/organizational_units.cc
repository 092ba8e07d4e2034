// organizations: ListRoots, CreateOrganizationalUnit, DescribeOrganizationalUnit,
// UpdateOrganizationalUnit, DeleteOrganizationalUnit, ListOrganizationalUnitsForParent,
// ListChildren, ListParents. An OU is keyed by its organization and id, its parent kept in it,
// so a parent's children are found by filtering the organization's OUs (or accounts).
#include "core/ids.h"
#include "core/strings.h"
#include "services/iam/pagination.h"
#include "services/organizations/organization_common.h"
#include "services/organizations/organization_policies.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

constexpr size_t kOusPerOrganization = 1000;

Status ParentNotFound() {
  return Status(ErrorCode::kParentNotFoundException,
                "We can't find a root or OU with the ParentId that you specified.");
}

Status OuNotFound() {
  return Status(ErrorCode::kOrganizationalUnitNotFoundException,
                "We can't find an OU with the OrganizationalUnitId that you specified.");
}

Status DuplicateOu() {
  return Status(ErrorCode::kDuplicateOrganizationalUnitException,
                "An OU with the same name already exists.");
}

// The root or OU `id` of `org`, or ParentNotFoundException.
Result<Node> FindParent(const store::Directory& dir, const model::Organization& org,
                        const std::string& id) {
  std::optional<Node> node = FindNode(dir, org, id);
  if (!node || node->type == NodeType::kAccount) return ParentNotFound();
  return *std::move(node);
}

Result<std::shared_ptr<const model::OrganizationalUnit>> FindOu(const store::Directory& dir,
                                                                const model::Organization& org,
                                                                const std::string& id) {
  auto ou = dir.Get<model::OrganizationalUnit>(org.id + "/" + id);
  if (ou == nullptr) return OuNotFound();
  return ou;
}

bool NameTakenUnder(const store::Directory& dir, const model::Organization& org,
                    const std::string& parent, const std::string& name,
                    const std::string& except_id = "") {
  for (const auto& ou : dir.Scan<model::OrganizationalUnit>(org.id + "/")) {
    if (ou->parent_id == parent && ou->name == name && ou->id != except_id) return true;
  }
  return false;
}

// The precondition that no OU named `name` (under any parent) was added since the read: what
// NameTakenUnder decided on.
store::Precondition NoNewOuNamesake(const store::Directory& dir, const model::Organization& org,
                                    const std::string& name) {
  int64_t namesakes = 0;
  for (const auto& ou : dir.Scan<model::OrganizationalUnit>(org.id + "/")) {
    if (EqualsIgnoreCase(ou->name, name)) ++namesakes;
  }
  return store::ExpectFewer<model::OrganizationalUnit>{org.id + "/", namesakes + 1, "name", name};
}

json ParentJson(const Node& node) { return {{"Id", node.id}, {"Type", NodeTypeName(node.type)}}; }

void RegisterOuLifecycle(Dispatcher& d, OrganizationsContext& org) {
  d.Register(
      "organizations", "CreateOrganizationalUnit",
      [&org](const OperationContext& c) -> Result<json> {
        iam::IamContext& iam = org.iam;
        const store::Directory& dir = iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        Result<Node> parent = FindParent(dir, o, c.input.at("ParentId"));
        if (!parent.ok()) return parent.status();
        // The root plus at most five levels of OUs below it.
        if (PathToRoot(dir, o, parent->id).size() > kMaxOuDepth) {
          return Status(ErrorCode::kConstraintViolationException,
                        "You attempted to create an OU tree that is too many levels deep.",
                        "OU_DEPTH_LIMIT_EXCEEDED");
        }
        if (dir.Scan<model::OrganizationalUnit>(o.id + "/", "", kOusPerOrganization).size() >=
            kOusPerOrganization) {
          return Status(ErrorCode::kConstraintViolationException,
                        "You have reached the maximum number of OUs in your organization.",
                        "OU_NUMBER_LIMIT_EXCEEDED");
        }
        std::string name = c.input.at("Name");
        if (NameTakenUnder(dir, o, parent->id, name)) return DuplicateOu();
        model::OrganizationalUnit ou;
        ou.organization_id = o.id;
        do {
          ou.id = NewOrganizationalUnitId(iam.random, o.root_id);
        } while (dir.Get<model::OrganizationalUnit>(ou.Key()) != nullptr);
        ou.parent_id = parent->id;
        ou.name = name;
        ou.created_ms = iam.now_ms();
        if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
          Result<std::vector<model::Tag>> applied = ApplyTags({}, *tags);
          if (!applied.ok()) return applied.status();
          ou.tags = std::move(applied).value();
        }
        store::WriteBatch batch;
        batch.preconditions = {NodeUnchanged(dir, o, *parent),
                               store::ExpectFewer<model::OrganizationalUnit>{
                                   o.id + "/", static_cast<int64_t>(kOusPerOrganization), {}, {}},
                               NoNewOuNamesake(dir, o, name)};
        batch.writes.push_back(store::Put<model::OrganizationalUnit>{ou, /*create=*/true});
        AttachAwsManagedPolicies(o, ou.id, batch);
        if (Status s = iam.state.Commit(batch); !s.ok()) return s;
        return json{{"OrganizationalUnit", OuJson(o, ou)}};
      });

  d.Register("organizations", "DescribeOrganizationalUnit",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               auto ou = FindOu(dir, *m->organization, c.input.at("OrganizationalUnitId"));
               if (!ou.ok()) return ou.status();
               return json{{"OrganizationalUnit", OuJson(*m->organization, **ou)}};
             });

  d.Register("organizations", "UpdateOrganizationalUnit",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               const model::Organization& o = *m->organization;
               auto ou = FindOu(dir, o, c.input.at("OrganizationalUnitId"));
               if (!ou.ok()) return ou.status();
               model::OrganizationalUnit updated = **ou;
               if (auto name = c.input.find("Name"); name != c.input.end()) {
                 updated.name = *name;
                 if (NameTakenUnder(dir, o, updated.parent_id, updated.name, updated.id)) {
                   return DuplicateOu();
                 }
                 if (Status s = org.iam.state.Commit(
                         {.writes = {store::Put<model::OrganizationalUnit>{updated}},
                          .preconditions = {store::Unchanged(**ou),
                                            NoNewOuNamesake(dir, o, updated.name)}});
                     !s.ok()) {
                   return s;
                 }
               }
               return json{{"OrganizationalUnit", OuJson(o, updated)}};
             });

  d.Register("organizations", "DeleteOrganizationalUnit",
             [&org](const OperationContext& c) -> Result<json> {
               const store::Directory& dir = org.iam.state.directory();
               Result<Membership> m = ManagementMembership(dir, c);
               if (!m.ok()) return m.status();
               const model::Organization& o = *m->organization;
               auto ou = FindOu(dir, o, c.input.at("OrganizationalUnitId"));
               if (!ou.ok()) return ou.status();
               const std::string& id = (*ou)->id;
               bool has_children = false;
               for (const auto& child : dir.Scan<model::OrganizationalUnit>(o.id + "/")) {
                 has_children = has_children || child->parent_id == id;
               }
               for (const auto& member : dir.Scan<model::OrganizationAccount>(o.id + "/")) {
                 has_children = has_children || member->parent_id == id;
               }
               if (has_children) {
                 return Status(
                     ErrorCode::kOrganizationalUnitNotEmptyException,
                     "The specified OU is not empty. Move all accounts to another root or OU and "
                     "delete all child OUs, then try the operation again.");
               }
               store::WriteBatch batch;
               batch.preconditions = {
                   store::Unchanged(**ou),
                   store::NoneUnder<model::OrganizationalUnit>(o.id + "/", "parent_id", id),
                   store::NoneUnder<model::OrganizationAccount>(o.id + "/", "parent_id", id)};
               store::AppendSameRange(dir.Scan<model::PolicyAttachment>(o.id + "/" + id + "/"),
                                      o.id + "/" + id + "/", batch.preconditions);
               batch.writes.push_back(store::Erase<model::OrganizationalUnit>::Of(**ou));
               for (const auto& a : dir.Scan<model::PolicyAttachment>(o.id + "/" + id + "/")) {
                 batch.writes.push_back(store::Erase<model::PolicyAttachment>::Of(*a));
               }
               if (Status s = org.iam.state.Commit(batch); !s.ok()) return s;
               return json::object();
             });
}

void RegisterTree(Dispatcher& d, OrganizationsContext& org) {
  d.Register("organizations", "ListRoots", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    // One root per organization: the first page holds it, whatever MaxResults says.
    return json{{"Roots", json::array({RootJson(*m->organization)})}};
  });

  d.Register(
      "organizations", "ListOrganizationalUnitsForParent",
      [&org](const OperationContext& c) -> Result<json> {
        const store::Directory& dir = org.iam.state.directory();
        Result<Membership> m = ManagementMembership(dir, c);
        if (!m.ok()) return m.status();
        const model::Organization& o = *m->organization;
        Result<Node> parent = FindParent(dir, o, c.input.at("ParentId"));
        if (!parent.ok()) return parent.status();
        json out;
        json ous = json::array();
        for (const auto& ou : iam::ScanPage<model::OrganizationalUnit>(
                 dir, o.id + "/", iam::ReadOrganizationsPage(c.input),
                 [&](const model::OrganizationalUnit& ou) { return ou.parent_id == parent->id; },
                 out)) {
          ous.push_back(OuJson(o, *ou));
        }
        out["OrganizationalUnits"] = std::move(ous);
        return out;
      });

  d.Register("organizations", "ListChildren", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    Result<Node> parent = FindParent(dir, o, c.input.at("ParentId"));
    if (!parent.ok()) return parent.status();
    std::string type = c.input.at("ChildType");
    json out;
    json children = json::array();
    iam::PageRequest page = iam::ReadOrganizationsPage(c.input);
    if (type == "ACCOUNT") {
      for (const auto& member : iam::ScanPage<model::OrganizationAccount>(
               dir, o.id + "/", page,
               [&](const model::OrganizationAccount& a) { return a.parent_id == parent->id; },
               out)) {
        children.push_back({{"Id", member->account_id}, {"Type", "ACCOUNT"}});
      }
    } else {
      for (const auto& ou : iam::ScanPage<model::OrganizationalUnit>(
               dir, o.id + "/", page,
               [&](const model::OrganizationalUnit& ou) { return ou.parent_id == parent->id; },
               out)) {
        children.push_back({{"Id", ou->id}, {"Type", "ORGANIZATIONAL_UNIT"}});
      }
    }
    out["Children"] = std::move(children);
    return out;
  });

  d.Register("organizations", "ListParents", [&org](const OperationContext& c) -> Result<json> {
    const store::Directory& dir = org.iam.state.directory();
    Result<Membership> m = ManagementMembership(dir, c);
    if (!m.ok()) return m.status();
    const model::Organization& o = *m->organization;
    std::optional<Node> child = FindNode(dir, o, c.input.at("ChildId").get<std::string>());
    if (!child || child->type == NodeType::kRoot) {
      return Status(ErrorCode::kChildNotFoundException,
                    "We can't find an organizational unit (OU) or AWS account with the ChildId "
                    "that you specified.");
    }
    std::optional<Node> parent = FindNode(dir, o, child->parent_id);
    if (!parent) return ParentNotFound();
    return json{{"Parents", json::array({ParentJson(*parent)})}};
  });
}

}  // namespace

void RegisterOrganizationalUnitOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterOuLifecycle(d, org);
  RegisterTree(d, org);
}

}  // namespace gatehouse::services::organizations
