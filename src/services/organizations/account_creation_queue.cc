#include "services/organizations/account_creation_queue.h"

#include <chrono>
#include <vector>

#include "core/thread_name.h"
#include "services/organizations/account_creation.h"

namespace gatehouse::services::organizations {
namespace {

Status RecordAlone(OrganizationsContext& org, const model::AccountCreation& request) {
  return org.iam.state.Commit({{store::Put<model::AccountCreation>{request, /*create=*/true}}});
}

}  // namespace

void AccountCreationQueue::Start() {
  std::lock_guard lock(mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  running_ = true;
  SweepLocked();
  next_sweep_ms_ = org_.iam.now_ms() + kSweepMs;
  worker_ = std::thread([this] {
    NameThisThread("account-creator");
    Run();
  });
}

void AccountCreationQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!worker_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  std::lock_guard lock(mu_);
  // Callers still waiting get their request recorded, for the next Start to complete.
  for (Arrival& a : arrivals_) a.recorded.set_value(RecordAlone(org_, a.request));
  arrivals_.clear();
  pending_.clear();
  running_ = false;
  idle_.notify_all();
}

Status AccountCreationQueue::Submit(const model::AccountCreation& request) {
  std::future<Status> recorded;
  {
    std::lock_guard lock(mu_);
    if (!running_ || stopping_) return RecordAlone(org_, request);
    arrivals_.push_back({request, {}});
    recorded = arrivals_.back().recorded.get_future();
  }
  wake_.notify_one();
  return recorded.get();
}

void AccountCreationQueue::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock,
             [this] { return (arrivals_.empty() && pending_.empty() && !busy_) || !running_; });
}

std::vector<std::string> AccountCreationQueue::Record(std::vector<Arrival>& arrivals) {
  std::vector<std::string> keys;
  store::WriteBatch batch;
  for (const Arrival& a : arrivals) {
    batch.writes.push_back(store::Put<model::AccountCreation>{a.request, /*create=*/true});
  }
  if (org_.iam.state.Commit(batch).ok()) {
    for (Arrival& a : arrivals) {
      keys.push_back(a.request.Key());
      a.recorded.set_value(Status::Ok());
    }
    return keys;
  }
  // One of them was refused: each on its own, so that only that one fails.
  for (Arrival& a : arrivals) {
    Status s = RecordAlone(org_, a.request);
    if (s.ok()) keys.push_back(a.request.Key());
    a.recorded.set_value(std::move(s));
  }
  return keys;
}

bool AccountCreationQueue::AnyDueLocked(int64_t now_ms) const {
  for (const auto& [key, due] : pending_) {
    if (due <= now_ms) return true;
  }
  return false;
}

void AccountCreationQueue::SweepLocked() {
  for (const auto& request : org_.iam.state.directory().Scan<model::AccountCreation>("")) {
    if (request->state == model::kCreateInProgress) {
      pending_.emplace(request->Key(), request->requested_ms + delay_ms_);
    }
  }
}

std::map<std::string, int64_t> AccountCreationQueue::Work(std::map<std::string, int64_t> pending) {
  const int64_t now = org_.iam.now_ms();
  std::vector<std::string> keys;
  for (const auto& [key, due] : pending) keys.push_back(key);
  Result<std::vector<std::string>> claimed =
      org_.iam.state.store().ClaimWork(kWorkQueue, keys, owner_, now, kLeaseMs);
  if (!claimed.ok()) {
    // The database is away: try again at the next sweep.
    std::lock_guard lock(mu_);
    hold_until_ms_ = now + kSweepMs;
    return pending;
  }
  std::map<std::string, int64_t> ours;
  for (const std::string& key : *claimed) ours.emplace(key, pending[key]);
  // Another instance holds the rest; a sweep brings them back if it stops renewing.
  std::vector<std::string> group;
  for (auto it = ours.begin(); it != ours.end() && group.size() < kMaxGroup;) {
    if (it->second > now) {
      ++it;
      continue;
    }
    group.push_back(it->first);
    it = ours.erase(it);
  }
  if (!group.empty()) {
    CompleteAccountCreations(org_, group);
    // A request the completion could not commit is still IN_PROGRESS: the next sweep retries.
    (void)org_.iam.state.store().FinishWork(kWorkQueue, group, owner_);
  }
  return ours;
}

void AccountCreationQueue::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    auto now = [this] { return org_.iam.now_ms(); };
    wake_.wait_for(lock, std::chrono::milliseconds(kSweepMs), [&] {
      return stopping_ || !arrivals_.empty() || now() >= next_sweep_ms_ ||
             (now() >= hold_until_ms_ && AnyDueLocked(now()));
    });
    if (stopping_) return;
    if (now() >= next_sweep_ms_) {
      SweepLocked();
      next_sweep_ms_ = now() + kSweepMs;
    }
    std::vector<Arrival> arrivals;
    while (!arrivals_.empty()) {
      arrivals.push_back(std::move(arrivals_.front()));
      arrivals_.pop_front();
    }
    std::map<std::string, int64_t> pending = std::move(pending_);
    pending_.clear();
    busy_ = true;
    lock.unlock();
    if (!arrivals.empty()) {
      for (std::string& key : Record(arrivals)) {
        const auto request = org_.iam.state.directory().Get<model::AccountCreation>(key);
        pending.emplace(std::move(key), (request ? request->requested_ms : 0) + delay_ms_);
      }
    }
    std::map<std::string, int64_t> remaining;
    if (!pending.empty()) remaining = Work(std::move(pending));
    lock.lock();
    pending_.merge(remaining);
    busy_ = false;
    if (arrivals_.empty() && pending_.empty()) idle_.notify_all();
  }
}

}  // namespace gatehouse::services::organizations
