// The IAM entities beyond users and access keys: groups, roles, customer managed policies,
// instance profiles, login profiles, the password policy, virtual MFA devices, account aliases,
// permissions boundaries and what hangs off them. Plain immutable values; each has a `Key()`
// under which the store and the directory keep it (see store/record_kinds.def). Keys put the
// account first and lower-case IAM names, because IAM names are unique regardless of case.
// Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "model/entities.h"

namespace gatehouse::model {

// "part/part/…", each part lower-cased: the directory key of an IAM record.
inline std::string RecordKey(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (std::string_view p : parts) {
    if (!key.empty()) key += '/';
    key += AsciiLower(p);
  }
  return key;
}

inline std::string IamArn(std::string_view account, std::string_view type, std::string_view path,
                          std::string_view name) {
  return "arn:aws:iam::" + std::string(account) + ":" + std::string(type) + std::string(path) +
         std::string(name);
}

struct Group {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AGPA…
  int64_t created_ms = 0;

  std::string Arn() const { return IamArn(account_id, "group", path, name); }
  std::string Key() const { return RecordKey({account_id, name}); }
};

// A user's membership of a group, keyed by user first: authorization asks for a user's groups
// on every request.
struct GroupMember {
  std::string account_id;
  std::string user_name;
  std::string group_name;

  std::string Key() const { return RecordKey({account_id, user_name, group_name}); }
};

// An inline policy embedded in a group or a role (users have their own table).
struct GroupPolicy {
  std::string account_id;
  std::string group_name;
  std::string name;
  std::string document;

  std::string Key() const { return RecordKey({account_id, group_name, name}); }
};

struct RolePolicy {
  std::string account_id;
  std::string role_name;
  std::string name;
  std::string document;

  std::string Key() const { return RecordKey({account_id, role_name, name}); }
};

// A managed policy (AWS or customer) attached to a group or a role.
struct GroupAttachment {
  std::string account_id;
  std::string group_name;
  std::string policy_arn;

  std::string Key() const { return RecordKey({account_id, group_name, policy_arn}); }
};

struct RoleAttachment {
  std::string account_id;
  std::string role_name;
  std::string policy_arn;

  std::string Key() const { return RecordKey({account_id, role_name, policy_arn}); }
};

struct Role {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AROA…
  int64_t created_ms = 0;
  std::string assume_role_policy;  // the trust policy, as given (validated)
  std::string description;
  int64_t max_session_duration = 3600;  // seconds
  std::string permissions_boundary;     // policy ARN, "" for none
  std::vector<Tag> tags;

  std::string Arn() const { return IamArn(account_id, "role", path, name); }
  std::string Key() const { return RecordKey({account_id, name}); }
};

struct PolicyVersion {
  std::string id;  // "v1"
  std::string document;
  int64_t created_ms = 0;
};

// A customer managed policy with its versions (at most five).
struct ManagedPolicy {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // ANPA…
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string description;
  std::string default_version = "v1";
  int64_t next_version = 2;  // version ids are never reused
  std::vector<PolicyVersion> versions;
  std::vector<Tag> tags;

  std::string Arn() const { return IamArn(account_id, "policy", path, name); }
  std::string Key() const { return RecordKey({account_id, name}); }
  const PolicyVersion* DefaultVersion() const {
    for (const PolicyVersion& v : versions) {
      if (v.id == default_version) return &v;
    }
    return nullptr;
  }
};

struct InstanceProfile {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AIPA…
  int64_t created_ms = 0;
  std::vector<std::string> role_names;  // at most one, as AWS
  std::vector<Tag> tags;

  std::string Arn() const { return IamArn(account_id, "instance-profile", path, name); }
  std::string Key() const { return RecordKey({account_id, name}); }
};

// A user's permissions boundary (a managed policy ARN).
struct UserBoundary {
  std::string account_id;
  std::string user_name;
  std::string policy_arn;

  std::string Key() const { return RecordKey({account_id, user_name}); }
};

// A user's console password, as an argon2id hash, with the hashes it replaced (for the
// password policy's PasswordReusePrevention).
struct LoginProfile {
  std::string account_id;
  std::string user_name;
  std::string password_hash;
  int64_t created_ms = 0;
  int64_t password_set_ms = 0;
  bool password_reset_required = false;
  std::vector<std::string> previous_hashes;  // newest first
  int64_t last_used_ms = 0;

