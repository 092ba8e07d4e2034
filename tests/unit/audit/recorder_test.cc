// The recorder: queued events reach the store (Flush waits for them), a full queue makes callers
// wait instead of dropping, sealing chains the stored events once across instances, and events
// past the retention are pruned; each stored batch is handed to the sinks, and a failing sink
// neither stops the recorder nor loses events from the store. A batch fills for up to its linger
// before the store sees it, and a Flush does not wait for that. Quiet rounds ask the store to
// sync what was appended. Events after every earlier one was pruned are sealed too.
#include "audit/recorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "audit/event_digest.h"
#include "store/memory_store.h"
#include "store/sqlite_store.h"

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

// Counts the syncs the recorder asks of its store.
class SyncCountingStore : public store::MemoryStore {
 public:
  Status SyncAudit() override {
    ++syncs;
    return Status::Ok();
  }
  std::atomic<int> syncs{0};
};

TEST(Recorder, AQuietRoundSyncsWhatWasAppended) {
  std::atomic<int64_t> clock{1000};
  SyncCountingStore store;
  Recorder recorder(store, Options(clock));
  recorder.Record(Event(1));
  ASSERT_TRUE(recorder.Flush().ok());
  const int after_append = store.syncs.load();
  // Nothing more is recorded: a quiet round comes within a second, and asks for a sync.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_GT(store.syncs.load(), after_append);
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

TEST(Recorder, ALongUnsealedHistoryIsSealedInBoundedSpans) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  RecorderOptions options = Options(clock);
  options.seal_span = 4;
  Recorder recorder(store, options);
  for (int i = 0; i < 10; ++i) recorder.Record(Event(i));
  ASSERT_TRUE(recorder.Flush().ok());
  ASSERT_TRUE(recorder.Seal(10).ok());
  auto digests = store.AuditDigests();
  ASSERT_TRUE(digests.ok());
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const model::AuditDigest& d : *digests) spans.emplace_back(d.first_seq, d.last_seq);
  EXPECT_EQ(spans, (std::vector<std::pair<int64_t, int64_t>>{{1, 4}, {5, 8}, {9, 10}}));
  EXPECT_EQ(
      FirstBrokenLink(*digests, [&](int64_t f, int64_t l) { return *store.AuditEvents(f, l); }),
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

// Every event aged out and pruned (its digests with it): the recorder, which keeps the last
// digest it sealed, seals the next events all the same, since their numbers go on.
TEST(Recorder, EventsAfterEverythingWasPrunedAreSealed) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("recorder-pruned-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto store = store::SqliteStore::Open((dir / "gatehouse.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::atomic<int64_t> clock{1000};
    Recorder recorder(**store, Options(clock));
    for (int i = 0; i < 3; ++i) recorder.Record(Event(i));
    ASSERT_TRUE(recorder.Flush().ok());
    ASSERT_TRUE(recorder.Seal(3).ok());
    ASSERT_TRUE((*store)->PruneAudit(1000000).ok());
    ASSERT_TRUE((*store)->AuditDigests()->empty());
    for (int i = 3; i < 5; ++i) recorder.Record(Event(i, 2000000));
    ASSERT_TRUE(recorder.Flush().ok());
    const int64_t latest = *(*store)->LatestAuditSeq();
    EXPECT_EQ(latest, 5);
    // The first round finds the chain it knew gone (the store takes a new one from the
    // start); the next seals the new events.
    ASSERT_TRUE(recorder.Seal(latest).ok());
    ASSERT_TRUE(recorder.Seal(latest).ok());
    auto digests = (*store)->AuditDigests();
    ASSERT_TRUE(digests.ok());
    ASSERT_EQ(digests->size(), 1u);
    EXPECT_EQ((*digests)[0].last_seq, 5);
    EXPECT_EQ(FirstBrokenLink(*digests,
                              [&](int64_t f, int64_t l) { return *(*store)->AuditEvents(f, l); }),
              std::nullopt);
  }
  std::filesystem::remove_all(dir);
}

// A sink that keeps what it is given, or fails while `failing`.
class FakeSink : public EventSink {
 public:
  std::atomic<bool> failing{false};
  std::vector<std::string> bodies;  // read after Flush
  size_t writes = 0;

  Status Write(const std::vector<model::AuditEntry>& entries) override {
    ++writes;
    if (failing) return Status(ErrorCode::kInternalFailure, "disk full");
    for (const model::AuditEntry& e : entries) bodies.push_back(e.body);
    return Status::Ok();
  }
};

TEST(Recorder, SinksReceiveEveryStoredEventInOrder) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  FakeSink one, two;
  RecorderOptions options = Options(clock);
  options.max_batch = 7;
  options.sinks = {&one, &two};
  Recorder recorder(store, options);
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    recorder.Record(Event(i));
    expected.push_back(Event(i).body);
  }
  ASSERT_TRUE(recorder.Flush().ok());  // the exports are done too
  EXPECT_EQ(one.bodies, expected);
  EXPECT_EQ(two.bodies, expected);
  EXPECT_EQ(Stored(store), 50u);
}

TEST(Recorder, AFailingSinkDoesNotStopTheRecorder) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  FakeSink sink;
  sink.failing = true;
  RecorderOptions options = Options(clock);
  options.sinks = {&sink};
  Recorder recorder(store, options);
  recorder.Record(Event(1));
  EXPECT_TRUE(recorder.Flush().ok());  // the store's append succeeded
  sink.failing = false;
  recorder.Record(Event(2));
  ASSERT_TRUE(recorder.Flush().ok());
  EXPECT_EQ(sink.bodies, std::vector<std::string>{Event(2).body});
  EXPECT_EQ(Stored(store), 2u);
}

// Counts the appends the recorder makes, around a memory store.
class CountingLog : public store::MemoryStore {
 public:
  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override {
    appends.fetch_add(1);
    return store::MemoryStore::AppendAudit(entries);
  }
  std::atomic<int> appends{0};
};

TEST(Recorder, EventsRecordedTogetherAreAppendedInOneBatch) {
  std::atomic<int64_t> clock{1000};
  CountingLog store;
  RecorderOptions options = Options(clock);
  options.linger_ms = 60'000;  // only a full batch or a flush appends
  options.max_batch = 10;
  Recorder recorder(store, options);
  for (int i = 0; i < 25; ++i) recorder.Record(Event(i));
  // Two full batches go at once; the five left wait for more, or for a flush.
  for (int i = 0; i < 500 && Stored(store) < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Stored(store), 20u);
  EXPECT_EQ(store.appends.load(), 2);
  ASSERT_TRUE(recorder.Flush().ok());
  EXPECT_EQ(Stored(store), 25u);
  EXPECT_EQ(store.appends.load(), 3);
}

TEST(Recorder, AFlushDoesNotWaitForTheBatchToFill) {
  std::atomic<int64_t> clock{1000};
  store::MemoryStore store;
  RecorderOptions options = Options(clock);
  options.linger_ms = 60'000;
  Recorder recorder(store, options);
  recorder.Record(Event(1));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(recorder.Flush().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(Stored(store), 1u);
}

}  // namespace
}  // namespace gatehouse::audit
