// AccountCreationQueue: the worker thread behind CreateAccount, which answers IN_PROGRESS and
// leaves the account's making for later, as AWS does. A request must be durable before
// CreateAccount answers; one durable write costs a disk flush (milliseconds), so the worker
// writes the requests that arrived meanwhile together, in one commit, and wakes their callers.
// It then completes up to kMaxGroup recorded requests in one more commit (account_creation.h).
// Two flushes per round, however many requests the round holds, is what lets hundreds of
// accounts a second be made.
//
// Several instances on one database share the work: a request is completed by the instance
// holding its lease (Store::ClaimWork, renewed every sweep while the request waits). Every
// kSweepMs each worker looks for requests still IN_PROGRESS in the directory — its own, those a
// stopped or crashed instance left, those whose lease ran out — and claims them, so the work of
// an instance that died is finished by another within kLeaseMs. The completing commit's
// preconditions make each request end once, whoever completes it. Thread-safe; the server owns
// it and stops it after the HTTP server, before the state it writes goes away.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "model/organization_entities.h"
#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {

class AccountCreationQueue {
 public:
  static constexpr size_t kMaxGroup = 64;
  static constexpr int64_t kSweepMs = 1000;
  static constexpr int64_t kLeaseMs = 10000;
  static constexpr const char* kWorkQueue = "account_creation";

  // `owner` names this instance in the work leases (unique per running instance).
  AccountCreationQueue(OrganizationsContext& org, std::string owner)
      : org_(org), owner_(std::move(owner)) {}
  ~AccountCreationQueue() { Stop(); }
  AccountCreationQueue(const AccountCreationQueue&) = delete;
  AccountCreationQueue& operator=(const AccountCreationQueue&) = delete;

  // How long a request stays IN_PROGRESS before it is completed (AWS takes minutes; default 0).
  void set_completion_delay_ms(int64_t ms) { delay_ms_ = ms; }

  // Queues every request still IN_PROGRESS (the first sweep), then starts the worker.
  void Start();
  // Lets the worker finish its round and joins it; queued requests stay IN_PROGRESS in the
  // store, for the next Start or another instance. Idempotent.
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
  // Adds every IN_PROGRESS request of the directory to `pending_` (under mu_).
  void SweepLocked();
  bool AnyDueLocked(int64_t now_ms) const;
  // Leases `pending` (renewing ours, dropping those another instance holds) and completes
  // those due; returns the keys that stay pending.
  std::map<std::string, int64_t> Work(std::map<std::string, int64_t> pending);

  OrganizationsContext& org_;
  const std::string owner_;
  int64_t delay_ms_ = 0;
  std::mutex mu_;
  std::condition_variable wake_;            // the worker waits for work, a sweep or the stop
  std::condition_variable idle_;            // WaitIdle waits for no work and an idle worker
  std::deque<Arrival> arrivals_;            // to record
  std::map<std::string, int64_t> pending_;  // recorded, to complete: key → when due (ms)
  int64_t next_sweep_ms_ = 0;
  int64_t hold_until_ms_ = 0;  // no completing before then (the database was away)
  bool busy_ = false;
  bool stopping_ = false;
  bool running_ = false;  // between Start and the end of Stop
  std::thread worker_;
};

}  // namespace gatehouse::services::organizations
