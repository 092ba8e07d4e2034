// The Store implementations that the store's contract suites run against: one list, so that a
// new backend joins every suite at once. The PostgreSQL backend needs the private cluster that
// ctest's `postgres` fixture starts (tests/support/postgres_cluster.sh), named by the file in
// GATEHOUSE_TEST_POSTGRES_URI_FILE; without it its tests fail, they are never skipped. The
// memory backend keeps one MemoryDatabase per directory: opening the directory again (another
// instance, or the same one restarted) is a new MemoryStore over the same data.
#ifndef GATEHOUSE_TESTS_UNIT_STORE_STORE_BACKENDS_H_
#define GATEHOUSE_TESTS_UNIT_STORE_STORE_BACKENDS_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/memory_store.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace gatehouse::store {

struct Backend {
  std::string name;
  // Opens the store kept at `dir`; opening the same dir again sees the same data.
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
  // Whether a commit wakes another store's WaitForChange (SQLite has no announcements: its
  // followers poll).
  bool announces = true;
};

// GoogleTest prints a parameter in failure messages and test listings; without this it prints
// the object's bytes, heap addresses included, which differ from run to run.
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

// The test cluster's URI (postgresql://…/gatehouse), or "" with a failure when there is none.
std::string TestPostgresUri();

// The URI of the test cluster's database for `dir` ("" with a failure when there is none).
std::string PostgresUriFor(const std::string& dir);

// A database of the test cluster for `dir`, created on first use: the same dir opens the same
// database again.
std::unique_ptr<Store> OpenPostgresFor(const std::string& dir);

// A MemoryStore over the database kept for `dir` while the directory lives (a marker file in
// it): the same dir opens the same data again; a dir removed and made again starts empty.
std::unique_ptr<Store> OpenMemoryFor(const std::string& dir);

inline std::vector<Backend> StoreBackends() {
  return {Backend{"sqlite",
                  [](const std::string& dir) -> std::unique_ptr<Store> {
                    auto s = SqliteStore::Open(dir + "/gatehouse.db");
                    EXPECT_TRUE(s.ok()) << s.status().ToString();
                    return std::move(s).value();
                  },
                  /*announces=*/false},
          Backend{"postgres", OpenPostgresFor}, Backend{"memory", OpenMemoryFor}};
}

inline std::string BackendName(const testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

// A suite run on every backend, each test in a fresh directory of its own (its store's data).
class BackendTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gatehouse-backend-" + std::to_string(getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A store on this test's database; each call is another instance on it.
  std::unique_ptr<Store> Open() { return GetParam().open(dir_.string()); }

  std::filesystem::path dir_;
};

}  // namespace gatehouse::store

#endif  // GATEHOUSE_TESTS_UNIT_STORE_STORE_BACKENDS_H_
