// The JSON form of the model's entities, shared by the record bodies (record_codec.cc) and the
// change feed (change_codec.cc). A field's JSON name is its C++ name: renaming a member of a
// shipped entity needs a migration. Missing fields take their defaults, so a field added later
// reads older rows. Binary values are hex in JSON (AccessKey's sealed secret).
#pragma once

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "model/access_activity_entities.h"
#include "model/console_entities.h"
#include "model/entities.h"
#include "model/federation_entities.h"
#include "model/iam_entities.h"
#include "model/mail_entities.h"
#include "model/organization_entities.h"
#include "model/server_certificate_entities.h"
#include "model/throttle_entities.h"
#include "model/user_credential_entities.h"

namespace gatehouse::model {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Tag, key, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Group, account_id, name, path, id, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupMember, account_id, user_name, group_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupPolicy, account_id, group_name, name, document)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RolePolicy, account_id, role_name, name, document)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupAttachment, account_id, group_name, policy_arn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleAttachment, account_id, role_name, policy_arn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Role, account_id, name, path, id, created_ms,
                                                assume_role_policy, description,
                                                max_session_duration, permissions_boundary, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PolicyVersion, id, document, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ManagedPolicy, account_id, name, path, id,
                                                created_ms, updated_ms, description,
                                                default_version, next_version, versions, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InstanceProfile, account_id, name, path, id,
                                                created_ms, role_names, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UserBoundary, account_id, user_name, policy_arn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LoginProfile, account_id, user_name, password_hash,
                                                created_ms, password_set_ms,
                                                password_reset_required, previous_hashes,
                                                last_used_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PasswordPolicy, account_id, minimum_password_length,
                                                require_symbols, require_numbers, require_uppercase,
                                                require_lowercase, allow_users_to_change_password,
                                                max_password_age, password_reuse_prevention,
                                                hard_expiry)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccessMark, ms, region)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PrincipalActivity, account_id, principal_id,
                                                principal_arn, services, actions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccessReport, account_id, job_id, requester,
                                                job_type, subject, created_ms, completed_ms,
                                                sequence, contents)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StsPreferences, account_id,
                                                global_endpoint_token_version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MfaDevice, account_id, name, path, sealed_seed,
                                                created_ms, user_name, root, enabled_ms, last_step,
                                                tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountAlias, account_id, alias)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RootRecovery, account_id, allowed, changed_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MasterKeyCheck, sealed, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CredentialReport, account_id, generated_ms, csv)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountOrigin, account_id, origin)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleDeletionTask, account_id, task_id, status,
                                                reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SessionKey, id, sealed_key, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Organization, id, management_account_id,
                                                feature_set, root_id, enabled_policy_types,
                                                root_tags, created_ms, root_access_features)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountOrganization, account_id, organization_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OrganizationAccount, organization_id, account_id,
                                                parent_id, joined_method, joined_ms, status, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OrganizationalUnit, organization_id, id, parent_id,
                                                name, tags, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountCreation, organization_id, id, account_name,
                                                email, role_name, iam_user_access_to_billing, tags,
                                                state, failure_reason, account_id, requested_ms,
                                                completed_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HandshakeParty, id, type)
// A handshake resource nests its own kind, which the macro cannot express.
inline void to_json(nlohmann::json& j, const HandshakeResource& r) {
  j = {{"type", r.type}, {"value", r.value}, {"resources", r.resources}};
}
inline void from_json(const nlohmann::json& j, HandshakeResource& r) {
  r.type = j.value("type", "");
  r.value = j.value("value", "");
  r.resources.clear();
  if (auto it = j.find("resources"); it != j.end()) it->get_to(r.resources);
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Handshake, id, organization_id,
                                                management_account_id, action, parties, resources,
                                                state, requested_ms, expires_ms, target_account_id,
                                                tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OrganizationPolicy, organization_id, id, type, name,
                                                description, content, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PolicyAttachment, organization_id, target_id,
                                                policy_id, policy_type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServiceAccess, organization_id, service_principal,
                                                enabled_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DelegatedAdministrator, organization_id, account_id,
                                                service_principal, enabled_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OrganizationResourcePolicy, organization_id, id,
                                                content, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ResponsibilityTransfer, id, type, status,
                                                handshake_id, target_organization_id,
                                                target_account_id, target_name, source_account_id,
                                                source_email, invited_by_email,
                                                source_organization_id, source_name, requested_ms,
                                                expires_ms, start_ms, end_ms, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ResponsibilityTransferSource, organization_id,
                                                transfer_id)

