// Console sessions: who is signed in to the web console, behind the session cookie. The cookie
// holds 256 random bits; only their SHA-256 is kept, so the table itself holds nothing a
// browser could present. A session ends after `idle_ms` without a request or `absolute_ms`
// after sign-in. While switched to a role it also holds the role session's access key id and
// session token (which verifies on its own, as every session token does; its secret is sealed
// inside it) and remembers the last five roles.
//
// Sessions live in the store (model::ConsoleSession), so every instance on one database knows
// them and a restart signs no one out. Reads come from the directory; a cookie the directory
// does not know makes it catch up with the store once (at most a hundred times a second in
// all), so a session begun on another instance a moment ago is found. The time of last use is
// written at most once a minute (kTouchWriteMs, or a quarter of the idle limit when shorter):
// the idle limit is kept to within that time, and a page's requests cost no write each.
// Changes (Switch role, sign-out) are commits over the session as read. Expired sessions are
// swept from the store at most once a minute, by the instance that makes a new one.
// A session also holds the stamp of the credentials it signed in with; the endpoint ends it as
// soon as the principal's stamp, computed from the store's state, differs (sign_in.h:
// CredentialStamp), so a change of password or MFA made anywhere on the shared store ends it.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "model/console_entities.h"
#include "store/catch_up_limiter.h"
#include "store/directory.h"

namespace gatehouse::console {

using model::ActiveRole;
using model::ConsolePrincipal;
using model::ConsoleSession;
using model::kRecentRoles;
using model::SwitchedRole;

class ConsoleSessions {
 public:
  static constexpr int64_t kTouchWriteMs = 60 * 1000;
  static constexpr int64_t kSweepEveryMs = 60 * 1000;

  ConsoleSessions(store::State& state, Random& random, int64_t idle_ms, int64_t absolute_ms)
      : state_(state), random_(random), idle_ms_(idle_ms), absolute_ms_(absolute_ms) {}

  // A new session for `principal`; returns the cookie value (64 hex digits), shown once. A
  // session with `ends_ms` (not 0) ends then at the latest, whatever the timeouts.
  Result<std::string> Create(const ConsolePrincipal& principal, int64_t now_ms,
                             int64_t ends_ms = 0);
  // The live session of cookie value `id`, its idle time restarted; nullopt when unknown or
  // ended (an ended session is removed).
  std::optional<ConsoleSession> Touch(const std::string& id, int64_t now_ms);
  // Runs `change` on the live session of `id` and stores the result; false when there is none
  // or the store refuses the change.
  bool Update(const std::string& id, int64_t now_ms,
              const std::function<void(ConsoleSession&)>& change);
  void Remove(const std::string& id);

 private:
  // The stored session of `id`, found after one catch-up with the store if need be.
  std::shared_ptr<const ConsoleSession> Find(const std::string& id);
  bool Live(const ConsoleSession& session, int64_t now_ms) const;
  void SweepExpired(int64_t now_ms);

  store::State& state_;
  Random& random_;
  const int64_t idle_ms_;
  const int64_t absolute_ms_;
  std::atomic<int64_t> next_sweep_ms_{0};
  store::CatchUpLimiter catch_up_;
};

}  // namespace gatehouse::console
