#include "console/console_sessions.h"

#include "core/crypto.h"

namespace gatehouse::console {
namespace {

constexpr size_t kIdBytes = 32;
constexpr size_t kMaxSessions = 100000;  // beyond this, the ended ones are swept first

std::string HashOf(const std::string& id) { return HexEncode(Sha256(id)); }

}  // namespace

std::string ConsoleSessions::Create(const ConsolePrincipal& principal, int64_t now_ms) {
  std::string id = HexEncode(random_.Bytes(kIdBytes));
  ConsoleSession session;
  session.principal = principal;
  session.csrf_token = HexEncode(random_.Bytes(kIdBytes));
  session.created_ms = now_ms;
  session.last_seen_ms = now_ms;
  std::lock_guard lock(mu_);
  if (sessions_.size() >= kMaxSessions) {
    std::erase_if(sessions_, [&](const auto& entry) {
      const ConsoleSession& s = entry.second;
      return now_ms - s.last_seen_ms >= idle_ms_ || now_ms - s.created_ms >= absolute_ms_;
    });
  }
  sessions_[HashOf(id)] = std::move(session);
  return id;
}

ConsoleSession* ConsoleSessions::FindLocked(const std::string& id, int64_t now_ms) {
  if (id.empty()) return nullptr;
  auto it = sessions_.find(HashOf(id));
  if (it == sessions_.end()) return nullptr;
  ConsoleSession& s = it->second;
  if (now_ms - s.last_seen_ms >= idle_ms_ || now_ms - s.created_ms >= absolute_ms_) {
    sessions_.erase(it);
    return nullptr;
  }
  s.last_seen_ms = now_ms;
  return &s;
}

std::optional<ConsoleSession> ConsoleSessions::Touch(const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  ConsoleSession* s = FindLocked(id, now_ms);
  if (s == nullptr) return std::nullopt;
  return *s;
}

bool ConsoleSessions::Update(const std::string& id, int64_t now_ms,
                             const std::function<void(ConsoleSession&)>& change) {
  std::lock_guard lock(mu_);
  ConsoleSession* s = FindLocked(id, now_ms);
  if (s == nullptr) return false;
  change(*s);
  return true;
}

void ConsoleSessions::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(HashOf(id));
}

}  // namespace gatehouse::console
