// The entities gatehouse keeps, as plain immutable values (shared as
// std::shared_ptr<const T> by the directory). Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::model {

struct Account {
  std::string id;  // 12 digits
  std::string name;
  std::string email;
  int64_t created_ms = 0;
};

// How an account came to be, so that start-up can tell whether the server's own management
// account exists even when accounts were created before the first start (`gatehouse account
// create` on a data directory no server has used yet). One per account; accounts from before
// this record existed have none.
inline constexpr const char* kAccountOriginBootstrap = "bootstrap";    // made by `serve`
inline constexpr const char* kAccountOriginStandalone = "standalone";  // `account create`

struct AccountOrigin {
  std::string account_id;
  std::string origin;  // kAccountOrigin…

  std::string Key() const { return account_id; }
};

// A known text sealed under the master key the database was created with: an instance given
// another key cannot open it, and refuses to start rather than write secrets no other instance
// can read. One per database.
struct MasterKeyCheck {
  std::string sealed;  // hex
  int64_t created_ms = 0;

  std::string Key() const { return "master"; }
};

// An account's root user. The password exists only as an argon2id hash.
struct RootUser {
  std::string account_id;
  std::string email;
  std::string password_hash;
};

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

struct User {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string id;  // AIDA…
  int64_t created_ms = 0;
  std::vector<Tag> tags;  // keys unique regardless of case, case kept as written

  std::string Arn() const { return "arn:aws:iam::" + account_id + ":user" + path + name; }
};

enum class AccessKeyStatus { kActive, kInactive };

// A long-term access key of a user (or, with user_name empty, of the root user). The secret is
// kept sealed (AES-256-GCM under the server's master key, the key id as associated data).
struct AccessKey {
  std::string id;  // AKIA…
  std::string account_id;
  std::string user_name;  // "" for the root user
  std::string sealed_secret;
  AccessKeyStatus status = AccessKeyStatus::kActive;
  int64_t created_ms = 0;
};

// A one-time token that lets someone set the root user's password (the console's "Forgot your
// password?" flow consumes it). Only its SHA-256 is kept.
struct RootResetToken {
  std::string token_hash;  // hex SHA-256 of the token
  std::string account_id;
  int64_t expires_ms = 0;
};

// When and where an access key was last used (GetAccessKeyLastUsed).
struct AccessKeyLastUsed {
  std::string access_key_id;
  int64_t used_ms = 0;
  std::string service;  // the signing name, "iam"
  std::string region;
};

// An inline policy embedded in a user.
struct UserPolicy {
  std::string account_id;
  std::string user_name;
  std::string name;
  std::string document;  // as given (validated)
};

// A managed policy attached to a user.
struct UserPolicyAttachment {
  std::string account_id;
  std::string user_name;
  std::string policy_arn;
};

}  // namespace gatehouse::model
