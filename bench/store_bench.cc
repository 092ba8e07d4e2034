// The store's costs on its hot paths. BM_CommitCreateUser: the durable write rate, one
// CreateUser-sized batch per commit, SQLite in WAL mode with synchronous=FULL (each commit is
// fsynced before it returns), as `gatehouse serve` runs it; BM_CommitCreateUserWithEvent, each
// batch carrying its call's audit event, as the server's do. BM_AppendReadOnlyEvents: what the
// audit recorder's append costs per event, in batches of a thousand (the recorder's largest) and
// of four thousand GetCallerIdentity records of one caller (the shape a busy read path queues;
// SQLite stores them in blocks); BM_AdoptAndCompleteWrites, per event of a thousand CreateUser
// calls whose commits carried their opened events. BM_PackAuditBody, BM_UnpackAuditBody: one
// such record's body packed for the disk and read back.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/audit_body_codec.h"
#include "store/audit_scope.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

using namespace gatehouse;

namespace {

// A fresh store in a directory of its own under the system's temporary one, removed with it.
class BenchStore {
 public:
  explicit BenchStore(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("gatehouse-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    opened_ = store::SqliteStore::Open(dir_ + "/gatehouse.db");
  }
  ~BenchStore() {
    opened_ = Status(ErrorCode::kServiceFailure, "closed");
    std::filesystem::remove_all(dir_);
  }
  // The store, or null after skipping the benchmark with the reason it did not open.
  store::SqliteStore* Get(benchmark::State& state) {
    if (opened_.ok()) return opened_->get();
    state.SkipWithError(opened_.status().message().c_str());
    return nullptr;
  }

 private:
  std::string dir_;
  Result<std::unique_ptr<store::SqliteStore>> opened_ =
      Status(ErrorCode::kServiceFailure, "not opened");
};

}  // namespace

static void BM_CommitCreateUser(benchmark::State& state) {
  BenchStore bench("store-bench");
  store::SqliteStore* db = bench.Get(state);
  if (db == nullptr) return;
  store::State s(*db);
  (void)s.Load();
  (void)s.Commit({{store::InsertAccount{{"111111111111", "bench", "bench@example.com", 0}}}});
  int64_t i = 0;
  for (auto _ : state) {
    std::string name = "user" + std::to_string(i++);
    Status st = s.Commit({{store::InsertUser{{"111111111111", name, "/", "AIDA" + name, i, {}}}}});
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitCreateUser)->UseRealTime()->MinTime(2.0);

namespace {

// The event CreateUser `name` opens, as its commit carries it (store/audit_scope.h).
model::AuditEntry OpenedCreateUserEvent(const std::string& name, int64_t i) {
  char id[64];
  std::snprintf(id, sizeof id, "01a24e16-498e-7000-%04x-%012llx", static_cast<unsigned>(i % 65536),
                static_cast<unsigned long long>(i));
  model::AuditEntry e;
  e.account_id = "111111111111";
  e.event_id = id;
  e.time_ms = 1796606413000 + i;
  e.event_name = "CreateUser";
  e.event_source = "iam.amazonaws.com";
  e.username = "admin";
  e.access_key_id = "AKIA5TMW2TDKX675EHQB";
  e.resources = {{"AWS::IAM::User", name}};
  e.body = std::string(R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":")") +
           id +
           R"(","eventName":"CreateUser","eventSource":"iam.amazonaws.com","eventTime":")"
           R"(2026-12-07T01:20:13Z","eventType":"AwsApiCall","eventVersion":"1.09",)"
           R"("managementEvent":true,"readOnly":false,"recipientAccountId":"111111111111",)"
           R"("requestID":"2c9086dd-e367-436b-8a0c-)" +
           std::to_string(100000000000 + i) + R"(","requestParameters":{"userName":")" + name +
           R"("},"responseElements":null,"sourceIPAddress":"127.0.0.1","userAgent":"",)"
           R"("userIdentity":{"accessKeyId":"AKIA5TMW2TDKX675EHQB","accountId":"111111111111",)"
           R"("arn":"arn:aws:iam::111111111111:user/admin","principalId":"AIDA4NHGYBBY4FRMSCPYA",)"
           R"("type":"IAMUser","userName":"admin"}})";
  return e;
}

}  // namespace

