// The web console's shared state: signed-in sessions and sign-ins halfway through. They live in
// the store like every entity, so that every instance on one database knows them: a session
// begun on one instance works on the others, and a challenge is answered on whichever instance
// the next request reaches. Both are keyed by the SHA-256 (hex) of the random value the browser
// holds, so the store holds nothing a browser could present. Timestamps are milliseconds since
// the epoch.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace gatehouse::model {

// Who signed in: an IAM user, the root user (user_name and role_name empty), or a role session
// begun through a SAML identity provider (role_name set).
struct ConsolePrincipal {
  std::string account_id;
  std::string user_name;
  std::string user_id;  // AIDA…, the account id for the root user, the role's AROA… for a role
  std::string arn;      // of the user, the root user, or the role session (assumed-role/…)
  bool mfa = false;     // signed in with an MFA code
  int64_t mfa_time_ms = 0;
  std::string credential_stamp = "";  // CredentialStamp (console/sign_in.h) when it began
  // A SAML sign-in: the role, the session's name and the role session's credentials (the
  // token verifies on its own; its secret is sealed inside it).
  std::string role_name = "";
  std::string session_name = "";
  std::string access_key_id = "";
  std::string session_token = "";

  bool root() const { return user_name.empty() && role_name.empty(); }
  bool federated() const { return !role_name.empty(); }
};

// A role the console switched to, as the navigation bar shows it.
struct SwitchedRole {
  std::string account_id;
  std::string role_name;
  std::string display_name;
  std::string color;
};

struct ActiveRole {
  SwitchedRole role;
  std::string role_arn;
  std::string role_id;      // AROA…: a role deleted and re-created is another role
  std::string session_arn;  // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
  std::string access_key_id;
  std::string session_token;  // verifies on its own; its secret is sealed inside it
};

struct ConsoleSession {
  std::string id_hash;  // SHA-256 (hex) of the cookie's value
  ConsolePrincipal principal;
  std::string csrf_token;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;  // written at most once a minute (console_sessions.h)
  std::optional<ActiveRole> active_role;
  std::deque<SwitchedRole> recent_roles;  // newest first, at most kRecentRoles
  int64_t ends_ms = 0;  // a SAML sign-in ends with its role session's credentials; 0: no such end

  std::string Key() const { return id_hash; }
};

inline constexpr size_t kRecentRoles = 5;

// A sign-in whose password was right, waiting for its MFA code or new password.
struct SignInChallenge {
  std::string challenge_hash;  // SHA-256 (hex) of the challenge the browser holds
  ConsolePrincipal principal;  // principal.mfa set once the MFA step passed
  std::string mfa_serial;      // the assigned MFA device, "" when none
  bool password_reset_required = false;
  std::string step;  // "mfa" or "new_password"
  int64_t expires_ms = 0;

  std::string Key() const { return challenge_hash; }
};

}  // namespace gatehouse::model
