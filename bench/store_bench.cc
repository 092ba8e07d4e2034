// Durable write rate of the store: one CreateUser-sized batch per commit, SQLite in WAL mode
// with synchronous=FULL (each commit is fsynced before it returns), as `gatehouse serve` runs it.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "store/directory.h"
#include "store/sqlite_store.h"

using namespace gatehouse;

static void BM_CommitCreateUser(benchmark::State& state) {
  std::string dir = std::filesystem::temp_directory_path() /
                    ("gatehouse-store-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = store::SqliteStore::Open(dir + "/gatehouse.db");
  if (!db.ok()) {
    state.SkipWithError(db.status().message().c_str());
    return;
  }
  store::State s(**db);
  (void)s.Load();
  (void)s.Commit({{store::InsertAccount{{"111111111111", "bench", "bench@example.com", 0}}}});
  int64_t i = 0;
  for (auto _ : state) {
    std::string name = "user" + std::to_string(i++);
    Status st = s.Commit({{store::InsertUser{{"111111111111", name, "/", "AIDA" + name, i, {}}}}});
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CommitCreateUser)->UseRealTime()->MinTime(2.0);

BENCHMARK_MAIN();
