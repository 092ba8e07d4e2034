#include "services/directory_policies.h"

#include "core/arn.h"
#include "core/strings.h"
#include "services/iam/mfa_codes.h"
#include "services/iam/oidc_providers.h"
#include "services/iam/saml_providers.h"
#include "services/iam/service_linked_roles.h"
#include "services/organizations/organization_resources.h"
#include "services/organizations/policy_path.h"

namespace gatehouse::services {
namespace {

// The caller's user name; "" for the root user (and, later, role sessions).
std::string CallerUserName(const auth::AccessKeyRecord& caller) {
  if (caller.principal_arn.find(":user/") == std::string::npos) return "";
  return caller.principal_arn.substr(caller.principal_arn.rfind('/') + 1);
}

std::vector<std::pair<std::string, std::string>> TagPairs(const std::vector<model::Tag>& tags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Tag& t : tags) out.emplace_back(t.key, t.value);
  return out;
}

// What a principal ARN names in its account.
struct NamedPrincipal {
  enum Kind { kRoot, kUser, kGroup, kRole } kind;
  std::string name;
};

// arn:aws:iam::ACCOUNT:root, :user/[path/]NAME, :group/…, :role/…, or a session of a role
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), of `account`; nullopt otherwise.
std::optional<NamedPrincipal> Named(std::string_view account, std::string_view arn) {
  std::optional<ArnView> view = ArnView::Parse(arn);
  if (!view || view->account != account) return std::nullopt;
  if (view->service == "iam") {
    if (view->resource == "root") return NamedPrincipal{NamedPrincipal::kRoot, ""};
    std::string_view type = view->ResourceType();
    std::string name(view->ResourceName());
    if (name.empty() || type == view->resource) return std::nullopt;
    if (type == "user") return NamedPrincipal{NamedPrincipal::kUser, std::move(name)};
    if (type == "group") return NamedPrincipal{NamedPrincipal::kGroup, std::move(name)};
    if (type == "role") return NamedPrincipal{NamedPrincipal::kRole, std::move(name)};
  } else if (view->service == "sts" && view->ResourceType() == "assumed-role") {
    std::string_view rest = view->resource.substr(view->resource.find('/') + 1);
    size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0) {
      return NamedPrincipal{NamedPrincipal::kRole, std::string(rest.substr(0, slash))};
    }
  }
  return std::nullopt;
}

// Whether the role or IAM user a session acts for is still the one that made it, by its unique
// id (AROA…, AIDA…): one deleted, and perhaps made again under the same name, ends the rights
// of its sessions. A session of an IAM user that carries no id is not trusted either.
bool SourceIsCurrent(const store::Directory& directory, std::string_view account,
                     const auth::SessionClaims& session) {
  std::optional<NamedPrincipal> named = Named(account, session.source_arn);
  if (!named) return false;
  if (named->kind == NamedPrincipal::kRoot) return true;
  if (named->kind == NamedPrincipal::kRole) {
    auto role = directory.Get<model::Role>(model::RecordKey({account, named->name}));
    return role != nullptr && role->id == session.role_id;
  }
  if (named->kind == NamedPrincipal::kUser) {
    auto user = directory.FindUser(account, named->name);
    return user != nullptr && !session.role_id.empty() && user->id == session.role_id;
  }
  return false;
}

