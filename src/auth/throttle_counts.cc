#include "auth/throttle_counts.h"

namespace gatehouse::auth {

std::shared_ptr<const model::ThrottleCount> MemoryThrottleCounts::Get(
    const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  return it == counts_.end() ? nullptr : it->second;
}

Status MemoryThrottleCounts::Update(const std::vector<std::string>& keys, const Change& change) {
  std::lock_guard lock(mu_);
  Values values;
  for (const std::string& key : keys) {
    auto it = counts_.find(key);
    values.push_back(it == counts_.end() ? std::nullopt : std::optional(*it->second));
  }
  if (!change(values)) return Status::Ok();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!values[i]) {
      counts_.erase(keys[i]);
      continue;
    }
    values[i]->key = keys[i];
    counts_[keys[i]] = std::make_shared<const model::ThrottleCount>(std::move(*values[i]));
  }
  return Status::Ok();
}

void MemoryThrottleCounts::Sweep(int64_t now_ms) {
  std::lock_guard lock(mu_);
  std::erase_if(counts_, [&](const auto& e) { return e.second->expires_ms <= now_ms; });
}

}  // namespace gatehouse::auth
