#include "services/organizations/account_creation_queue.h"

#include <vector>

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
  for (const auto& request : org_.iam.state.directory().Scan<model::AccountCreation>("")) {
    if (request->state == model::kCreateInProgress) pending_.push_back(request->Key());
  }
  worker_ = std::thread([this] { Run(); });
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

void AccountCreationQueue::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !arrivals_.empty() || !pending_.empty(); });
    if (stopping_) return;
    std::vector<Arrival> arrivals;
    while (!arrivals_.empty()) {
      arrivals.push_back(std::move(arrivals_.front()));
      arrivals_.pop_front();
    }
    std::vector<std::string> group;
    while (!pending_.empty() && group.size() < kMaxGroup) {
      group.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    std::vector<std::string> recorded;
    if (!arrivals.empty()) recorded = Record(arrivals);
    if (!group.empty()) CompleteAccountCreations(org_, group);
    lock.lock();
    for (std::string& key : recorded) pending_.push_back(std::move(key));
    busy_ = false;
    if (arrivals_.empty() && pending_.empty()) idle_.notify_all();
  }
}

}  // namespace gatehouse::services::organizations
