// The recorder: queued events reach the store (Flush waits for them), a full queue makes callers
// wait instead of dropping, sealing chains the stored events once across instances, and events
// past the retention are pruned.
#include "audit/recorder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "audit/event_digest.h"
#include "store/memory_store.h"

namespace gatehouse::audit {
namespace {

model::AuditEntry Event(int i, int64_t time_ms = 1000) {
  model::AuditEntry e;
  e.event_id = "e" + std::to_string(i);
  e.account_id = "111111111111";
  e.time_ms = time_ms;
  e.event_name = "GetUser";
  e.body = "{\"n\":" + std::to_string(i) + "}";
  return e;
}

RecorderOptions Options(std::atomic<int64_t>& clock) {
  RecorderOptions o;
  o.now_ms = [&clock] { return clock.load(); };
  o.seal_every_ms = 1000000000;  // only when a test seals
  return o;
}

size_t Stored(store::Store& store) {
  store::AuditQuery q;
  q.account_id = "111111111111";
  q.limit = 100000;
  return store.LookupAudit(q)->size();
}

TEST(Recorder, EveryRecordedEventIsStored) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  RecorderOptions options = Options(clock);
  options.capacity = 8;  // far fewer than the events: callers wait for room
  options.max_batch = 3;
  Recorder recorder(store, options);
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&recorder, t] {
      for (int i = 0; i < 50; ++i) recorder.Record(Event(t * 1000 + i));
    });
  }
  for (auto& c : callers) c.join();
  ASSERT_TRUE(recorder.Flush().ok());
  EXPECT_EQ(Stored(store), 200u);
}

TEST(Recorder, TheDestructorStoresWhatIsQueued) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  {
    Recorder recorder(store, Options(clock));
    for (int i = 0; i < 100; ++i) recorder.Record(Event(i));
  }
  EXPECT_EQ(Stored(store), 100u);
}

TEST(Recorder, SealingChainsOnceAcrossInstances) {
  std::atomic<int64_t> clock{1000};
  auto db = store::MemoryStore::NewDatabase();
  store::MemoryStore one(db), two(db);
  Recorder a(one, Options(clock)), b(two, Options(clock));
  for (int i = 0; i < 5; ++i) a.Record(Event(i));
  ASSERT_TRUE(a.Flush().ok());
  ASSERT_TRUE(a.Seal(5).ok());
  ASSERT_TRUE(b.Seal(5).ok());  // nothing left: no second digest over the same events
  for (int i = 5; i < 8; ++i) b.Record(Event(i));
  ASSERT_TRUE(b.Flush().ok());
  ASSERT_TRUE(a.Seal(8).ok());  // a's view of the chain is current: it extends it
  ASSERT_TRUE(b.Seal(8).ok());
  auto digests = one.AuditDigests();
  ASSERT_TRUE(digests.ok());
  ASSERT_EQ(digests->size(), 2u);
  EXPECT_EQ((*digests)[0].last_seq, 5);
  EXPECT_EQ((*digests)[1].first_seq, 6);
  EXPECT_EQ(FirstBrokenLink(*digests, [&](int64_t f, int64_t l) { return *one.AuditEvents(f, l); }),
            std::nullopt);
}

TEST(Recorder, OldEventsArePruned) {
  const int64_t day = 24 * 3600 * 1000LL;
  std::atomic<int64_t> clock{100 * day};
  store::MemoryStore store;
  {
    Recorder writer(store, Options(clock));
    writer.Record(Event(1, 5 * day));   // 95 days old
    writer.Record(Event(2, 50 * day));  // 50 days old
  }
  { Recorder pruner(store, Options(clock)); }  // prunes when it starts
  EXPECT_EQ(Stored(store), 1u);
}

}  // namespace
}  // namespace gatehouse::audit