std::string Input(const nlohmann::json& input, const char* name, std::string fallback = "") {
  auto it = input.find(name);
  return it != input.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::optional<authz::PrincipalPolicies> DirectoryPolicies::PoliciesOf(std::string_view account,
                                                                      std::string_view arn) const {
  std::optional<NamedPrincipal> named = Named(account, arn);
  if (!named) return std::nullopt;
  authz::PrincipalPolicies out;
  auto managed = [&](const std::string& policy_arn) {
    // "" when the policy is gone: a boundary then allows nothing (authz::Authorizer).
    return authz::SourcedPolicy{
        iam::ManagedPolicyDocument(directory_, catalog_, account, policy_arn),
        policy_arn.substr(policy_arn.rfind('/') + 1)};
  };
  auto add_managed = [&](const std::string& policy_arn) {
    authz::SourcedPolicy policy = managed(policy_arn);
    if (!policy.document.empty()) out.identity.push_back(std::move(policy));
  };
  auto add_group = [&](const std::string& name) {
    std::string prefix = model::RecordKey({account, name}) + "/";
    for (const auto& p : directory_.Scan<model::GroupPolicy>(prefix)) {
      out.identity.push_back({p->document, "group_" + name + "_" + p->name});
    }
    for (const auto& a : directory_.Scan<model::GroupAttachment>(prefix)) {
      add_managed(a->policy_arn);
    }
  };
  const std::string key = model::RecordKey({account, named->name});
  switch (named->kind) {
    case NamedPrincipal::kRoot:
      break;
    case NamedPrincipal::kUser: {
      auto user = directory_.FindUser(account, named->name);
      if (user == nullptr) return std::nullopt;
      for (const auto& p : directory_.UserPolicies(account, user->name)) {
        out.identity.push_back({p->document, "user_" + user->name + "_" + p->name});
      }
      for (const std::string& a : directory_.UserAttachedPolicies(account, user->name)) {
        add_managed(a);
      }
      for (const auto& member : directory_.Scan<model::GroupMember>(key + "/")) {
        auto group = directory_.Get<model::Group>(model::RecordKey({account, member->group_name}));
        add_group(group != nullptr ? group->name : member->group_name);
      }
      if (auto boundary = directory_.Get<model::UserBoundary>(key)) {
        out.boundary = managed(boundary->policy_arn);
      }
      // An account password policy that lets users change their own passwords grants them
      // iam:ChangePassword on themselves and iam:GetAccountPasswordPolicy, policies or not.
      auto password_policy = directory_.Get<model::PasswordPolicy>(model::RecordKey({account}));
      if (password_policy != nullptr && password_policy->allow_users_to_change_password) {
        nlohmann::json implicit = {
            {"Version", "2012-10-17"},
            {"Statement",
             {{{"Effect", "Allow"}, {"Action", "iam:ChangePassword"}, {"Resource", user->Arn()}},
              {{"Effect", "Allow"},
               {"Action", "iam:GetAccountPasswordPolicy"},
               {"Resource", "*"}}}}};
        out.identity.push_back({implicit.dump(), "AccountPasswordPolicy"});
      }
      break;
    }
    case NamedPrincipal::kGroup: {
      auto group = directory_.Get<model::Group>(key);
      if (group == nullptr) return std::nullopt;
      add_group(group->name);
      break;
    }
    case NamedPrincipal::kRole: {
      auto role = directory_.Get<model::Role>(key);
      if (role == nullptr) return std::nullopt;
      for (const auto& p : directory_.Scan<model::RolePolicy>(key + "/")) {
        out.identity.push_back({p->document, "role_" + role->name + "_" + p->name});
      }
      for (const auto& a : directory_.Scan<model::RoleAttachment>(key + "/")) {
        add_managed(a->policy_arn);
      }
      if (!role->permissions_boundary.empty()) out.boundary = managed(role->permissions_boundary);
      break;
    }
  }
  return out;
}

authz::PrincipalPolicies DirectoryPolicies::Policies(const auth::AccessKeyRecord& caller) const {
  const auth::SessionClaims* session = caller.session.get();
  if (session == nullptr) {
    return PoliciesOf(caller.account_id, caller.principal_arn).value_or(authz::PrincipalPolicies{});
  }
  // A session acts with the policies of its role, or of the user (or root) that made it.
  authz::PrincipalPolicies out;
  if (SourceIsCurrent(directory_, caller.account_id, *session)) {
    out = PoliciesOf(caller.account_id, session->source_arn).value_or(authz::PrincipalPolicies{});
    std::optional<ArnView> source = ArnView::Parse(session->source_arn);
    if (source && source->resource == "root" && session->kind != auth::SessionKind::kUserSession) {
      // The root user's federated users hold what root holds, bounded by their session policy.
      out.identity.push_back({R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)"
                              R"("Action":"*","Resource":"*"}})",
                              "root"});
    }
  }
  if (session->has_session_policy) {
    out.session.emplace();
    if (!session->session_policy.empty()) {
      out.session->push_back({session->session_policy, "SessionPolicy"});
    }
    for (const std::string& arn : session->session_policy_arns) {
      std::string document =
          iam::ManagedPolicyDocument(directory_, catalog_, caller.account_id, arn);
      if (!document.empty()) out.session->push_back({document, arn.substr(arn.rfind('/') + 1)});
    }
  }
  return out;
}

std::optional<std::pair<std::vector<std::vector<authz::SourcedPolicy>>, std::string>>
DirectoryPolicies::Scps(std::string_view account) const {
  std::optional<organizations::ScpPath> path = organizations::ScpsOnPath(directory_, account);
  if (!path) return std::nullopt;
  return std::make_pair(std::move(path->levels), std::move(path->management_account));
}

std::optional<std::vector<std::vector<authz::SourcedPolicy>>> DirectoryPolicies::Rcps(
    std::string_view account) const {
  return organizations::RcpsOnPath(directory_, account);
}

