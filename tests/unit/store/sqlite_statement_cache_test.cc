// A connection's statement cache: a statement given back is the one taken next, reset and with
// its bindings cleared; a nested use gets its own; refused SQL is never kept; the cache stays
// within its bound; and clearing it lets the connection close.
#include "store/sqlite_statement_cache.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <utility>

#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {
namespace {

class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db_, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", nullptr, nullptr, nullptr),
        SQLITE_OK);
  }
  void TearDown() override { EXPECT_EQ(sqlite3_close(db_), SQLITE_OK); }
  sqlite3* db_ = nullptr;
};

TEST_F(StatementCacheTest, AStatementGivenBackIsTakenAgain) {
  StatementCache cache(db_);
  const std::string sql = "SELECT v FROM t WHERE k = ?";
  sqlite3_stmt* first = cache.Take(sql);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(cache.size(), 0u);  // taken out while in use
  cache.GiveBack(first);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Take(sql), first);  // not prepared again
  cache.GiveBack(first);
  cache.Clear();
}

TEST_F(StatementCacheTest, AStatementComesBackResetWithoutItsBindings) {
  StatementCache cache(db_);
  {
    Statement put(cache, "INSERT INTO t (k, v) VALUES (?, ?)");
    put.Bind(1, std::string("a")).Bind(2, std::string("1"));
    ASSERT_TRUE(sqlite::Run(db_, put).ok());
  }
  {
    Statement put(cache, "INSERT INTO t (k, v) VALUES (?, ?)");
    put.Bind(1, std::string("b"));  // the second binding is not carried over from the last use
    ASSERT_TRUE(sqlite::Run(db_, put).ok());
  }
  {
    Statement read(cache, "SELECT k, v FROM t ORDER BY k");
    ASSERT_EQ(read.Step(), SQLITE_ROW);  // a read left at its first row is given back...
    EXPECT_EQ(read.Text(0), "a");
  }
  Statement read(cache, "SELECT k, v FROM t ORDER BY k");
  ASSERT_EQ(read.Step(), SQLITE_ROW);  // ...and starts over at its next use
  EXPECT_EQ(read.Text(0), "a");
  EXPECT_EQ(read.Text(1), "1");
  ASSERT_EQ(read.Step(), SQLITE_ROW);
  EXPECT_EQ(read.Text(0), "b");
  EXPECT_TRUE(read.Null(1));
  EXPECT_EQ(read.Step(), SQLITE_DONE);
}

TEST_F(StatementCacheTest, AFailedStatementRunsAgain) {
  StatementCache cache(db_);
  const char* sql = "INSERT INTO t (k, v) VALUES (?, 'x')";
  const std::pair<const char*, bool> puts[] = {{"a", true}, {"a", false}, {"b", true}};
  for (const auto& [key, stored] : puts) {
    Statement put(cache, sql);
    put.Bind(1, std::string(key));
    EXPECT_EQ(sqlite::Run(db_, put).ok(), stored) << key;  // the second "a" breaks the primary key
  }
  EXPECT_EQ(cache.size(), 1u);
  Statement count(cache, "SELECT COUNT(*) FROM t");
  ASSERT_EQ(count.Step(), SQLITE_ROW);
  EXPECT_EQ(count.Int(0), 2);
}

TEST_F(StatementCacheTest, ANestedUseGetsAStatementOfItsOwn) {
  StatementCache cache(db_);
  ASSERT_EQ(
      sqlite3_exec(db_, "INSERT INTO t VALUES ('a', '1'), ('b', '2')", nullptr, nullptr, nullptr),
      SQLITE_OK);
  const char* sql = "SELECT v FROM t WHERE k = ?";
  {
    Statement outer(cache, sql);
    outer.Bind(1, std::string("a"));
    ASSERT_EQ(outer.Step(), SQLITE_ROW);
    {
      Statement inner(cache, sql);  // the outer one is still open
      inner.Bind(1, std::string("b"));
      ASSERT_EQ(inner.Step(), SQLITE_ROW);
      EXPECT_EQ(inner.Text(0), "2");
    }
    EXPECT_EQ(outer.Text(0), "1");  // untouched by the inner one
  }
  EXPECT_EQ(cache.size(), 1u);  // one kept; the other was finalized
}

TEST_F(StatementCacheTest, RefusedSqlIsNeverKept) {
  StatementCache cache(db_);
  Statement bad(cache, "SELECT FROM nowhere WHERE");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(sqlite::Run(db_, bad).ok());
  EXPECT_EQ(cache.Take("SELECT * FROM no_such_table"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(StatementCacheTest, TheCacheKeepsNoMoreThanItsBound) {
  StatementCache cache(db_);
  for (size_t i = 0; i < StatementCache::kMaxKept + 10; ++i) {
    Statement s(cache, "SELECT " + std::to_string(i));
    ASSERT_TRUE(s.ok());
  }
  EXPECT_EQ(cache.size(), StatementCache::kMaxKept);
}

TEST_F(StatementCacheTest, ClearingTheCacheLetsTheConnectionClose) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &other), SQLITE_OK);
  StatementCache cache(other);
  { Statement s(cache, "SELECT 1"); }
  ASSERT_EQ(cache.size(), 1u);
  EXPECT_EQ(sqlite3_close(other), SQLITE_BUSY);  // a kept statement holds it open
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
}

}  // namespace
}  // namespace gatehouse::store::sqlite
