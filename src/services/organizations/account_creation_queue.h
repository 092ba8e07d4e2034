// AccountCreationQueue: the one worker thread that completes CreateAccount requests after the
// call has answered IN_PROGRESS, as AWS does. CreateAccount commits the request and submits its
// key; the worker takes whatever has gathered (up to kMaxGroup requests) and completes it in one
// commit (account_creation.h), so that a burst of requests costs one durable write per group
// rather than per account. Requests are durable before they are queued: a request a stopped or
// crashed server left IN_PROGRESS is queued again by the next Start. Thread-safe; the server
// owns it and stops it before the state it writes goes away.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {

class AccountCreationQueue {
 public:
  static constexpr size_t kMaxGroup = 64;

  explicit AccountCreationQueue(OrganizationsContext& org) : org_(org) {}
  ~AccountCreationQueue() { Stop(); }
  AccountCreationQueue(const AccountCreationQueue&) = delete;
  AccountCreationQueue& operator=(const AccountCreationQueue&) = delete;

  // Queues every request still IN_PROGRESS in the directory, then starts the worker.
  void Start();
  // Lets the worker finish the group in hand and joins it; queued requests stay IN_PROGRESS
  // in the store, for the next Start. Idempotent.
  void Stop();
  // Queues the request whose AccountCreation key is `key`.
  void Submit(std::string key);
  // Blocks until every submitted request has been completed (tests and benchmarks).
  void WaitIdle();

 private:
  void Run();

  OrganizationsContext& org_;
  std::mutex mu_;
  std::condition_variable wake_;  // the worker waits for work or the stop
  std::condition_variable idle_;  // WaitIdle waits for an empty queue and an idle worker
  std::deque<std::string> pending_;
  bool busy_ = false;
  bool stopping_ = false;
  bool running_ = false;  // between Start and the end of Stop
  std::thread worker_;
};

}  // namespace gatehouse::services::organizations
