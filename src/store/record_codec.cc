#include "store/record_codec.h"

#include <nlohmann/json.hpp>

namespace gatehouse::model {

// Field lists of each record's JSON body. A field's JSON name is its C++ name: renaming a
// member of a shipped record needs a migration.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Tag, key, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Group, account_id, name, path, id, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupMember, account_id, user_name, group_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupPolicy, account_id, group_name, name, document)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RolePolicy, account_id, role_name, name, document)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupAttachment, account_id, group_name, policy_arn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleAttachment, account_id, role_name, policy_arn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Role, account_id, name, path, id, created_ms,
                                                assume_role_policy, description,
                                                max_session_duration, permissions_boundary, tags,
                                                last_used_ms, last_used_region)
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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MfaDevice, account_id, name, path, sealed_seed,
                                                created_ms, user_name, root, enabled_ms, last_step,
                                                tags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountAlias, account_id, alias)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MasterKeyCheck, sealed, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CredentialReport, account_id, generated_ms, csv)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AccountOrigin, account_id, origin)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoleDeletionTask, account_id, task_id, status,
                                                reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SessionKey, id, sealed_key, created_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Organization, id, management_account_id,
                                                feature_set, root_id, enabled_policy_types,
                                                root_tags, created_ms)
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
void to_json(nlohmann::json& j, const HandshakeResource& r) {
  j = {{"type", r.type}, {"value", r.value}, {"resources", r.resources}};
}
void from_json(const nlohmann::json& j, HandshakeResource& r) {
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

}  // namespace gatehouse::model

namespace gatehouse::store {

template <typename T>
std::string EncodeRecord(const T& value) {
  // Every field is text: binary values (sealed secrets) are hex-encoded by their owners.
  return nlohmann::json(value).dump();
}

template <typename T>
Result<T> DecodeRecord(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status(ErrorCode::kServiceFailure,
                  std::string("unreadable ") + RecordKind<T>::kName + " record");
  }
  try {
    return j.get<T>();
  } catch (const nlohmann::json::exception& e) {
    return Status(ErrorCode::kServiceFailure,
                  std::string("unreadable ") + RecordKind<T>::kName + " record: " + e.what());
  }
}

#define X(Type, kind)                                                 \
  template std::string EncodeRecord<model::Type>(const model::Type&); \
  template Result<model::Type> DecodeRecord<model::Type>(std::string_view);
#include "store/record_kinds.def"
#undef X

}  // namespace gatehouse::store
