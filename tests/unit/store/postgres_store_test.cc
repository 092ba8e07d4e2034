// What the PostgreSQL store adds to the contract (which store_contract_test.cc and
// store_preconditions_test.cc run on it): several instances on one database — migrations once,
// one winner of a race — and a refusal of a schema newer than this build knows.
#include "store/postgres_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store_backends.h"

namespace gatehouse::store {
namespace {

std::string FreshDatabase(const std::string& name) {
  const std::string base = TestPostgresUri();
  if (base.empty()) return "";
  PGconn* admin = PQconnectdb(base.c_str());
  const std::string db = name + "_" + std::to_string(getpid());
  PQclear(PQexec(admin, ("DROP DATABASE IF EXISTS " + db).c_str()));
  PGresult* r = PQexec(admin, ("CREATE DATABASE " + db).c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(admin);
  return base.substr(0, base.rfind('/') + 1) + db;
}

TEST(PostgresStoreTest, InstancesStartingTogetherMigrateOnce) {
  const std::string uri = FreshDatabase("migrate");
  ASSERT_FALSE(uri.empty());
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto store = PostgresStore::Open(uri);
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (store.ok() && (*store)->schema_version() == static_cast<int>(kMigrations.size())) {
        ++opened;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 4);
  PGconn* conn = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(conn, "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  EXPECT_EQ(std::stoi(PQgetvalue(r, 0, 0)), static_cast<int>(kMigrations.size()));
  EXPECT_EQ(std::stoi(PQgetvalue(r, 0, 1)), static_cast<int>(kMigrations.size()));
  PQclear(r);

  // A database migrated by a newer gatehouse is refused, not written.
  PQclear(PQexec(conn, "INSERT INTO schema_migrations VALUES (999, 0)"));
  auto newer = PostgresStore::Open(uri);
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.status().message().find("newer gatehouse"), std::string::npos);
  PQfinish(conn);
}

TEST(PostgresStoreTest, RacingInstancesGetOneWinnerPerName) {
  const std::string uri = FreshDatabase("race");
  ASSERT_FALSE(uri.empty());
  auto a = PostgresStore::Open(uri);
  auto b = PostgresStore::Open(uri);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Commit({{InsertAccount{{"111111111111", "acct", "a@example.com", 1}}}}).ok());
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> won{0};
    std::atomic<int> refused{0};
    auto create = [&](Store& store, const std::string& spelling, const std::string& id) {
      Status s = store.Commit({{InsertUser{{"111111111111", spelling, "/", id, 2, {}}}}});
      if (s.ok()) ++won;
      if (s.code() == ErrorCode::kEntityAlreadyExists) ++refused;
    };
    const std::string name = "user" + std::to_string(round);
    std::thread one([&] { create(**a, name, "AIDAONE" + std::to_string(round)); });
    std::thread two(
        [&] { create(**b, "USER" + std::to_string(round), "AIDATWO" + std::to_string(round)); });
    one.join();
    two.join();
    EXPECT_EQ(won.load(), 1) << name;
    EXPECT_EQ(refused.load(), 1) << name;
  }
  auto data = (*a)->LoadAll();
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->users.size(), 20u);
}

// The statements a connection prepared die with it: once the server drops the connection, the
// follower's thread replaces it and commits prepare their statements again on the new one.
TEST(PostgresStoreTest, ALostConnectionIsReplacedWithItsStatementsPreparedAgain) {
  const std::string uri = FreshDatabase("lost");
  ASSERT_FALSE(uri.empty());
  auto store = PostgresStore::Open(uri);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(
      (*store)->Commit({{InsertAccount{{"111111111111", "acct", "a@example.com", 1}}}}).ok());
  auto create = [&](const std::string& name) {
    return (*store)->Commit({{InsertUser{{"111111111111", name, "/", "AIDA" + name, 2, {}}}}});
  };
  ASSERT_TRUE(create("before").ok());
  PGconn* admin = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(admin,
                       "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE "
                       "datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(admin);
  // The first commit finds the connection gone; the next ones fail at once until it is
  // replaced.
  EXPECT_FALSE(create("during").ok());
  EXPECT_EQ(create("during2").code(), ErrorCode::kServiceUnavailable);
  EXPECT_FALSE((*store)->Reachable());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(*store)->Reachable() && std::chrono::steady_clock::now() < deadline) {
    (*store)->WaitForChange(std::chrono::milliseconds(50));  // the follower's thread's call
  }
  ASSERT_TRUE((*store)->Reachable());
  Status after = create("after");
  ASSERT_TRUE(after.ok()) << after.ToString();
  auto data = (*store)->LoadAll();
  ASSERT_TRUE(data.ok());
  std::vector<std::string> names;
  for (const model::User& u : data->users) names.push_back(u.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"after", "before"}));
}

TEST(PostgresStoreTest, AnUnreachableDatabaseFailsAtOnceWithServiceFailure) {
  auto start = std::chrono::steady_clock::now();
  auto store = PostgresStore::Open("postgresql://gatehouse@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kServiceFailure);
  EXPECT_NE(store.status().message().find("cannot connect to PostgreSQL"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace gatehouse::store
