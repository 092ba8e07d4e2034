#include "auth/password_hasher.h"

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "auth/password.h"

namespace gatehouse::auth {
namespace {

TEST(PasswordHasherTest, HashesAndVerifiesOnThePool) {
  PasswordHasher hasher(1, 4);
  Result<std::string> hash = hasher.Hash("Correct-horse-1");
  ASSERT_TRUE(hash.ok()) << hash.status().message();
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(*hasher.Verify("Correct-horse-1", *hash));
  EXPECT_FALSE(*hasher.Verify("Correct-horse-2", *hash));
  EXPECT_TRUE(*hasher.VerifyInConstantTime("Correct-horse-1", *hash));
  EXPECT_FALSE(*hasher.VerifyInConstantTime("Correct-horse-1", ""));
}

TEST(PasswordHasherTest, RunsOffTheCallingThread) {
  PasswordHasher hasher(1, 4);
  std::thread::id ran_on;
  ASSERT_TRUE(hasher.RunAndWait([&] { ran_on = std::this_thread::get_id(); }).ok());
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(PasswordHasherTest, AFullQueueAnswersThrottlingAtOnce) {
  PasswordHasher hasher(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  // One task runs (held), one waits in the queue: the pool is full.
  std::thread running([&] {
    EXPECT_TRUE(hasher
                    .RunAndWait([&] {
                      ++started;
                      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    })
                    .ok());
  });
  while (started == 0) std::this_thread::yield();
  std::thread queued([&] { EXPECT_TRUE(hasher.RunAndWait([] {}).ok()); });
  while (hasher.queued() == 0) std::this_thread::yield();  // the second task waits
  Status refused = hasher.RunAndWait([] {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kThrottling);
  EXPECT_EQ(refused.message(), "Rate exceeded");
  const auto start = std::chrono::steady_clock::now();
  Result<bool> verify = hasher.Verify("x", "y");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  ASSERT_FALSE(verify.ok());
  EXPECT_EQ(verify.status().code(), ErrorCode::kThrottling);
  release = true;
  running.join();
  queued.join();
  EXPECT_TRUE(hasher.RunAndWait([] {}).ok());
}

// The CPU time the calling thread spends in `f`: unlike the wall clock, it does not grow when
// other processes load the machine.
template <typename F>
double ThreadSeconds(F f) {
  timespec start{}, end{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
  f();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
  return static_cast<double>(end.tv_sec - start.tv_sec) +
         static_cast<double>(end.tv_nsec - start.tv_nsec) / 1e9;
}

// A cheap hash (a server-drawn random password's) costs as long as a person's: the stand-in is
// verified too, so the time does not tell a created account's root from an unknown email.
TEST(PasswordHasherTest, ACheapHashCostsAsMuchAsAnInteractiveOne) {
  const std::string cheap = *HashRandomPassword("x-random-password-of-the-server-0123456789");
  const std::string person = *HashPassword("A-person's-password-1");
  auto time_of = [](const std::string& hash) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
      best = std::min(best, ThreadSeconds([&] {
                        EXPECT_FALSE(*VerifyInConstantTimeWith(nullptr, "wrong", hash));
                      }));
    }
    return best;
  };
  const double unknown = time_of("");
  const double with_cheap = time_of(cheap);
  const double with_person = time_of(person);
  EXPECT_GT(with_cheap, unknown * 0.7) << with_cheap << " vs " << unknown;
  EXPECT_GT(with_person, unknown * 0.7) << with_person << " vs " << unknown;
  EXPECT_GT(unknown, with_cheap * 0.5) << unknown << " vs " << with_cheap;
  // Without the stand-in a cheap hash answers many times faster.
  const double bare = ThreadSeconds([&] { VerifyPassword("wrong", cheap); });
  EXPECT_LT(bare, unknown * 0.3) << bare << " vs " << unknown;
}

}  // namespace
}  // namespace gatehouse::auth
