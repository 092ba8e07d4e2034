// The SQLite audit log's postings (store/audit_postings.h): the packing of event numbers, the
// keys an event is listed under, and the layout a store of an earlier version is brought to:
// its events get postings and stay found, its per-column indexes go, and its resources are
// clustered on their key.
#include "store/audit_postings.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite_store.h"

namespace gatehouse::store {
namespace {

using audit_postings::Code;

TEST(AuditPostings, PackedNumbersComeBackAsTheyWere) {
  for (const std::vector<int64_t>& seqs : std::vector<std::vector<int64_t>>{
           {}, {1}, {5, 6, 7, 1000, 1001}, {127, 128, 16511}, {1, INT64_MAX}}) {
    EXPECT_EQ(audit_postings::Unpack(audit_postings::Pack(seqs)), seqs);
  }
  EXPECT_EQ(audit_postings::Pack({1000, 1001, 1002}).size(), 4u);  // gaps of 1: a byte each
}

TEST(AuditPostings, BytesPackDidNotWriteAreRefused) {
  EXPECT_EQ(audit_postings::Unpack("\x81"), std::nullopt);  // cut in a number
  EXPECT_EQ(audit_postings::Unpack(std::string(11, '\xff') + "\x01"), std::nullopt);
  // Past INT64_MAX.
  EXPECT_EQ(audit_postings::Unpack(audit_postings::Pack({INT64_MAX}) + "\x01"), std::nullopt);
}

TEST(AuditPostings, AnEventIsListedOnceUnderEachOfItsKeys) {
  model::AuditEntry e;
  e.account_id = "111111111111";
  e.event_name = "AttachRolePolicy";
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.access_key_id = "AKIAALICE";
  e.resources = {{"AWS::IAM::Role", "Admin"},
                 {"AWS::IAM::Role", "Admin"},
                 {"AWS::IAM::Policy", "arn:aws:iam::aws:policy/ReadOnlyAccess"}};
  const auto keys = audit_postings::KeysOf(e);
  const std::vector<std::pair<Code, std::string>> expected = {
      {Code::kAccount, ""},
      {Code::kEventName, "AttachRolePolicy"},
      {Code::kReadOnly, "false"},
      {Code::kUsername, "alice"},
      {Code::kResourceType, "AWS::IAM::Policy"},
      {Code::kResourceType, "AWS::IAM::Role"},
      {Code::kResourceName, "Admin"},
      {Code::kResourceName, "arn:aws:iam::aws:policy/ReadOnlyAccess"},
      {Code::kEventSource, "iam.amazonaws.com"},
      {Code::kAccessKeyId, "AKIAALICE"}};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(audit_postings::KeyOf(AuditAttribute::kEventId, "x"), std::nullopt);
  EXPECT_EQ(audit_postings::KeyOf(AuditAttribute::kNone, "ignored")->second, "");
}

TEST(AuditPostings, ListsMergeHighestFirstBelowTheBound) {
  audit_postings::NewestFirst merged(9);
  // Postings in order of their last number; the second reaches below the third.
  const std::vector<std::vector<int64_t>> postings = {{7, 8, 12}, {2, 6}, {4, 5}, {1, 3}};
  std::vector<int64_t> out;
  size_t next = 0;
  while (true) {
    while (next < postings.size() && merged.Wants(postings[next].back())) {
      merged.Add(postings[next++]);
    }
    std::optional<int64_t> seq = merged.Next();
    if (!seq) break;
    out.push_back(*seq);
  }
  EXPECT_EQ(out, (std::vector<int64_t>{8, 7, 6, 5, 4, 3, 2, 1}));
}

class SqliteAuditLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit-layout-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "gatehouse.db").string(); }
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(Path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int64_t Count(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(Path().c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    const int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }
  std::filesystem::path dir_;
};

model::AuditEntry Event(int i) {
  model::AuditEntry e;
  e.event_id = "e" + std::to_string(i);
  e.account_id = "111111111111";
  e.time_ms = 1000 + i;
  e.event_name = i % 2 == 0 ? "GetUser" : "CreateUser";
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.read_only = i % 2 == 0;
  e.resources = {{"AWS::IAM::User", "user-" + std::to_string(i % 3)}};
  e.body = "{}";
  return e;
}

TEST_F(SqliteAuditLayout, EventsOfAnEarlierVersionGetPostingsAndItsIndexesGo) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    std::vector<model::AuditEntry> events;
    for (int i = 1; i <= 2500; ++i) events.push_back(Event(i));
    ASSERT_TRUE((*store)->AppendAudit(events).ok());
  }
  // As an earlier version left it: no postings, the shared schema's indexes, and its
  // audit_resources (a rowid table).
  Exec(
      "DROP TABLE audit_postings; CREATE INDEX audit_events_name ON audit_events "
      "(account_id, event_name, seq, time_ms); CREATE TABLE r AS SELECT * FROM audit_resources; "
      "DROP TABLE audit_resources; CREATE TABLE audit_resources (seq BIGINT NOT NULL, position "
      "INTEGER NOT NULL, account_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, "
      "PRIMARY KEY (seq, position)); INSERT INTO audit_resources SELECT * FROM r; DROP TABLE r;");
  ASSERT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = "
                  "'sqlite_autoindex_audit_resources_1'"),
            1);
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  AuditQuery q;
  q.account_id = "111111111111";
  q.attribute = AuditAttribute::kResourceName;
  q.value = "user-1";
  q.limit = 1000;
  auto rows = (*store)->LookupAudit(q);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 834u);  // i % 3 == 1 for i in 1..2500
  EXPECT_EQ(rows->front().entry.event_id, "e2500");
  EXPECT_EQ(rows->front().entry.resources, Event(2500).resources);
  q.attribute = AuditAttribute::kReadOnly;
  q.value = "true";
  q.start_ms = 1000 + 2001;
  EXPECT_EQ((*store)->LookupAudit(q)->size(), 250u);  // the even ones from 2002 to 2500
  store->reset();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_events_name'"), 0);
  // The resources are one B-tree, clustered on their key, and all there.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_resources' AND sql "
                  "LIKE '%WITHOUT ROWID%'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_master WHERE name = "
                  "'sqlite_autoindex_audit_resources_1'"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_resources"), 2500);
  // Opening again adds nothing: each event is listed once per key.
  ASSERT_TRUE(SqliteStore::Open(Path()).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_postings WHERE code = 0"), 3);
}

}  // namespace
}  // namespace gatehouse::store
