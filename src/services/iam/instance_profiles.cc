// iam: CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles, DeleteInstanceProfile,
// AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole,
// TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags.
#include <algorithm>

#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/role_common.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// An instance profile holds at most one role.
constexpr size_t kRolesPerInstanceProfile = 1;

Status ProfileExists(const std::string& name) {
  return Status(ErrorCode::kEntityAlreadyExists, "Instance Profile " + name + " already exists.");
}

Result<std::shared_ptr<const model::InstanceProfile>> FindProfile(const IamContext& iam,
                                                                  const OperationContext& c) {
  std::string name = c.input.at("InstanceProfileName");
  auto profile = iam.state.directory().Get<model::InstanceProfile>(
      model::RecordKey({c.caller.account_id, name}));
  if (profile == nullptr) {
    return Status(ErrorCode::kNoSuchEntity, "Instance Profile " + name + " cannot be found.");
  }
  return profile;
}

bool HoldsRole(const model::InstanceProfile& p, std::string_view role_name) {
  return std::any_of(p.role_names.begin(), p.role_names.end(),
                     [&](const std::string& r) { return EqualsIgnoreCase(r, role_name); });
}

// The profile with `change` applied, committed if the profile (and whatever `also` names) is
// still as read.
template <typename Change>
Result<json> UpdateProfile(IamContext& iam, const model::InstanceProfile& profile, Change change,
                           std::vector<store::Precondition> also = {}) {
  model::InstanceProfile updated = profile;
  change(updated);
  also.push_back(store::Unchanged(profile));
  if (Status s = iam.state.Commit({.writes = {store::Put<model::InstanceProfile>{updated}},
                                   .preconditions = std::move(also)});
      !s.ok()) {
    return s;
  }
  return json::object();
}

}  // namespace

json InstanceProfileJson(const store::Directory& dir, const model::InstanceProfile& p,
                         TagsShown tags) {
  json roles = json::array();
  for (const std::string& name : p.role_names) {
    if (auto role = dir.Get<model::Role>(model::RecordKey({p.account_id, name}))) {
      roles.push_back(RoleJson(*role, RoleView::kList));
    }
  }
  json out = {{"Path", p.path},
              {"InstanceProfileName", p.name},
              {"InstanceProfileId", p.id},
              {"Arn", p.Arn()},
              {"CreateDate", FormatIsoTime(p.created_ms)},
              {"Roles", std::move(roles)}};
  ShowTags(out, p.tags, tags);
  return out;
}

void RegisterInstanceProfileOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("InstanceProfileName");
    model::InstanceProfile profile;
    profile.account_id = c.caller.account_id;
    profile.name = name;
    profile.path = c.input.value("Path", "/");
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags, kInstanceProfileTags);
      if (!merged.ok()) return merged.status();
      profile.tags = std::move(merged).value();
    }
    if (iam.state.directory().Get<model::InstanceProfile>(profile.Key()) != nullptr) {
      return ProfileExists(name);
    }
    profile.id = NewUniqueId(iam.random, IdKind::kInstanceProfile);
    profile.created_ms = iam.now_ms();
    Status s = iam.state.Commit({{store::Put<model::InstanceProfile>{profile, /*create=*/true}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return ProfileExists(name);
    if (!s.ok()) return s;
    return json{{"InstanceProfile",
                 InstanceProfileJson(iam.state.directory(), profile, TagsShown::kWhenAny)}};
  });

  d.Register("iam", "GetInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    return json{{"InstanceProfile",
                 InstanceProfileJson(iam.state.directory(), **profile, TagsShown::kAlways)}};
  });

  d.Register("iam", "ListInstanceProfiles", [&iam](const OperationContext& c) -> Result<json> {
    std::string prefix = c.input.value("PathPrefix", "/");
    json out;
    json list = json::array();
    for (const auto& p : ScanPage<model::InstanceProfile>(
             iam.state.directory(), c.caller.account_id + "/", ReadPage(c.input),
             [&](const model::InstanceProfile& p) { return StartsWith(p.path, prefix); }, out)) {
      list.push_back(InstanceProfileJson(iam.state.directory(), *p, TagsShown::kNever));
    }
    out["InstanceProfiles"] = std::move(list);
    return out;
  });

  d.Register("iam", "DeleteInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    if (!(*profile)->role_names.empty()) {
      return Status(ErrorCode::kDeleteConflict,
                    "Cannot delete entity, must remove roles from instance profile first.");
    }
    Status s = iam.state.Commit({.writes = {store::Erase<model::InstanceProfile>::Of(**profile)},
                                 .preconditions = {store::Unchanged(**profile)}});
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "AddRoleToInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    auto role = FindModifiableInputRole(iam, c);
    if (!role.ok()) return role.status();
    if ((*profile)->role_names.size() >= kRolesPerInstanceProfile) {
      return Status(ErrorCode::kLimitExceeded,
                    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: " +
                        std::to_string(kRolesPerInstanceProfile));
    }
    return UpdateProfile(iam, **profile,
                         [&](model::InstanceProfile& p) { p.role_names.push_back((*role)->name); },
                         {store::Unchanged(**role)});
  });

  d.Register(
      "iam", "RemoveRoleFromInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
        auto profile = FindProfile(iam, c);
        if (!profile.ok()) return profile.status();
        auto role = FindModifiableInputRole(iam, c);
        if (!role.ok()) return role.status();
        if (!HoldsRole(**profile, (*role)->name)) return NoSuchRole((*role)->name);
        return UpdateProfile(iam, **profile, [&](model::InstanceProfile& p) {
          std::erase_if(p.role_names,
                        [&](const std::string& r) { return EqualsIgnoreCase(r, (*role)->name); });
        });
      });

  d.Register(
      "iam", "ListInstanceProfilesForRole", [&iam](const OperationContext& c) -> Result<json> {
        auto role = FindInputRole(iam, c);
        if (!role.ok()) return role.status();
        json out;
        json list = json::array();
        for (const auto& p : ScanPage<model::InstanceProfile>(
                 iam.state.directory(), c.caller.account_id + "/", ReadPage(c.input),
                 [&](const model::InstanceProfile& p) { return HoldsRole(p, (*role)->name); },
                 out)) {
          list.push_back(InstanceProfileJson(iam.state.directory(), *p, TagsShown::kNever));
        }
        out["InstanceProfiles"] = std::move(list);
        return out;
      });

  d.Register("iam", "TagInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    Result<std::vector<model::Tag>> tags =
        MergeTags((*profile)->tags, c.input.at("Tags"), kInstanceProfileTags);
    if (!tags.ok()) return tags.status();
    return UpdateProfile(iam, **profile,
                         [&](model::InstanceProfile& p) { p.tags = std::move(tags).value(); });
  });

  d.Register("iam", "UntagInstanceProfile", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    return UpdateProfile(iam, **profile, [&](model::InstanceProfile& p) {
      p.tags = RemoveTags(p.tags, c.input.at("TagKeys"));
    });
  });

  d.Register("iam", "ListInstanceProfileTags", [&iam](const OperationContext& c) -> Result<json> {
    auto profile = FindProfile(iam, c);
    if (!profile.ok()) return profile.status();
    return ListTagsJson((*profile)->tags, c.input);
  });
}

}  // namespace gatehouse::services::iam