// As BM_CommitCreateUser, each commit carrying its call's audit event as the server's do: what
// the trail costs the thread that commits (every write waits for it).
static void BM_CommitCreateUserWithEvent(benchmark::State& state) {
  BenchStore bench("store-bench-event");
  store::SqliteStore* db = bench.Get(state);
  if (db == nullptr) return;
  store::State s(*db);
  (void)s.Load();
  (void)s.Commit({{store::InsertAccount{{"111111111111", "bench", "bench@example.com", 0}}}});
  int64_t i = 0;
  for (auto _ : state) {
    std::string name = "user" + std::to_string(i++);
    store::AuditScope scope(OpenedCreateUserEvent(name, i));
    Status st = s.Commit({{store::InsertUser{{"111111111111", name, "/", "AIDA" + name, i, {}}}}});
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitCreateUserWithEvent)->UseRealTime()->MinTime(2.0);

namespace {

// Event `i` of one caller's GetCallerIdentity calls, its body as the recorder stores it.
model::AuditEntry ReadOnlyEvent(int64_t i) {
  char id[64];
  std::snprintf(id, sizeof id, "01a24c20-eab4-7008-%04x-%012llx", static_cast<unsigned>(i % 65536),
                static_cast<unsigned long long>(i));
  model::AuditEntry e;
  e.account_id = "408595329777";
  e.event_id = id;
  e.time_ms = 1796660000000 + i;
  e.event_name = "GetCallerIdentity";
  e.event_source = "sts.amazonaws.com";
  e.username = "admin";
  e.access_key_id = "AKIAVNXLZHHGFHOZ76D6";
  e.read_only = true;
  e.body = std::string(R"({"awsRegion":"us-east-1","eventCategory":"Management","eventID":")") +
           id +
           R"(","eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com","eventTime":")"
           R"(2026-12-06T16:12:35Z","eventType":"AwsApiCall","eventVersion":"1.09",)"
           R"("managementEvent":true,"readOnly":true,"recipientAccountId":"408595329777",)"
           R"("requestID":"1336d79b-3642-4e95-a874-)" +
           std::to_string(100000000000 + i) +
           R"(","requestParameters":null,"responseElements":null,"sourceIPAddress":"127.0.0.1",)"
           R"("userAgent":"","userIdentity":{"accessKeyId":"AKIAVNXLZHHGFHOZ76D6",)"
           R"("accountId":"408595329777","arn":"arn:aws:iam::408595329777:user/admin",)"
           R"("principalId":"AIDAIH2WYFG32LYSOL3K7","type":"IAMUser","userName":"admin"}})";
  return e;
}

}  // namespace

static void BM_AppendReadOnlyEvents(benchmark::State& state) {
  BenchStore bench("audit-bench");
  store::SqliteStore* db = bench.Get(state);
  if (db == nullptr) return;
  int64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<model::AuditEntry> batch;
    for (int64_t n = 0; n < state.range(0); ++n) batch.push_back(ReadOnlyEvent(i++));
    state.ResumeTiming();
    Status st = db->AppendAudit(batch);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AppendReadOnlyEvents)->Arg(1000)->Arg(4000)->MinTime(3.0);

// The recorder's append under a writing load: `range(0)` CreateUser commits, each carrying its
// opened event in the feed (committed one by one, untimed), then one append of their completions,
// which adopts the feed and stores each completion in its event's place.
static void BM_AdoptAndCompleteWrites(benchmark::State& state) {
  BenchStore bench("audit-writes-bench");
  store::SqliteStore* db = bench.Get(state);
  if (db == nullptr) return;
  (void)db->Commit({{store::InsertAccount{{"111111111111", "bench", "bench@example.com", 0}}}});
  int64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<store::WriteBatch> batches(static_cast<size_t>(state.range(0)));
    std::vector<model::AuditEntry> completions;
    for (store::WriteBatch& b : batches) {
      const std::string name = "user" + std::to_string(i);
      b.writes.push_back(store::InsertUser{{"111111111111", name, "/", "AIDA" + name, i, {}}});
      b.audit.push_back(OpenedCreateUserEvent(name, i++));
      model::AuditEntry completed = b.audit.back();
      constexpr std::string_view kNoAnswer = R"("responseElements":null)";
      completed.body.replace(
          completed.body.find(kNoAnswer), kNoAnswer.size(),
          R"("responseElements":{"user":{"userName":")" + name + R"(","path":"/"}})");
      completions.push_back(std::move(completed));
    }
    for (const store::WriteBatch& b : batches) {
      if (Status st = db->Commit(b); !st.ok()) state.SkipWithError(st.message().c_str());
    }
    state.ResumeTiming();
    Status st = db->AppendAudit(completions);
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AdoptAndCompleteWrites)->Arg(1000)->Iterations(30);  // each commits 1,000 first

// Packing and unpacking one such record (store/audit_body_codec.h); the packed size is reported.
static void BM_PackAuditBody(benchmark::State& state) {
  const std::string body = ReadOnlyEvent(7).body;
  size_t packed = 0;
  for (auto _ : state) {
    std::string out = store::PackAuditBody(body);
    packed = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["bytes"] = static_cast<double>(body.size());
  state.counters["packed"] = static_cast<double>(packed);
}
BENCHMARK(BM_PackAuditBody);

static void BM_UnpackAuditBody(benchmark::State& state) {
  const std::string packed = store::PackAuditBody(ReadOnlyEvent(7).body);
  for (auto _ : state) benchmark::DoNotOptimize(store::UnpackAuditBody(packed));
}
BENCHMARK(BM_UnpackAuditBody);

BENCHMARK_MAIN();
