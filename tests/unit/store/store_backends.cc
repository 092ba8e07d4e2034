#include "store_backends.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "core/crypto.h"

namespace gatehouse::store {

std::string TestPostgresUri() {
  const char* file = std::getenv("GATEHOUSE_TEST_POSTGRES_URI_FILE");
  std::string uri;
  if (file != nullptr) std::getline(std::ifstream(file), uri);
  if (uri.empty()) {
    ADD_FAILURE() << "no PostgreSQL test cluster: run through ctest, whose `postgres` fixture "
                     "starts one (tests/support/postgres_cluster.sh) and names it in "
                     "GATEHOUSE_TEST_POSTGRES_URI_FILE";
  }
  return uri;
}

namespace {

std::string DatabaseNameFor(const std::string& dir) {
  return "t_" + HexEncode(Sha256(dir)).substr(0, 24);
}

}  // namespace

std::string PostgresUriFor(const std::string& dir) {
  const std::string base = TestPostgresUri();
  if (base.empty()) return "";
  return base.substr(0, base.rfind('/') + 1) + DatabaseNameFor(dir);
}

std::unique_ptr<Store> OpenPostgresFor(const std::string& dir) {
  const std::string base = TestPostgresUri();
  if (base.empty()) return nullptr;
  const std::string name = DatabaseNameFor(dir);
  PGconn* admin = PQconnectdb(base.c_str());
  EXPECT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  PGresult* created = PQexec(admin, ("CREATE DATABASE " + name).c_str());
  const char* state = PQresultErrorField(created, PG_DIAG_SQLSTATE);
  EXPECT_TRUE(PQresultStatus(created) == PGRES_COMMAND_OK ||
              (state != nullptr && std::string(state) == "42P04"))  // exists: opened again
      << PQresultErrorMessage(created);
  PQclear(created);
  PQfinish(admin);
  auto store = PostgresStore::Open(base.substr(0, base.rfind('/') + 1) + name);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::unique_ptr<Store> OpenMemoryFor(const std::string& dir) {
  static std::mutex mu;
  static auto* databases = new std::map<std::string, std::shared_ptr<MemoryDatabase>>();
  std::lock_guard lock(mu);
  const std::filesystem::path marker = std::filesystem::path(dir) / "memory-store";
  std::shared_ptr<MemoryDatabase>& database = (*databases)[dir];
  if (database == nullptr || !std::filesystem::exists(marker)) {
    database = MemoryStore::NewDatabase();
    std::ofstream(marker) << "the data of this directory's MemoryStore is in the test's memory\n";
  }
  return std::make_unique<MemoryStore>(database);
}

}  // namespace gatehouse::store
