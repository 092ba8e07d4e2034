// ThrottleCounts: where PasswordThrottle keeps its counts (model::ThrottleCount, keyed as
// model/throttle_entities.h says). Reads are local and cheap: the stored implementation reads the
// directory, with no database round trip. A change is a read-modify-write of a few counts
// together, applied all-or-nothing over the counts as read, and run again on the new values
// when another writer changed one of them in between — so that failures counted at the same
// time on several instances are all counted, and a slot is taken once.
// Implementations: MemoryThrottleCounts (below: one process only, for tests) and
// services::StoredThrottleCounts (in the store, shared by every instance on one database).
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/throttle_entities.h"

namespace gatehouse::auth {

class ThrottleCounts {
 public:
  using Values = std::vector<std::optional<model::ThrottleCount>>;
  // Given the counts at the keys as read (nullopt: none), leaves in them what to store (nullopt:
  // none); returns false to store nothing. May run more than once, each time on fresh values.
  using Change = std::function<bool(Values& values)>;

  virtual ~ThrottleCounts() = default;
  // The count at `key` as this instance knows it, or nullptr.
  virtual std::shared_ptr<const model::ThrottleCount> Get(const std::string& key) const = 0;
  // Applies `change` to the counts at `keys`. An error when it cannot be stored (the store is
  // unreachable: ServiceUnavailable; too many concurrent changes: Throttling).
  virtual Status Update(const std::vector<std::string>& keys, const Change& change) = 0;
  // Forgets the counts that expired at or before `now_ms`.
  virtual void Sweep(int64_t now_ms) = 0;
};

class MemoryThrottleCounts final : public ThrottleCounts {
 public:
  std::shared_ptr<const model::ThrottleCount> Get(const std::string& key) const override;
  Status Update(const std::vector<std::string>& keys, const Change& change) override;
  void Sweep(int64_t now_ms) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const model::ThrottleCount>> counts_;
};

}  // namespace gatehouse::auth
