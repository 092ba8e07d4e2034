// Session tokens: temporary credentials (AssumeRole, GetSessionToken, GetFederationToken) that
// carry everything needed to authenticate and authorize a request made with them — the secret
// access key, the principal, its session policies, tags, MFA state and expiry — sealed with
// AES-256-GCM under a session key identified in the token. Verifying a token reads no database:
// any server holding the key ring can open a token another one minted. A token is bound to its
// access key id (associated data), so neither can be swapped. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace gatehouse::auth {

enum class SessionKind {
  kAssumedRole,    // sts:AssumeRole: arn:aws:sts::A:assumed-role/ROLE/SESSION
  kFederatedUser,  // sts:GetFederationToken: arn:aws:sts::A:federated-user/NAME
  kUserSession,    // sts:GetSessionToken: the IAM user (or root) itself, perhaps with MFA
  kRootSession,    // sts:AssumeRoot: a member account's root user, bounded by a task policy
};

struct SessionClaims {
  SessionKind kind = SessionKind::kAssumedRole;
  std::string access_key_id;  // ASIA…
  std::string secret;
  std::string account_id;
  std::string principal_arn;  // what GetCallerIdentity answers as Arn
  std::string user_id;        // AROA…:SESSION, ACCOUNT:NAME, AIDA… or the account id
  // Whose identity policies apply: the role (with its path) for an assumed role, the IAM user
  // (or root) that called GetFederationToken or GetSessionToken.
  std::string source_arn;
  // The unique id of the principal the session acts for: AROA… of the assumed role, AIDA… of
  // the IAM user that called GetSessionToken or GetFederationToken ("" for the root user).
  // Sessions end when that principal is deleted, even if a namesake is made again.
  std::string role_id;
  // Session policies: a session that has them is bounded by them (a federated user always is).
  bool has_session_policy = false;
  std::string session_policy;  // the inline Policy, "" when none
  std::vector<std::string> session_policy_arns;
  std::vector<std::pair<std::string, std::string>> tags;  // session tags, keys as given
  std::vector<std::string> transitive_tag_keys;
  std::string source_identity;
  bool mfa = false;         // authenticated with an MFA code
  int64_t mfa_time_ms = 0;  // when
  int64_t issued_ms = 0;    // aws:TokenIssueTime
  int64_t expires_ms = 0;
  // A version 1 token of STS's global endpoint (SetSecurityTokenServicePreferences): refused in
  // the Regions an account must opt in to. Version 2 tokens are valid in every Region.
  bool default_regions_only = false;
};

inline constexpr char kInvalidTokenMessage[] =
    "The security token included in the request is invalid.";
inline constexpr char kExpiredTokenMessage[] =
    "The security token included in the request is expired";

// A blob sealed under key `key_id` of a key ring, as base64: a version byte, the key id
// (big-endian), then Seal(key, plaintext, header ‖ aad, nonce12). Session tokens and encoded
// authorization messages are such blobs, each with its own version byte.
std::string SealUnderRingKey(uint8_t version, uint32_t key_id, std::string_view key,
                             std::string_view plaintext, std::string_view aad,
                             std::string_view nonce12);
// The plaintext of SealUnderRingKey's blob, the key found with `find_key` (nullopt when the
// ring has no such key, retired or never issued); nullopt unless `text` is such a blob of `version`
// sealed with `aad` under a key the ring still has.
using SessionKeyLookup = std::function<std::optional<std::string>(uint32_t key_id)>;
std::optional<std::string> OpenUnderRingKey(uint8_t version, std::string_view text,
                                            std::string_view aad, const SessionKeyLookup& find_key);

// The token for `claims`, sealed with session key `key_id` / `key` (32 bytes) and `nonce12`.
std::string SealSessionToken(const SessionClaims& claims, uint32_t key_id, std::string_view key,
                             std::string_view nonce12);

// Opens `token` presented with `access_key_id`: InvalidClientTokenId (AWS's wording) when it is
// not a token, names an unknown key, was altered or belongs to another access key id. Expiry is
// the caller's to check (ExpiredToken).
Result<SessionClaims> OpenSessionToken(std::string_view token, std::string_view access_key_id,
                                       const SessionKeyLookup& find_key);

}  // namespace gatehouse::auth
