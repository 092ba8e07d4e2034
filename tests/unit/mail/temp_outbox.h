// For unit tests of mail/: an Outbox over a State on a SQLite database in a fresh temporary
// directory, with a clock the test moves. More States on the same database stand for more
// instances of the server. The clock is the test's (now_ms()) or, when none is given, the
// system's.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "mail/outbox.h"
#include "store/directory.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace gatehouse::mail::testing_support {

inline const std::string kTestMasterKey(32, 'k');

class TempOutbox {
 public:
  TempOutbox() : now_ms_(kSystemClock) {}
  explicit TempOutbox(int64_t now_ms) : now_ms_(now_ms) {}

  // A new instance's outbox on the database; `master_key` seals and opens its mail.
  Outbox& Instance(const std::string& master_key = kTestMasterKey) {
    auto opened = store::SqliteStore::Open(temp_.path() + "/gatehouse.db");
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    stores_.push_back(std::move(opened).value());
    states_.push_back(std::make_unique<store::State>(*stores_.back()));
    EXPECT_TRUE(states_.back()->Load().ok());
    outboxes_.push_back(
        std::make_unique<Outbox>(*states_.back(), master_key, random_, [this] { return Now(); }));
    return *outboxes_.back();
  }

  std::string dir() const { return temp_.path(); }
  std::atomic<int64_t>& now_ms() { return now_ms_; }
  int64_t Now() const {
    int64_t now = now_ms_.load();
    if (now != kSystemClock) return now;
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  static constexpr int64_t kSystemClock = -1;

  TempDir temp_;
  SystemRandom random_;
  std::atomic<int64_t> now_ms_;
  std::vector<std::unique_ptr<store::SqliteStore>> stores_;
  std::vector<std::unique_ptr<store::State>> states_;
  std::vector<std::unique_ptr<Outbox>> outboxes_;
};

}  // namespace gatehouse::mail::testing_support
