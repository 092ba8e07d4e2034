// iam: CreateAccountAlias, ListAccountAliases, DeleteAccountAlias, GetAccountSummary; and,
// registered from their own files, GetAccountAuthorizationDetails and the credential report.
#include <algorithm>

#include "core/strings.h"
#include "services/iam/account_operations.h"
#include "services/iam/attachments.h"
#include "services/iam/iam_context.h"
#include "services/iam/pagination.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// The alias of `account`, if it has one. Aliases are keyed by name (unique across accounts).
std::shared_ptr<const model::AccountAlias> FindAlias(const store::Directory& dir,
                                                     std::string_view account) {
  for (const auto& alias : dir.Scan<model::AccountAlias>("")) {
    if (alias->account_id == account) return alias;
  }
  return nullptr;
}

Status AliasExists(const std::string& alias) {
  return Status(ErrorCode::kEntityAlreadyExists, "The account alias " + alias + " already exists.");
}

template <typename T>
int64_t Count(const store::Directory& dir, const std::string& account) {
  return static_cast<int64_t>(dir.Scan<T>(model::RecordKey({account}) + "/").size());
}

// IAM's usage counters and AWS's default quotas, as GetAccountSummary reports them.
json SummaryMap(const store::Directory& dir, const std::string& account) {
  int64_t attachments = 0;  // managed policies in use: each attachment to a user, group or role
  int64_t users = 0;
  for (const auto& user : dir.ListUsers(account)) {
    ++users;
    attachments += static_cast<int64_t>(dir.UserAttachedPolicies(account, user->name).size());
  }
  attachments +=
      Count<model::GroupAttachment>(dir, account) + Count<model::RoleAttachment>(dir, account);
  int64_t mfa_devices = 0, mfa_in_use = 0, root_mfa = 0;
  for (const auto& device : dir.Scan<model::MfaDevice>(model::RecordKey({account}) + "/")) {
    ++mfa_devices;
    if (device->assigned()) ++mfa_in_use;
    if (device->root) root_mfa = 1;
  }
  const int64_t root_keys = dir.ListAccessKeys(account, "").empty() ? 0 : 1;
  const int64_t root_certificates =
      dir.Scan<model::SigningCertificate>(UserCredentialPrefix(account, ""), "", 1).empty() ? 0 : 1;
  const auto quota = static_cast<int64_t>(kManagedPoliciesPerEntity);
  return {
      {"Users", users},
      {"UsersQuota", 5000},
      {"Groups", Count<model::Group>(dir, account)},
      {"GroupsQuota", 300},
      {"Roles", Count<model::Role>(dir, account)},
      {"RolesQuota", 1000},
      {"InstanceProfiles", Count<model::InstanceProfile>(dir, account)},
      {"InstanceProfilesQuota", 1000},
      {"Policies", Count<model::ManagedPolicy>(dir, account)},
      {"PoliciesQuota", 1500},
      {"PolicySizeQuota", 6144},
      {"PolicyVersionsInUse", attachments},
      {"PolicyVersionsInUseQuota", 10000},
      {"VersionsPerPolicyQuota", 5},
      {"GroupsPerUserQuota", 10},
      {"AttachedPoliciesPerUserQuota", quota},
      {"AttachedPoliciesPerGroupQuota", quota},
      {"AttachedPoliciesPerRoleQuota", quota},
      {"UserPolicySizeQuota", 2048},
      {"GroupPolicySizeQuota", 5120},
      {"RolePolicySizeQuota", 10240},
      {"AssumeRolePolicySizeQuota", 2048},
      {"AccessKeysPerUserQuota", 2},
      {"SigningCertificatesPerUserQuota", 2},
      {"ServerCertificates", Count<model::ServerCertificate>(dir, account)},
      {"ServerCertificatesQuota", 20},
      {"MFADevices", mfa_devices},
      {"MFADevicesInUse", mfa_in_use},
      {"AccountMFAEnabled", root_mfa},
      {"AccountAccessKeysPresent", root_keys},
      {"AccountSigningCertificatesPresent", root_certificates},
      {"Providers", 0},
      {"GlobalEndpointTokenVersion", GlobalEndpointTokenVersion(dir, account)},
  };
}

}  // namespace

void RegisterAccountOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateAccountAlias", [&iam](const OperationContext& c) -> Result<json> {
    std::string alias = c.input.at("AccountAlias");
    const std::string& account = c.caller.account_id;
    auto current = FindAlias(iam.state.directory(), account);
    if (current != nullptr && current->alias == alias) return AliasExists(alias);
    // An account has one alias: a new one replaces it.
    store::WriteBatch batch;
    // One alias per account, whoever else is setting one: the account's aliases are as read.
    batch.preconditions.push_back(store::ExpectFewer<model::AccountAlias>{
        "", current != nullptr ? 2 : 1, "account_id", account});
    if (current != nullptr) {
      batch.preconditions.push_back(store::Unchanged(*current));
      batch.writes.push_back(store::Erase<model::AccountAlias>::Of(*current));
    }
    batch.writes.push_back(store::Put<model::AccountAlias>{{account, alias}, /*create=*/true});
    Status s = iam.state.Commit(batch);
    if (s.code() == ErrorCode::kEntityAlreadyExists) return AliasExists(alias);
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListAccountAliases", [&iam](const OperationContext& c) -> Result<json> {
    std::vector<std::string> aliases;
    if (auto alias = FindAlias(iam.state.directory(), c.caller.account_id)) {
      aliases.push_back(alias->alias);
    }
    json out;
    out["AccountAliases"] = SlicePage(
        aliases, ReadPage(c.input), [](const std::string& a) { return a; }, out);
    return out;
  });

  d.Register("iam", "DeleteAccountAlias", [&iam](const OperationContext& c) -> Result<json> {
    std::string alias = c.input.at("AccountAlias");
    auto current = FindAlias(iam.state.directory(), c.caller.account_id);
    if (current == nullptr || current->alias != alias) {
      return Status(ErrorCode::kNoSuchEntity, "The account alias " + alias + " cannot be found.");
    }
    if (Status s = iam.state.Commit({.writes = {store::Erase<model::AccountAlias>::Of(*current)},
                                     .preconditions = {store::Unchanged(*current)}});
        !s.ok()) {
      return s;
    }
    return json::object();
  });

  d.Register("iam", "GetAccountSummary", [&iam](const OperationContext& c) -> Result<json> {
    return json{{"SummaryMap", SummaryMap(iam.state.directory(), c.caller.account_id)}};
  });

  RegisterAuthorizationDetailsOperation(d, iam);
  RegisterCredentialReportOperations(d, iam);
}

}  // namespace gatehouse::services::iam