bool DirectoryPolicies::RoleExists(std::string_view role_arn) const {
  std::optional<ArnView> arn = ArnView::Parse(role_arn);
  if (!arn || arn->service != "iam" || !arn->resource.starts_with("role/")) return false;
  const std::string_view name = arn->resource.substr(arn->resource.rfind('/') + 1);
  auto role = directory_.Get<model::Role>(model::RecordKey({arn->account, name}));
  // The stored role's own ARN, path and all, as the call must name it.
  return role != nullptr && role->Arn() == role_arn;
}

std::optional<std::pair<std::string, std::string>> DirectoryPolicies::OrganizationOf(
    std::string_view account) const {
  return organizations::OrganizationPathOf(directory_, account);
}

std::map<std::string, std::string> DirectoryPolicies::TagsOf(std::string_view account,
                                                             std::string_view arn) const {
  std::map<std::string, std::string> tags;
  std::optional<NamedPrincipal> named = Named(account, arn);
  if (!named) return tags;
  std::vector<model::Tag> found;
  if (named->kind == NamedPrincipal::kUser) {
    if (auto user = directory_.FindUser(account, named->name)) found = user->tags;
  } else if (named->kind == NamedPrincipal::kRole) {
    if (auto role = directory_.Get<model::Role>(model::RecordKey({account, named->name}))) {
      found = role->tags;
    }
  }
  for (const model::Tag& t : found) tags[t.key] = t.value;
  return tags;
}

std::map<std::string, std::string> DirectoryPolicies::PrincipalTags(
    const auth::AccessKeyRecord& caller) const {
  const auth::SessionClaims* session = caller.session.get();
  if (session == nullptr) return TagsOf(caller.account_id, caller.principal_arn);
  // A role session's tags override its role's tags of the same key (regardless of case); a
  // federated user has only its session tags.
  std::map<std::string, std::string> tags;
  if (session->kind != auth::SessionKind::kFederatedUser) {
    tags = TagsOf(caller.account_id, session->source_arn);
  }
  for (const auto& [key, value] : session->tags) {
    for (auto it = tags.begin(); it != tags.end();) {
      it = EqualsIgnoreCase(it->first, key) ? tags.erase(it) : std::next(it);
    }
    tags[key] = value;
  }
  return tags;
}

