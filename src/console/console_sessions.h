// Console sessions: who is signed in to the web console, behind the session cookie. The cookie
// holds 256 random bits; only their SHA-256 is kept, so the table itself holds nothing a
// browser could present. A session ends after `idle_ms` without a request or `absolute_ms`
// after sign-in. While switched to a role it also holds the role session's access key id and
// session token (which verifies on its own, as every session token does; its secret is sealed
// inside it) and remembers the last five roles. Sessions live in memory: a restart signs
// everyone out, as a new deployment of the AWS console may. A session also holds the stamp of
// the credentials it signed in with; the endpoint ends it as soon as the principal's stamp,
// computed from the store's state, differs (sign_in.h: CredentialStamp), so a change of password
// or MFA made anywhere on the shared store ends it.
// Thread-safe: every method locks.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/random.h"

namespace gatehouse::console {

// Who signed in: an IAM user, or the root user (user_name empty).
struct ConsolePrincipal {
  std::string account_id;
  std::string user_name;
  std::string user_id;  // AIDA…, or the account id for the root user
  std::string arn;
  bool mfa = false;  // signed in with an MFA code
  int64_t mfa_time_ms = 0;
  std::string credential_stamp = "";  // CredentialStamp (sign_in.h) when the session began

  bool root() const { return user_name.empty(); }
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
  std::string session_token;
};

struct ConsoleSession {
  ConsolePrincipal principal;
  std::string csrf_token;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  std::optional<ActiveRole> active_role;
  std::deque<SwitchedRole> recent_roles;  // newest first, at most kRecentRoles
};

inline constexpr size_t kRecentRoles = 5;

class ConsoleSessions {
 public:
  ConsoleSessions(Random& random, int64_t idle_ms, int64_t absolute_ms)
      : random_(random), idle_ms_(idle_ms), absolute_ms_(absolute_ms) {}

  // A new session for `principal`; returns the cookie value (64 hex digits), shown once.
  std::string Create(const ConsolePrincipal& principal, int64_t now_ms);
  // The live session of cookie value `id`, its idle time restarted; nullopt when unknown or
  // ended (an ended session is forgotten).
  std::optional<ConsoleSession> Touch(const std::string& id, int64_t now_ms);
  // Runs `change` on the live session of `id`; false when there is none.
  bool Update(const std::string& id, int64_t now_ms,
              const std::function<void(ConsoleSession&)>& change);
  void Remove(const std::string& id);

 private:
  ConsoleSession* FindLocked(const std::string& id, int64_t now_ms);

  Random& random_;
  const int64_t idle_ms_;
  const int64_t absolute_ms_;
  std::mutex mu_;
  std::map<std::string, ConsoleSession> sessions_;  // SHA-256 of the cookie value (hex) →
};

}  // namespace gatehouse::console
