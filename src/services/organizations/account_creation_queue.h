// AccountCreationQueue: the one worker thread behind CreateAccount, which answers IN_PROGRESS
// and leaves the account's making for later, as AWS does. A request must be durable before
// CreateAccount answers; one durable write costs a disk flush (milliseconds), so the worker
// writes the requests that arrived meanwhile together, in one commit, and wakes their callers.
// It then completes up to kMaxGroup recorded requests in one more commit (account_creation.h).
// Two flushes per round, however many requests the round holds, is what lets hundreds of
// accounts a second be made. A request a stopped or crashed server left IN_PROGRESS is queued
// again by the next Start. Thread-safe; the server owns it and stops it after the HTTP server,
// before the state it writes goes away.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "model/organization_entities.h"
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
  // Lets the worker finish its round and joins it; queued requests stay IN_PROGRESS in the
  // store, for the next Start. Idempotent.
  void Stop();
  // Records the IN_PROGRESS `request` (a new key) durably and queues it for completion; blocks
  // until it is recorded and returns the commit's status. A stopped queue records it alone and
  // leaves it for the next Start.
  Status Submit(const model::AccountCreation& request);
  // Blocks until every submitted request has been completed (tests and benchmarks).
  void WaitIdle();

 private:
  struct Arrival {
    model::AccountCreation request;
    std::promise<Status> recorded;
  };

  void Run();
  // Commits the arrivals' records, together when possible; returns the keys recorded.
  std::vector<std::string> Record(std::vector<Arrival>& arrivals);

  OrganizationsContext& org_;
  std::mutex mu_;
  std::condition_variable wake_;     // the worker waits for work or the stop
  std::condition_variable idle_;     // WaitIdle waits for no work and an idle worker
  std::deque<Arrival> arrivals_;     // to record
  std::deque<std::string> pending_;  // recorded, to complete
  bool busy_ = false;
  bool stopping_ = false;
  bool running_ = false;  // between Start and the end of Stop
  std::thread worker_;
};

}  // namespace gatehouse::services::organizations
