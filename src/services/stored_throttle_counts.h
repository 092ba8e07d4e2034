// StoredThrottleCounts: the password throttle's counts in the store (model::ThrottleCount
// records), shared by every instance on one database and kept across restarts. Get reads the
// directory; Update commits the changed counts in one batch whose preconditions are the counts
// as read (or their absence), and on a conflict — another instance changed one meanwhile; the
// commit caught the directory up — runs the change again on the new values, up to
// kUpdateAttempts times. This instance's updates are made one at a time (commits are serialized
// anyway), so conflicts come only from other instances. Sweep erases expired counts in batches,
// each over the counts as read (one changed meanwhile keeps its batch for the next sweep).
// Thread-safe.
#pragma once

#include <mutex>

#include "auth/throttle_counts.h"
#include "store/directory.h"

namespace gatehouse::services {

class StoredThrottleCounts final : public auth::ThrottleCounts {
 public:
  // Each conflict is another commit of one of the counts; counts are hot only while their free
  // failures last (at most 30 for an address), after which attempts wait without a commit.
  static constexpr int kUpdateAttempts = 64;
  static constexpr size_t kSweepBatch = 500;

  explicit StoredThrottleCounts(store::State& state) : state_(state) {}

  std::shared_ptr<const model::ThrottleCount> Get(const std::string& key) const override;
  Status Update(const std::vector<std::string>& keys, const Change& change) override;
  void Sweep(int64_t now_ms) override;

 private:
  // One try: Ok (stored or nothing to store), kStoreConflict, or another error.
  Status TryUpdate(const std::vector<std::string>& keys, const Change& change);

  store::State& state_;
  std::mutex update_mu_;
};

}  // namespace gatehouse::services
