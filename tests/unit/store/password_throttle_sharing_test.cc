// The password throttle and the console's other limits with their counts in the store
// (services/stored_throttle_counts.h), as several instances on one database use them: each
// instance a State of its own over the same database, run against each Store. The limits hold
// across the instances and across a restart, concurrent failures are all counted, and a store
// that cannot be written fails closed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit_forwarding.h"
#include "auth/counted_backoff.h"
#include "auth/failure_backoff.h"
#include "auth/password_throttle.h"
#include "services/stored_throttle_counts.h"
#include "store/directory.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

using auth::PasswordThrottle;
using auth::ThrottleDecision;

const std::string kVictim = auth::UserThrottleKey("111122223333", "alice");
constexpr int64_t kNow = 1795935600000;

// A store whose commits fail as PostgreSQL's do while it cannot be reached.
class UnreachableWhenDown final : public testing_support::AuditForwarding {
 public:
  explicit UnreachableWhenDown(std::unique_ptr<Store> inner)
      : AuditForwarding(*inner), inner_(std::move(inner)) {}
  Result<StoreData> LoadAll() override { return inner_->LoadAll(); }
  Status Commit(const WriteBatch& batch) override {
    if (down) return Status(ErrorCode::kServiceUnavailable, "The database is unreachable.");
    return inner_->Commit(batch);
  }
  Result<int64_t> LatestSequence() override { return inner_->LatestSequence(); }
  int64_t last_commit_sequence() const override { return inner_->last_commit_sequence(); }
  Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) override {
    return inner_->ChangesAfter(sequence, limit);
  }
  Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                             const std::vector<std::string>& keys,
                                             const std::string& owner, int64_t now_ms,
                                             int64_t lease_ms) override {
    return inner_->ClaimWork(queue, keys, owner, now_ms, lease_ms);
  }
  Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                    const std::string& owner) override {
    return inner_->FinishWork(queue, keys, owner);
  }
  bool Reachable() const override { return !down; }

  std::atomic<bool> down{false};

 private:
  std::unique_ptr<Store> inner_;
};

// One gatehouse instance: its store connection, its State, its throttle.
struct Instance {
  explicit Instance(std::unique_ptr<Store> opened)
      : db(std::move(opened)), state(db), counts(state), throttle(counts) {
    EXPECT_TRUE(state.Load().ok());
  }
  void CatchUp() { ASSERT_TRUE(state.CatchUp().ok()); }

  UnreachableWhenDown db;
  State state;
  services::StoredThrottleCounts counts;
  PasswordThrottle throttle;
};

class PasswordThrottleSharing : public BackendTest {
 protected:
  void TearDown() override {
    instances_.clear();
    BackendTest::TearDown();
  }

  Instance& Start() {
    instances_.push_back(std::make_unique<Instance>(GetParam().open(dir_.string())));
    return *instances_.back();
  }
  void Stop(Instance& instance) {
    std::erase_if(instances_, [&](const auto& i) { return i.get() == &instance; });
  }

  std::vector<std::unique_ptr<Instance>> instances_;
};

// A guesser behind a load balancer gets 5 free failures in all, not 5 per instance.
TEST_P(PasswordThrottleSharing, ThePairLimitHoldsAcrossInstances) {
  Instance& a = Start();
  Instance& b = Start();
  for (int i = 0; i < PasswordThrottle::kPairFreeFailures; ++i) {
    Instance& on = i % 2 == 0 ? a : b;
    on.CatchUp();
    ASSERT_TRUE(on.throttle.Admit(kVictim, "ip:guesser", kNow).allowed) << i;
    ASSERT_TRUE(on.throttle.Failed(kVictim, "ip:guesser", kNow).ok()) << i;
  }
  a.CatchUp();
  b.CatchUp();
  for (Instance* on : {&a, &b}) {
    ThrottleDecision d = on->throttle.Admit(kVictim, "ip:guesser", kNow);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_ms, auth::FailureBackoff::kFirstDelayMs);
    EXPECT_TRUE(on->throttle.Admit(kVictim, "ip:home", kNow).allowed);
  }
  // A success on one instance clears the pair for all.
  ASSERT_TRUE(b.throttle.Succeeded(kVictim, "ip:guesser", kNow + 1).ok());
  a.CatchUp();
  EXPECT_TRUE(a.throttle.Admit(kVictim, "ip:guesser", kNow + 2).allowed);
}

