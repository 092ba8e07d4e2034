#include "store/change_follower.h"

#include <spdlog/spdlog.h>

#include "core/thread_name.h"

namespace gatehouse::store {

void ChangeFollower::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    NameThisThread("change-follower");
    Run();
  });
}

void ChangeFollower::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeFollower::Run() {
  bool failing = false;
  while (!stopping_) {
    store_.WaitForChange(poll_);
    if (stopping_) break;
    Result<bool> caught_up = state_.CatchUp();
    if (!caught_up.ok()) {
      if (!failing)
        spdlog::warn("cannot follow the store's changes: {}", caught_up.status().message());
      failing = true;
      continue;
    }
    if (failing) spdlog::info("following the store's changes again");
    failing = false;
    if (*caught_up) spdlog::debug("directory caught up to change {}", state_.sequence());
  }
}

}  // namespace gatehouse::store
