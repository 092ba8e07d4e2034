#include "audit/event_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::audit {
namespace {

const std::regex kVersion7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST(EventId, IsAVersion7UuidCarryingItsMillisecond) {
  SystemRandom random;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string id = NewEventId(random, now);
  ASSERT_TRUE(std::regex_match(id, kVersion7)) << id;
  // The first 48 bits are the time (later, when ids made before it in this process ran ahead).
  const int64_t stamped = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(stamped, now);
  EXPECT_LE(stamped, now + 60'000);
}

TEST(EventId, LaterIdsSortAfterEarlierOnesEvenWhenTheClockStepsBack) {
  SystemRandom random;
  std::vector<std::string> ids;
  for (int64_t ms : {1000, 1000, 1000, 999, 5, 2000, 2000, 1500}) {
    ids.push_back(NewEventId(random, 1'700'000'000'000 + ms));  // in the past
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (const std::string& id : ids) EXPECT_TRUE(std::regex_match(id, kVersion7)) << id;
}

TEST(EventId, ThreadsMakingIdsAtOnceNeverMakeTheSameOne) {
  SystemRandom random;
  constexpr int kThreads = 4, kEach = 5000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(NewEventId(random));
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : made) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));  // each thread's in its order
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kEach});
}

}  // namespace
}  // namespace gatehouse::audit