ResourceInfo DirectoryPolicies::Resource(authz::ResourceForm form,
                                         const auth::AccessKeyRecord& caller,
                                         const nlohmann::json& input) const {
  using authz::ResourceForm;
  const std::string& account = caller.account_id;
  auto arn = [&](const char* type, const std::string& path, const std::string& name) {
    return model::IamArn(account, type, path, name);
  };
  ResourceInfo info;
  switch (form) {
    case ResourceForm::kUser:
    case ResourceForm::kKeyOwner: {
      std::string name = Input(input, "UserName");
      if (form == ResourceForm::kKeyOwner) {
        auto key = directory_.FindAccessKey(Input(input, "AccessKeyId"));
        name = key != nullptr && key->account_id == account ? key->user_name : "";
      }
      if (name.empty()) name = CallerUserName(caller);
      if (name.empty()) {  // the root user acting on itself
        info.arn = caller.principal_arn;
        break;
      }
      // An existing entity is named as stored (its name as created, its path); the input's
      // spelling is only a lookup key. Only an entity that does not exist yet is named from
      // the input, as AWS does.
      auto user = directory_.FindUser(account, name);
      info.arn =
          user ? arn("user", user->path, user->name) : arn("user", Input(input, "Path", "/"), name);
      if (user != nullptr) {
        info.tags = TagPairs(user->tags);
        if (auto b = directory_.Get<model::UserBoundary>(model::RecordKey({account, name}))) {
          info.boundary = b->policy_arn;
        }
      }
      break;
    }
    case ResourceForm::kRenamedUser: {
      auto user = directory_.FindUser(account, Input(input, "UserName"));
      info.arn = arn("user", Input(input, "NewPath", user ? user->path : "/"),
                     Input(input, "NewUserName", user ? user->name : Input(input, "UserName")));
      if (user != nullptr) info.tags = TagPairs(user->tags);
      break;
    }
    case ResourceForm::kRenamedGroup: {
      std::string name = Input(input, "GroupName");
      auto group = directory_.Get<model::Group>(model::RecordKey({account, name}));
      info.arn = arn("group", Input(input, "NewPath", group ? group->path : "/"),
                     Input(input, "NewGroupName", group ? group->name : name));
      break;
    }
    case ResourceForm::kRenamedServerCertificate: {
      std::string name = Input(input, "ServerCertificateName");
      auto cert = directory_.Get<model::ServerCertificate>(model::RecordKey({account, name}));
      info.arn = arn("server-certificate", Input(input, "NewPath", cert ? cert->path : "/"),
                     Input(input, "NewServerCertificateName", cert ? cert->name : name));
      break;
    }
    case ResourceForm::kServerCertificate: {
      std::string name = Input(input, "ServerCertificateName");
      auto cert = directory_.Get<model::ServerCertificate>(model::RecordKey({account, name}));
      info.arn = cert ? cert->Arn() : arn("server-certificate", Input(input, "Path", "/"), name);
      if (cert != nullptr) info.tags = TagPairs(cert->tags);
      break;
    }
    case ResourceForm::kUserPath:
      info.arn = arn("user", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kGroup: {
      std::string name = Input(input, "GroupName");
      auto group = directory_.Get<model::Group>(model::RecordKey({account, name}));
      info.arn = group ? group->Arn() : arn("group", Input(input, "Path", "/"), name);
      break;
    }
    case ResourceForm::kGroupPath:
      info.arn = arn("group", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kRole: {
      std::string name = Input(input, "RoleName");
      auto role = directory_.Get<model::Role>(model::RecordKey({account, name}));
      info.arn = role ? role->Arn() : arn("role", Input(input, "Path", "/"), name);
      if (role != nullptr) {
        info.tags = TagPairs(role->tags);
        info.boundary = role->permissions_boundary;
      }
      break;
    }
    case ResourceForm::kRolePath:
      info.arn = arn("role", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kPolicy: {
      info.arn = Input(input, "PolicyArn");
      if (auto policy = iam::FindCustomerPolicy(directory_, account, info.arn)) {
        info.arn = policy->Arn();
        info.tags = TagPairs(policy->tags);
      }
      break;
    }
    case ResourceForm::kNewPolicy:
      info.arn = arn("policy", Input(input, "Path", "/"), Input(input, "PolicyName"));
      break;
    case ResourceForm::kPolicyPath:
      info.arn = "policy path " + Input(input, "PathPrefix", "/");
      break;
    case ResourceForm::kInstanceProfile: {
      std::string name = Input(input, "InstanceProfileName");
      auto profile = directory_.Get<model::InstanceProfile>(model::RecordKey({account, name}));
      info.arn =
          profile ? profile->Arn() : arn("instance-profile", Input(input, "Path", "/"), name);
      if (profile != nullptr) info.tags = TagPairs(profile->tags);
      break;
    }
    case ResourceForm::kInstanceProfilePath:
      info.arn = arn("instance-profile", Input(input, "PathPrefix", "/"), "");
      break;
    case ResourceForm::kMfa: {
      info.arn = Input(input, "SerialNumber");
      if (info.arn.empty()) {
        info.arn = arn("mfa", Input(input, "Path", "/"), Input(input, "VirtualMFADeviceName"));
      }
      if (auto device = iam::FindMfaDevice(directory_, account, info.arn); device.ok()) {
        info.arn = (*device)->SerialNumber();
        info.tags = TagPairs((*device)->tags);
      }
      break;
    }
    case ResourceForm::kOidcProvider: {
      info.arn = Input(input, "OpenIDConnectProviderArn");
      if (info.arn.empty()) info.arn = iam::OidcProviderArnFor(account, Input(input, "Url"));
      if (auto provider = iam::FindOidcProvider(directory_, account, info.arn); provider.ok()) {
        info.tags = TagPairs((*provider)->tags);
      }
      break;
    }
    case ResourceForm::kSamlProvider: {
      info.arn = Input(input, "SAMLProviderArn");
      if (info.arn.empty()) info.arn = arn("saml-provider", "/", Input(input, "Name"));
      if (auto provider = iam::FindSamlProvider(directory_, account, info.arn); provider.ok()) {
        info.arn = (*provider)->Arn();
        info.tags = TagPairs((*provider)->tags);
      }
      break;
    }
    case ResourceForm::kServiceLinkedRole: {
      std::string service = Input(input, "AWSServiceName");
      const iam::ServiceLinkedRoleSpec* spec = iam::FindServiceLinkedRole(service);
      info.arn =
          spec ? arn("role", iam::ServiceLinkedRolePath(service), std::string(spec->role_name))
               : arn("role", iam::ServiceLinkedRolePath(service), "");
      break;
    }
    case ResourceForm::kPolicySource:
      info.arn = Input(input, "PolicySourceArn");
      break;
    case ResourceForm::kEntityArn:
      info.arn = Input(input, "Arn");
      break;
    case ResourceForm::kAny:
    case ResourceForm::kNone:
    case ResourceForm::kHandler:
      info.arn = "*";
      break;
    default:
      return organizations::OrganizationResource(directory_, form, account, input);
  }
  return info;
}

}  // namespace gatehouse::services