// The entities kept in dedicated tables, for the change feed.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Account, id, name, email, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RootUser, account_id, email, password_hash)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(User, account_id, name, path, id, created_ms, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RootResetToken, token_hash, account_id, expires_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccessKeyLastUsed, access_key_id, used_ms, service,
                                                region)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UserPolicy, account_id, user_name, name, document)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UserPolicyAttachment, account_id, user_name,
                                                policy_arn)
NLOHMANN_JSON_SERIALIZE_ENUM(AccessKeyStatus, {{AccessKeyStatus::kActive, "Active"},
                                               {AccessKeyStatus::kInactive, "Inactive"}})
inline void to_json(nlohmann::json& j, const AccessKey& k) {
  j = {{"id", k.id},
       {"account_id", k.account_id},
       {"user_name", k.user_name},
       {"sealed_secret", gatehouse::HexEncode(k.sealed_secret)},
       {"status", k.status},
       {"created_ms", k.created_ms}};
}
inline void from_json(const nlohmann::json& j, AccessKey& k) {
  k.id = j.value("id", "");
  k.account_id = j.value("account_id", "");
  k.user_name = j.value("user_name", "");
  k.sealed_secret = gatehouse::HexDecode(j.value("sealed_secret", "")).value_or("");
  k.status = j.value("status", AccessKeyStatus::kActive);
  k.created_ms = j.value("created_ms", int64_t{0});
}

// The console's shared state.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ConsolePrincipal, account_id, user_name, user_id,
                                                arn, mfa, mfa_time_ms, credential_stamp, role_name,
                                                session_name, access_key_id, session_token)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SwitchedRole, account_id, role_name, display_name,
                                                color)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ActiveRole, role, role_arn, role_id, session_arn,
                                                access_key_id, session_token)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SignInChallenge, challenge_hash, principal,
                                                mfa_serial, password_reset_required, step,
                                                expires_ms)
inline void to_json(nlohmann::json& j, const ConsoleSession& s) {
  j = {{"id_hash", s.id_hash},           {"principal", s.principal},
       {"csrf_token", s.csrf_token},     {"created_ms", s.created_ms},
       {"last_seen_ms", s.last_seen_ms}, {"recent_roles", s.recent_roles}};
  if (s.active_role) j["active_role"] = *s.active_role;
  if (s.ends_ms != 0) j["ends_ms"] = s.ends_ms;
}
inline void from_json(const nlohmann::json& j, ConsoleSession& s) {
  s.id_hash = j.value("id_hash", "");
  s.principal = j.value("principal", ConsolePrincipal{});
  s.csrf_token = j.value("csrf_token", "");
  s.created_ms = j.value("created_ms", int64_t{0});
  s.last_seen_ms = j.value("last_seen_ms", int64_t{0});
  s.ends_ms = j.value("ends_ms", int64_t{0});
  s.active_role.reset();
  if (auto it = j.find("active_role"); it != j.end()) s.active_role = it->get<ActiveRole>();
  s.recent_roles = j.value("recent_roles", std::deque<SwitchedRole>{});
}

// The password throttle's counts.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KnownAddress, address, last_success_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ThrottleCount, key, failures, first_failure_ms,
                                                last_failure_ms, next_slot_ms, known, expires_ms)

// A user's SSH public keys, signing certificates and service-specific credentials.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SshPublicKey, account_id, user_name, id, algorithm,
                                                wire_key, fingerprint, status, uploaded_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SigningCertificate, account_id, user_name, id, body,
                                                fingerprint, status, uploaded_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServiceSpecificCredential, account_id, user_name,
                                                id, service_name, service_user_name, alias,
                                                secret_hash, status, created_ms, expires_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServerCertificate, account_id, name, path, id, body,
                                                chain, sealed_private_key, uploaded_ms, expires_ms,
                                                tags)

// Federation's identity providers and spent SAML assertions.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OidcProvider, account_id, url, client_ids,
                                                thumbprints, created_ms, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SamlPrivateKey, key_id, sealed_pem, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SamlProvider, account_id, name, uuid, metadata,
                                                created_ms, valid_until_ms,
                                                assertion_encryption_mode, private_keys, tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UsedAssertion, key, expires_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OutboundFederation, account_id, issuer_id, enabled,
                                                sealed_rsa_key, sealed_ec_key, created_ms)

// The server's outbox.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OutboxMail, id, from, to, sealed_message, queued_ms,
                                                attempts, next_attempt_ms, state, reason)

}  // namespace gatehouse::model
