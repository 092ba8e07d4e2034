#include "services/organizations/account_creation_queue.h"

#include <vector>

#include "model/organization_entities.h"
#include "services/organizations/account_creation.h"

namespace gatehouse::services::organizations {

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
  pending_.clear();
  running_ = false;
  idle_.notify_all();
}

void AccountCreationQueue::Submit(std::string key) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(key));
  }
  wake_.notify_one();
}

void AccountCreationQueue::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return (pending_.empty() && !busy_) || !running_; });
}

void AccountCreationQueue::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::vector<std::string> group;
    while (!pending_.empty() && group.size() < kMaxGroup) {
      group.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    CompleteAccountCreations(org_, group);
    lock.lock();
    busy_ = false;
    if (pending_.empty()) idle_.notify_all();
  }
}

}  // namespace gatehouse::services::organizations
