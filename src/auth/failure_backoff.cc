#include "auth/failure_backoff.h"

#include <algorithm>

namespace gatehouse::auth {
namespace {

constexpr size_t kMaxEntries = 100000;  // beyond this, forgotten entries are swept first

}  // namespace

int64_t FailureBackoff::DelayAfter(int64_t free_failures, int64_t failures) {
  if (failures < free_failures) return 0;
  const int64_t doublings = std::min<int64_t>(failures - free_failures, 20);
  return std::min<int64_t>(kFirstDelayMs << doublings, kMaxDelayMs);
}

int64_t FailureBackoff::DelayMs(int failures) const { return DelayAfter(free_failures_, failures); }

int64_t FailureBackoff::WaitMs(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  if (now_ms - it->second.last_failure_ms >= kForgetAfterMs) {
    entries_.erase(it);
    return 0;
  }
  const int64_t until = it->second.last_failure_ms + DelayMs(it->second.failures);
  return std::max<int64_t>(0, until - now_ms);
}

void FailureBackoff::Failed(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) {
    std::erase_if(entries_, [&](const auto& e) {
      return now_ms - e.second.last_failure_ms >= kForgetAfterMs;
    });
  }
  Entry& e = entries_[key];
  e.failures++;
  e.last_failure_ms = now_ms;
}

void FailureBackoff::Succeeded(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace gatehouse::auth