TEST_P(PasswordThrottleSharing, TheAddressLimitHoldsAcrossInstances) {
  Instance& a = Start();
  Instance& b = Start();
  for (int i = 0; i < PasswordThrottle::kAddressFreeFailures; ++i) {
    const std::string user = auth::UserThrottleKey("111122223333", "user" + std::to_string(i));
    Instance& on = i % 2 == 0 ? a : b;
    ASSERT_TRUE(on.throttle.Failed(user, "ip:sprayer", kNow).ok()) << i;
  }
  a.CatchUp();
  b.CatchUp();
  const std::string fresh = auth::UserThrottleKey("111122223333", "fresh");
  EXPECT_FALSE(a.throttle.Admit(fresh, "ip:sprayer", kNow).allowed);
  EXPECT_FALSE(b.throttle.Admit(fresh, "ip:sprayer", kNow).allowed);
  EXPECT_TRUE(b.throttle.Admit(fresh, "ip:other", kNow).allowed);
}

// Over the ceiling, one attempt per interval in all: an instance whose copy has not yet seen the
// slot taken on another finds it taken when it tries to take it.
TEST_P(PasswordThrottleSharing, ACeilingSlotIsTakenOnceAcrossInstances) {
  Instance& a = Start();
  Instance& b = Start();
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures; ++i) {
    Instance& on = i % 2 == 0 ? a : b;
    ASSERT_TRUE(on.throttle.Failed(kVictim, "ip:bot" + std::to_string(i), kNow).ok());
  }
  a.CatchUp();
  b.CatchUp();
  EXPECT_TRUE(a.throttle.Admit(kVictim, "ip:bot-a", kNow).allowed);
  ThrottleDecision d = b.throttle.Admit(kVictim, "ip:bot-b", kNow + 1);  // b has not caught up
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, PasswordThrottle::kCeilingIntervalMs - 1);
  const int64_t next = kNow + PasswordThrottle::kCeilingIntervalMs;
  EXPECT_TRUE(b.throttle.Admit(kVictim, "ip:bot-b", next).allowed);
  EXPECT_FALSE(a.throttle.Admit(kVictim, "ip:bot-c", next).allowed);
}

// Many attempts at once on two instances, several threads each: one gets the slot.
TEST_P(PasswordThrottleSharing, RacingInstancesHandOutOneCeilingSlot) {
  Instance& a = Start();
  Instance& b = Start();
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures; ++i) {
    ASSERT_TRUE(a.throttle.Failed(kVictim, "ip:bot" + std::to_string(i), kNow).ok());
  }
  b.CatchUp();
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Instance& on = t % 2 == 0 ? a : b;
      if (on.throttle.Admit(kVictim, "ip:racer" + std::to_string(t), kNow).allowed) ++admitted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 1);
}

// Failures counted at the same time on two instances are all counted: none is lost to the other.
TEST_P(PasswordThrottleSharing, ConcurrentFailuresOnTwoInstancesAreAllCounted) {
  Instance& a = Start();
  Instance& b = Start();
  constexpr int kThreads = 4;
  constexpr int kEach = 15;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Instance& on = t % 2 == 0 ? a : b;
      for (int i = 0; i < kEach; ++i) {
        if (!on.throttle.Failed(kVictim, "ip:guesser", kNow + i).ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  Instance& c = Start();  // loads what the store holds
  for (const char* key : {"address/ip:guesser", "principal/user:111122223333/alice"}) {
    auto count = c.counts.Get(key);
    ASSERT_NE(count, nullptr) << key;
    EXPECT_EQ(count->failures, kThreads * kEach) << key;
  }
}

TEST_P(PasswordThrottleSharing, ARestartKeepsTheCounts) {
  Instance& a = Start();
  ASSERT_TRUE(a.throttle.Succeeded(kVictim, "ip:home", kNow).ok());
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures; ++i) {
    ASSERT_TRUE(a.throttle.Failed(kVictim, "ip:guesser", kNow).ok());
  }
  Stop(a);
  Instance& again = Start();
  EXPECT_FALSE(again.throttle.Admit(kVictim, "ip:guesser", kNow + 1).allowed);
  EXPECT_TRUE(again.throttle.Admit(kVictim, "ip:home", kNow + 1).allowed);  // still known
  EXPECT_TRUE(again.throttle.Admit(kVictim, "ip:new", kNow + 1).allowed);   // the one slot
  EXPECT_FALSE(again.throttle.Admit(kVictim, "ip:new2", kNow + 2).allowed);
}

// Keys do not grow with what a caller sends, and counts are swept once they expire.
TEST_P(PasswordThrottleSharing, KeysAreBoundedAndExpiredCountsAreSwept) {
  Instance& a = Start();
  const std::string long_name = auth::RootThrottleKey(std::string(5000, 'x') + "@example.com");
  ASSERT_TRUE(a.throttle.Failed(long_name, "ip:\n" + std::string(300, 'y'), kNow).ok());
  ASSERT_TRUE(a.throttle.Succeeded(long_name, "ip:home", kNow).ok());
  auto counts = a.state.directory().Scan<model::ThrottleCount>("");
  ASSERT_EQ(counts.size(), 4u);  // address, pair, principal, known
  for (const auto& c : counts) {
    EXPECT_LE(c->key.size(), 96u) << c->key;
    for (const auto& k : c->known) EXPECT_LE(k.address.size(), 96u);
  }
  EXPECT_TRUE(a.throttle.Admit(long_name, "ip:home", kNow).allowed);
  // An hour on, a failure elsewhere sweeps the failures' counts; the known address stays.
  const int64_t later = kNow + PasswordThrottle::kPrincipalWindowMs;
  ASSERT_TRUE(a.throttle.Failed(kVictim, "ip:other", later).ok());
  Instance& b = Start();
  std::vector<std::string> keys;
  for (const auto& c : b.state.directory().Scan<model::ThrottleCount>("")) keys.push_back(c->key);
  EXPECT_EQ(keys.size(), 4u);  // kVictim's three, and long_name's known addresses
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(),
                          [](const std::string& k) { return k.starts_with("known/"); }),
            1);
}

