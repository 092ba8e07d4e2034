#include "services/stored_throttle_counts.h"

#include <spdlog/spdlog.h>

namespace gatehouse::services {

using model::ThrottleCount;

std::shared_ptr<const ThrottleCount> StoredThrottleCounts::Get(const std::string& key) const {
  return state_.directory().Get<ThrottleCount>(key);
}

Status StoredThrottleCounts::TryUpdate(const std::vector<std::string>& keys, const Change& change) {
  std::vector<std::shared_ptr<const ThrottleCount>> read;
  Values values;
  for (const std::string& key : keys) {
    read.push_back(Get(key));
    values.push_back(read.back() ? std::optional(*read.back()) : std::nullopt);
  }
  if (!change(values)) return Status::Ok();
  store::WriteBatch batch;
  for (size_t i = 0; i < keys.size(); ++i) {
    batch.preconditions.push_back(read[i] ? store::Unchanged(*read[i])
                                          : store::Absent<ThrottleCount>(keys[i]));
    if (values[i]) {
      values[i]->key = keys[i];
      batch.writes.push_back(store::Put<ThrottleCount>{std::move(*values[i])});
    } else if (read[i]) {
      batch.writes.push_back(store::Erase<ThrottleCount>{keys[i]});
    }
  }
  if (batch.writes.empty()) return Status::Ok();
  return state_.Commit(batch);
}

Status StoredThrottleCounts::Update(const std::vector<std::string>& keys, const Change& change) {
  std::lock_guard lock(update_mu_);
  for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
    Status s = TryUpdate(keys, change);
    if (s.code() != ErrorCode::kStoreConflict) {
      if (!s.ok()) spdlog::warn("password throttle: cannot record an attempt: {}", s.message());
      return s;
    }
  }
  spdlog::warn("password throttle: an attempt's counts changed {} times while being recorded",
               kUpdateAttempts);
  return Status(ErrorCode::kThrottling, "Rate exceeded");
}

void StoredThrottleCounts::Sweep(int64_t now_ms) {
  store::WriteBatch batch;
  auto flush = [&] {
    if (batch.writes.empty()) return;
    // Conflicts are expected (a count refreshed meanwhile): its batch waits for the next sweep.
    if (Status s = state_.Commit(batch); !s.ok() && s.code() != ErrorCode::kStoreConflict) {
      spdlog::warn("password throttle: cannot sweep expired counts: {}", s.message());
    }
    batch = {};
  };
  for (const auto& c : state_.directory().Scan<ThrottleCount>("")) {
    if (c->expires_ms > now_ms) continue;
    batch.writes.push_back(store::Erase<ThrottleCount>::Of(*c));
    batch.preconditions.push_back(store::Unchanged(*c));
    if (batch.writes.size() >= kSweepBatch) flush();
  }
  flush();
}

}  // namespace gatehouse::services
