// What the IAM handlers share: the state they read and write, the AWS-managed policy catalog,
// randomness, the master key that seals secrets, and the clock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "auth/password_hasher.h"
#include "auth/password_throttle.h"
#include "core/random.h"
#include "services/access_activity.h"
#include "services/dispatcher.h"
#include "services/iam/managed_policies.h"
#include "services/key_usage.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

struct IamContext {
  store::State& state;
  const ManagedPolicyCatalog& catalog;
  Random& random;
  std::string master_key;
  std::function<int64_t()> now_ms;
  KeyUsage& usage;
  AccessActivity& activity;
  // Where argon2id runs (null: on the calling thread), and how fast a password may be guessed
  // (null: unthrottled); the console shares both.
  auth::PasswordHasher* passwords = nullptr;
  auth::PasswordThrottle* password_throttle = nullptr;
  // The server's address as clients reach it (--public-url, else the listen address), under
  // which the accounts' outbound token issuers live; null: "" (no server, in unit tests).
  std::function<std::string()> base_url = nullptr;
};

// The user an operation names: input UserName, else the caller itself — an IAM user, or the
// root user (""). Any other caller (a role session) must name the user: AWS's ValidationError.
Result<std::string> TargetUserName(const OperationContext& c);

Status NoSuchUser(std::string_view name);

// IAM's refusal to delete an entity something still depends on: "Cannot delete entity, must
// WHAT first." (WHAT: "detach all policies", "remove users from group" …).
Status DeleteConflict(const std::string& what);

// {PermissionsBoundaryType, PermissionsBoundaryArn} as GetUser and GetRole return it.
nlohmann::json BoundaryJson(const std::string& arn);

// A user as IAM's answers give it (Path, UserName, UserId, Arn, CreateDate, PasswordLastUsed);
// `detailed` adds its permissions boundary and tags, as GetUser does.
nlohmann::json UserJson(const store::Directory& dir, const model::User& user, bool detailed);

// True when the caller is its account's root user.
inline bool CallerIsRoot(const OperationContext& c) {
  return c.caller.principal_arn.ends_with(":root");
}

// Registers every IAM operation implemented so far.
void RegisterIamOperations(Dispatcher& dispatcher, IamContext& iam);

// Groups of operations, one file each.
void RegisterUserOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterAccessKeyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterUserPolicyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterGroupOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterGroupPolicyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterRoleOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterRolePolicyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterInstanceProfileOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterServiceLinkedRoleOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterManagedPolicyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterLoginProfileOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterPasswordPolicyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterMfaOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterAccountOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterSimulationOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterRootAccessOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterSshPublicKeyOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterServiceCredentialOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterSigningCertificateOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterServerCertificateOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterStsPreferenceOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterAccessAdvisorOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterOrganizationsAccessReportOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterOutboundFederationOperations(Dispatcher& dispatcher, IamContext& iam);
void RegisterDelegationRequestOperations(Dispatcher& dispatcher, IamContext& iam);

// The account's GlobalEndpointTokenVersion (SetSecurityTokenServicePreferences): 1 or 2.
int GlobalEndpointTokenVersion(const store::Directory& dir, std::string_view account);

}  // namespace gatehouse::services::iam
