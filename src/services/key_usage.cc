#include "services/key_usage.h"

namespace gatehouse::services {

void KeyUsage::Record(const std::string& id, int64_t now_ms, const std::string& service,
                      const std::string& region) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_[id] = {id, now_ms, service, region};
}

std::optional<model::AccessKeyLastUsed> KeyUsage::Find(const store::Directory& directory,
                                                       const std::string& id) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = pending_.find(id); it != pending_.end()) return it->second;
  }
  if (auto stored = directory.FindKeyLastUsed(id)) return *stored;
  return std::nullopt;
}

Status KeyUsage::Flush(store::State& state) {
  std::map<std::string, model::AccessKeyLastUsed> batch_items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch_items.swap(pending_);
  }
  store::WriteBatch batch;
  for (auto& [id, usage] : batch_items) {
    // A key deleted since it was used has nothing to record.
    if (state.directory().FindAccessKey(id) != nullptr) {
      batch.writes.push_back(store::SetAccessKeyLastUsed{usage});
    }
  }
  if (batch.writes.empty()) return Status::Ok();
  return state.Commit(batch);
}

}  // namespace gatehouse::services
