// The credentials an IAM user holds besides its password, access keys and MFA devices: SSH
// public keys (CodeCommit's), X.509 signing certificates, and service-specific credentials
// (CodeCommit's Git credentials, Keyspaces' and Bedrock's). Plain immutable values, kept in the
// store's record table (store/record_kinds.def) under "account/user/id", lower-cased like every
// IAM key, so that a user's credentials of one kind are one prefix scan and follow the user when
// it is renamed. A signing certificate of the root user has the user name "". Timestamps are
// milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>

#include "model/iam_entities.h"

namespace gatehouse::model {

// "Active" or "Inactive", as IAM's statusType spells them.
inline constexpr const char* kCredentialActive = "Active";
inline constexpr const char* kCredentialInactive = "Inactive";

// An SSH public key: the key itself as OpenSSH's wire encoding (RFC 4253 §6.6), whatever
// encoding it was uploaded in; IAM answers it in either encoding.
struct SshPublicKey {
  std::string account_id;
  std::string user_name;
  std::string id;           // APKA…
  std::string algorithm;    // "ssh-rsa" or "ssh-ed25519"
  std::string wire_key;     // base64 of the wire encoding
  std::string fingerprint;  // MD5 of the wire encoding, "hh:hh:…"
  std::string status = kCredentialActive;
  int64_t uploaded_ms = 0;

  std::string Key() const { return RecordKey({account_id, user_name, id}); }
};

// An X.509 certificate a user signs SOAP requests with; IAM keeps it as uploaded.
struct SigningCertificate {
  std::string account_id;
  std::string user_name;  // "" for the root user
  std::string id;
  std::string body;         // PEM, as uploaded
  std::string fingerprint;  // SHA-256 of the DER encoding, hex: the same certificate twice
  std::string status = kCredentialActive;
  int64_t uploaded_ms = 0;

  std::string Key() const { return RecordKey({account_id, user_name, id}); }
};

// A user name and password (or an API key) for one AWS service. The password is shown once, at
// creation or reset; the server keeps only a salted hash of it.
struct ServiceSpecificCredential {
  std::string account_id;
  std::string user_name;
  std::string id;                 // ACCA…
  std::string service_name;       // "codecommit.amazonaws.com", …
  std::string service_user_name;  // "alice-at-123456789012" ("" for an API key)
  std::string alias;              // an API key's public part ("" for a password)
  std::string secret_hash;        // hex of salt ‖ SHA-256(salt ‖ secret)
  std::string status = kCredentialActive;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never

  std::string Key() const { return RecordKey({account_id, user_name, id}); }
};

}  // namespace gatehouse::model