// While the store cannot be written the throttle fails closed: a failure that cannot be counted
// is an error (the caller answers it, as it answers a success it cannot record), and no ceiling
// slot is given. Once the store answers again, so does the throttle; nothing stays locked.
TEST_P(PasswordThrottleSharing, AStoreThatCannotBeWrittenFailsClosed) {
  Instance& a = Start();
  for (int i = 0; i < PasswordThrottle::kPrincipalFreeFailures; ++i) {
    ASSERT_TRUE(a.throttle.Failed(kVictim, "ip:bot" + std::to_string(i), kNow).ok());
  }
  a.db.down = true;
  Status failed = a.throttle.Failed(kVictim, "ip:guesser", kNow);
  EXPECT_EQ(failed.code(), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(a.throttle.Succeeded(kVictim, "ip:guesser", kNow).code(),
            ErrorCode::kServiceUnavailable);
  ThrottleDecision d = a.throttle.Admit(kVictim, "ip:new", kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ms, PasswordThrottle::kCeilingIntervalMs);
  a.db.down = false;
  EXPECT_TRUE(a.throttle.Admit(kVictim, "ip:new", kNow + 1).allowed);
  ASSERT_TRUE(a.throttle.Failed(kVictim, "ip:new", kNow + 1).ok());
  EXPECT_EQ(a.counts.Get("principal/user:111122223333/alice")->failures,
            PasswordThrottle::kPrincipalFreeFailures + 1);
}

// The console's limits on reset mail and sign-ups per address (CountedBackoff) count in the
// same store: 30 mails asked through two instances are 30 in all, and the 31st waits on both;
// concurrent requests are all counted; one that cannot be counted is an error.
TEST_P(PasswordThrottleSharing, EventLimitsHoldAcrossInstances) {
  Instance& a = Start();
  Instance& b = Start();
  auth::CountedBackoff on_a(a.counts, 30);
  auth::CountedBackoff on_b(b.counts, 30);
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        if (!(t == 0 ? on_a : on_b).Count("reset:192.0.2.7", kNow).ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  a.CatchUp();
  b.CatchUp();
  EXPECT_EQ(on_a.WaitMs("reset:192.0.2.7", kNow), auth::FailureBackoff::kFirstDelayMs);
  EXPECT_EQ(on_b.WaitMs("reset:192.0.2.7", kNow), auth::FailureBackoff::kFirstDelayMs);
  EXPECT_EQ(on_b.WaitMs("signup:192.0.2.7", kNow), 0);
  a.db.down = true;
  EXPECT_EQ(on_a.Count("signup:192.0.2.7", kNow).code(), ErrorCode::kServiceUnavailable);
  a.db.down = false;
  Instance& c = Start();  // what the store holds
  auto count = c.counts.Get(auth::CountedBackoff::KeyOf("reset:192.0.2.7"));
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->failures, 30);
  EXPECT_EQ(c.counts.Get(auth::CountedBackoff::KeyOf("signup:192.0.2.7")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Backends, PasswordThrottleSharing, testing::ValuesIn(StoreBackends()),
                         BackendName);

}  // namespace
}  // namespace gatehouse::store
