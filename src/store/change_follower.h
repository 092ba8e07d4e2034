// ChangeFollower: the background thread that keeps a State's directory following the store's
// change feed, for instances that share one database. It waits for the store's announcement of
// a commit (PostgreSQL's NOTIFY) or `poll` at most — which covers a lost announcement, a
// reconnect, and engines without announcements — and then catches up (State::CatchUp). A
// failed catch-up (the database away) is logged once per outage and tried again on the next
// round; the directory keeps serving what it holds meanwhile. Stop returns within one round.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "store/directory.h"

namespace gatehouse::store {

class ChangeFollower {
 public:
  ChangeFollower(Store& store, State& state, std::chrono::milliseconds poll)
      : store_(store), state_(state), poll_(poll) {}
  ~ChangeFollower() { Stop(); }
  ChangeFollower(const ChangeFollower&) = delete;
  ChangeFollower& operator=(const ChangeFollower&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  Store& store_;
  State& state_;
  const std::chrono::milliseconds poll_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace gatehouse::store
