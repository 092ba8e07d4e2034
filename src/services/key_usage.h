// KeyUsage: when and where each long-term access key was last used, for GetAccessKeyLastUsed.
// Recording is in memory (the request path does no database write); Flush writes what changed
// since the last flush to the store in one batch — `gatehouse serve` flushes periodically and
// at shutdown, so a crash loses at most one period of last-used times, never anything else.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "model/entities.h"
#include "store/directory.h"

namespace gatehouse::services {

class KeyUsage {
 public:
  void Record(const std::string& access_key_id, int64_t now_ms, const std::string& service,
              const std::string& region);
  // The latest use: recorded since the last flush, else as stored.
  std::optional<model::AccessKeyLastUsed> Find(const store::Directory& directory,
                                               const std::string& access_key_id) const;
  Status Flush(store::State& state);

 private:
  mutable std::mutex mu_;
  std::map<std::string, model::AccessKeyLastUsed> pending_;
};

}  // namespace gatehouse::services