  std::string Key() const { return RecordKey({account_id, user_name}); }
};

struct PasswordPolicy {
  std::string account_id;
  int64_t minimum_password_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase = false;
  bool require_lowercase = false;
  bool allow_users_to_change_password = false;
  int64_t max_password_age = 0;           // days; 0: passwords never expire
  int64_t password_reuse_prevention = 0;  // 0: not enforced
  bool hard_expiry = false;

  std::string Key() const { return RecordKey({account_id}); }
};

// The directory key of the virtual MFA device `path_and_name` ("/team/phone" in
// arn:aws:iam::ACCOUNT:mfa/team/phone): the path is part of a device's identity, so devices of
// one name under different paths are different devices. "ACCOUNT/team/phone", lower-cased; a
// device at "/" keeps the plain "ACCOUNT/phone".
inline std::string MfaDeviceKey(std::string_view account, std::string_view path_and_name) {
  if (!path_and_name.empty() && path_and_name.front() == '/') path_and_name.remove_prefix(1);
  return RecordKey({account, path_and_name});
}

// A virtual MFA device. The TOTP seed is sealed under the master key (the serial number as
// associated data). Assigned to a user (user_name), to the account's root user (root), or to
// nobody.
struct MfaDevice {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string sealed_seed;  // hex
  int64_t created_ms = 0;
  std::string user_name;  // "" when unassigned or assigned to root
  bool root = false;
  int64_t enabled_ms = 0;
  int64_t last_step = 0;  // the newest TOTP time step accepted; each code is accepted once
  std::vector<Tag> tags;

  std::string SerialNumber() const { return IamArn(account_id, "mfa", path, name); }
  bool assigned() const { return root || !user_name.empty(); }
  std::string Key() const { return MfaDeviceKey(account_id, path + name); }
};

// An account alias; unique across every account the server holds.
struct AccountAlias {
  std::string account_id;
  std::string alias;

  std::string Key() const { return RecordKey({alias}); }
};

// Whether the root user of a member account may recover its password ("Forgot your
// password?"), as its organization's centralized root access set it: not after the account was
// created without root credentials or its root password was deleted from an AssumeRoot session,
// until a session with IAMCreateRootUserPassword allows it again. No record: it may (accounts
// made outside root credentials management).
struct RootRecovery {
  std::string account_id;
  bool allowed = false;
  int64_t changed_ms = 0;  // when it was last set (the root login profile's CreateDate)

  std::string Key() const { return RecordKey({account_id}); }
};

// The account's SetSecurityTokenServicePreferences: the version of the session tokens STS's
// global endpoint issues (1: valid only in the regions enabled by default; 2: valid in every
// region, and longer). No record: version 1, AWS's default.
struct StsPreferences {
  std::string account_id;
  int global_endpoint_token_version = 1;

  std::string Key() const { return RecordKey({account_id}); }
};

// The last credential report generated for an account.
struct CredentialReport {
  std::string account_id;
  int64_t generated_ms = 0;
  std::string csv;

  std::string Key() const { return RecordKey({account_id}); }
};

// The deletion of a service-linked role, reported by GetServiceLinkedRoleDeletionStatus.
struct RoleDeletionTask {
  std::string account_id;
  std::string task_id;  // task/aws-service-role/SERVICE/ROLE/UUID
  std::string status;   // SUCCEEDED, FAILED, IN_PROGRESS, NOT_STARTED
  std::string reason;

  std::string Key() const { return RecordKey({account_id, task_id}); }
};

// A key of the ring that seals session tokens (auth/session_token.h): 32 bytes, kept sealed
// under the server's master key. The newest key seals new tokens; older ones only open tokens
// until the longest session they could have sealed has expired.
struct SessionKey {
  uint32_t id = 0;         // random, so that two servers rotating at once cannot collide
  std::string sealed_key;  // hex
  int64_t created_ms = 0;

  std::string Key() const {
    char buf[9];
    std::snprintf(buf, sizeof(buf), "%08x", id);
    return buf;
  }
};

}  // namespace gatehouse::model
