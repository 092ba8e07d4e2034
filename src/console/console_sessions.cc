#include "console/console_sessions.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/crypto.h"

namespace gatehouse::console {
namespace {

constexpr size_t kIdBytes = 32;
constexpr int kUpdateAttempts = 3;

std::string HashOf(const std::string& id) { return HexEncode(Sha256(id)); }

bool WellFormed(const std::string& id) {
  if (id.size() != 2 * kIdBytes) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> ConsoleSessions::Create(const ConsolePrincipal& principal, int64_t now_ms,
                                            int64_t ends_ms) {
  SweepExpired(now_ms);
  std::string id = HexEncode(random_.Bytes(kIdBytes));
  ConsoleSession session;
  session.id_hash = HashOf(id);
  session.principal = principal;
  session.csrf_token = HexEncode(random_.Bytes(kIdBytes));
  session.created_ms = now_ms;
  session.last_seen_ms = now_ms;
  session.ends_ms = ends_ms;
  RETURN_IF_ERROR(state_.Commit({{store::Put<ConsoleSession>{session, /*create=*/true}}}));
  return id;
}

std::shared_ptr<const ConsoleSession> ConsoleSessions::Find(const std::string& id) {
  // Only a value this server could have made is looked up, and caught up for.
  if (!WellFormed(id)) return nullptr;
  const std::string key = HashOf(id);
  auto session = state_.directory().Get<ConsoleSession>(key);
  if (session != nullptr) return session;
  if (!catch_up_.CatchUp(state_)) return nullptr;
  return state_.directory().Get<ConsoleSession>(key);
}

bool ConsoleSessions::Live(const ConsoleSession& s, int64_t now_ms) const {
  return now_ms - s.last_seen_ms < idle_ms_ && now_ms - s.created_ms < absolute_ms_ &&
         (s.ends_ms == 0 || now_ms < s.ends_ms);
}

std::optional<ConsoleSession> ConsoleSessions::Touch(const std::string& id, int64_t now_ms) {
  auto stored = Find(id);
  if (stored == nullptr) return std::nullopt;
  if (!Live(*stored, now_ms)) {
    (void)state_.Commit({{store::Erase<ConsoleSession>::Of(*stored)}});
    return std::nullopt;
  }
  ConsoleSession session = *stored;
  session.last_seen_ms = now_ms;
  if (now_ms - stored->last_seen_ms >= std::min(kTouchWriteMs, idle_ms_ / 4)) {
    // Over the session as read: a concurrent change (a switch, a sign-out) wins.
    (void)state_.Commit({.writes = {store::Put<ConsoleSession>{session}},
                         .preconditions = {store::Unchanged(*stored)}});
  }
  return session;
}

bool ConsoleSessions::Update(const std::string& id, int64_t now_ms,
                             const std::function<void(ConsoleSession&)>& change) {
  for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
    auto stored = Find(id);
    if (stored == nullptr || !Live(*stored, now_ms)) return false;
    ConsoleSession session = *stored;
    change(session);
    session.last_seen_ms = now_ms;
    Status s = state_.Commit({.writes = {store::Put<ConsoleSession>{session}},
                              .preconditions = {store::Unchanged(*stored)}});
    if (s.ok()) return true;
    if (s.code() != ErrorCode::kStoreConflict) {
      spdlog::warn("console: cannot update a session: {}", s.message());
      return false;
    }
    // Changed meanwhile (the commit caught the directory up): run `change` on the new one.
  }
  return false;
}

void ConsoleSessions::Remove(const std::string& id) {
  if (auto stored = Find(id); stored != nullptr) {
    if (Status s = state_.Commit({{store::Erase<ConsoleSession>::Of(*stored)}}); !s.ok()) {
      spdlog::warn("console: cannot end a session: {}", s.message());
    }
  }
}

void ConsoleSessions::SweepExpired(int64_t now_ms) {
  int64_t due = next_sweep_ms_.load();
  if (now_ms < due || !next_sweep_ms_.compare_exchange_strong(due, now_ms + kSweepEveryMs)) {
    return;
  }
  store::WriteBatch batch;
  for (const auto& s : state_.directory().Scan<ConsoleSession>("")) {
    if (!Live(*s, now_ms)) batch.writes.push_back(store::Erase<ConsoleSession>::Of(*s));
  }
  if (batch.writes.empty()) return;
  if (Status s = state_.Commit(batch); !s.ok()) {
    spdlog::warn("console: cannot sweep ended sessions: {}", s.message());
  }
}

}  // namespace gatehouse::console
