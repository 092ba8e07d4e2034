// The SQLite audit log (store/sqlite_audit.h): the events of a commit ride in its row of the
// change feed and are adopted into the log in commit order, by the next append or a lookup, and
// after a crash by the next process; the feed's prune forgets them only once adopted; the log
// lives in a file of its own; and the layout a store of an earlier version is brought to: its
// log moves to that file, its events get postings and stay found, its per-column indexes go,
// its resources are clustered on their key, and its feed carries events from then on.
#include "store/sqlite_audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"

namespace gatehouse::store {
namespace {

class SqliteAudit : public ::testing::Test {
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
  // The database with its audit file attached when there is one, as the store opens them:
  // unqualified names resolve to main first, then to the audit file.
  static sqlite3* Connect(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    if (!std::filesystem::exists(SqliteStore::AuditFilePath(path))) return db;
    const std::string attach =
        "ATTACH DATABASE '" + SqliteStore::AuditFilePath(path) + "' AS audit";
    sqlite3_exec(db, attach.c_str(), nullptr, nullptr, nullptr);
    return db;
  }
  void Exec(const std::string& sql) {
    sqlite3* db = Connect(Path());
    ASSERT_NE(db, nullptr);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int64_t Count(const std::string& sql) {
    sqlite3* db = Connect(Path());
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

// Event(i) as an earlier version stored each event, a row of its own: a body with a newline is
// never stored in a block (store/audit_block_codec.h).
model::AuditEntry RowEvent(int i) {
  model::AuditEntry e = Event(i);
  e.body = "{\n}";
  return e;
}

WriteBatch AccountWithEvent(int i) {
  char id[13];
  std::snprintf(id, sizeof id, "%012d", i);
  WriteBatch batch{{InsertAccount{{id, "acct", std::string(id) + "@example.com", 1000}}}};
  model::AuditEntry e = Event(i);
  e.event_name = "CreateAccount";
  e.read_only = false;
  batch.audit = {e};
  return batch;
}

AuditQuery All(int limit = 50) {
  AuditQuery q;
  q.account_id = "111111111111";
  q.limit = limit;
  return q;
}

// A database of an earlier version: the audit tables in main (as a backup keeps them), no
// audit file.
void MoveTheLogIntoMain(const std::string& path) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string attach = "ATTACH DATABASE '" + SqliteStore::AuditFilePath(path) + "' AS t";
    ASSERT_EQ(sqlite3_exec(db, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    EXPECT_TRUE(sqlite::CreateAuditTables(db, "main").ok());
    EXPECT_TRUE(sqlite::CopyAuditTables(db, "t", "main").ok());
    sqlite3_close(db);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(SqliteStore::AuditFilePath(path) + suffix);
  }
}

TEST_F(SqliteAudit, TheLogOfAnEarlierVersionMovesToItsOwnFileGetsPostingsAndItsIndexesGo) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    std::vector<model::AuditEntry> events;
    for (int i = 1; i <= 2500; ++i) events.push_back(RowEvent(i));
    ASSERT_TRUE((*store)->AppendAudit(events).ok());
  }
  MoveTheLogIntoMain(Path());
  // As an earlier version left it: no postings, the shared schema's indexes, and its
  // audit_resources (a rowid table).
  Exec(
      "DROP TABLE main.audit_postings; CREATE INDEX main.audit_events_name ON audit_events "
      "(account_id, event_name, seq, time_ms); CREATE TABLE r AS SELECT * FROM audit_resources; "
      "DROP TABLE main.audit_resources; CREATE TABLE main.audit_resources (seq BIGINT NOT NULL, "
      "position INTEGER NOT NULL, account_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT "
      "NULL, PRIMARY KEY (seq, position)); INSERT INTO audit_resources SELECT * FROM r; DROP "
      "TABLE r;");
  ASSERT_FALSE(std::filesystem::exists(SqliteStore::AuditFilePath(Path())));
  ASSERT_EQ(Count("SELECT COUNT(*) FROM main.audit_events"), 2500);
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
  // main holds none of the log's tables or indexes now; the audit file holds it all, its
  // resources clustered on their key, in pages of 64 KiB.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM main.sqlite_master WHERE name LIKE 'audit%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit.sqlite_master WHERE name = 'audit_resources' AND "
                  "sql LIKE '%WITHOUT ROWID%'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit.audit_resources"), 2500);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit.audit_events"), 2500);
  EXPECT_EQ(Count("PRAGMA audit.page_size"), 65536);
  // Opening again adds nothing: each event is listed once per key.
  ASSERT_TRUE(SqliteStore::Open(Path()).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_postings WHERE code = 0"), 3);
}

TEST_F(SqliteAudit, AMoveCutShortBeforeMainLetGoIsCompletedByTheNextOpen) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->AppendAudit({RowEvent(1), RowEvent(2)}).ok());
  }
  // The copy was made and main still holds the tables: both hold the events.
  {
    sqlite3* db = Connect(Path());
    EXPECT_TRUE(sqlite::CreateAuditTables(db, "main").ok());
    EXPECT_TRUE(sqlite::CopyAuditTables(db, "audit", "main").ok());
    sqlite3_close(db);
  }
  ASSERT_EQ(Count("SELECT COUNT(*) FROM main.audit_events"), 2);
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM main.sqlite_master WHERE name LIKE 'audit%'"), 0);
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e2");
}

TEST_F(SqliteAudit, AMarkPastTheFeedsEndComesBackToItSoNewCommitsAreAdopted) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
    ASSERT_TRUE((*store)->AppendAudit({}).ok());
  }
  // An audit file newer than the database (restored from a backup beside it).
  Exec("UPDATE audit.audit_adopted SET change_seq = change_seq + 50");
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Count("SELECT change_seq FROM audit_adopted"), 1);
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(2)).ok());
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e2");
}

TEST_F(SqliteAudit, ACommitsEventsRideInItsFeedRowUntilALookupAdoptsThem) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(2)).ok());
  // The commit wrote no page of the log's own.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE audit IS NOT NULL"), 2);
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e2");  // newest first: numbered in commit order
  EXPECT_EQ((*rows)[1].entry.event_id, "e1");
  EXPECT_EQ((*rows)[0].entry.resources, Event(2).resources);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), 2);
  EXPECT_EQ(Count("SELECT change_seq FROM audit_adopted"), Count("SELECT MAX(seq) FROM changes"));
  // Found by its keys (listed in postings when adopted), and adopted once.
  AuditQuery by_resource = All();
  by_resource.attribute = AuditAttribute::kResourceName;
  by_resource.value = "user-1";
  EXPECT_EQ((*store)->LookupAudit(by_resource)->size(), 1u);
  ASSERT_TRUE((*store)->AppendAudit({}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), 2);
}

TEST_F(SqliteAudit, EventsPackedByTheCommitsCallerAreStoredAsPackedAndAdoptedAsAnyOthers) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  WriteBatch packed = AccountWithEvent(1);
  packed.packed_audit = (*store)->PackAudit(packed.audit);
  ASSERT_TRUE((*store)->Commit(packed).ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(2)).ok());  // packed by the store
  // Both rows hold the events packed as a whole (store/audit_entry_codec.h, version 3).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE substr(audit, 1, 1) = x'03'"), 2);
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].entry.event_id, "e1");
  EXPECT_EQ((*rows)[1].entry.resources, Event(1).resources);
  EXPECT_EQ((*rows)[1].entry.body, Event(1).body);
}

TEST_F(SqliteAudit, ABacklogLargerThanOneReadIsAdoptedWholeAheadOfTheAppendsOwnEvents) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  // More waiting rows than one read of the feed takes (4,096), committed a group at a time.
  constexpr int kCommits = 4100;
  for (int first = 1; first <= kCommits; first += 500) {
    std::vector<WriteBatch> batches;
    for (int i = first; i < first + 500 && i <= kCommits; ++i) {
      batches.push_back(AccountWithEvent(i));
    }
    std::vector<const WriteBatch*> group;
    for (const WriteBatch& b : batches) group.push_back(&b);
    for (const Result<int64_t>& r : (*store)->CommitGroup(group)) ASSERT_TRUE(r.ok());
  }
  model::AuditEntry read = Event(0);
  read.event_id = "the-append's-own";
  read.time_ms = 1000000;
  ASSERT_TRUE((*store)->AppendAudit({read}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events") +
                Count("SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) FROM audit_blocks"),
            kCommits + 1);
  EXPECT_EQ(Count("SELECT change_seq FROM audit_adopted"), Count("SELECT MAX(seq) FROM changes"));
  // Numbered in commit order, the append's own after them all.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT CAST(substr(event_id, 2) AS INTEGER) AS n, "
                  "LAG(CAST(substr(event_id, 2) AS INTEGER)) OVER (ORDER BY seq) AS p FROM "
                  "audit_events WHERE event_id LIKE 'e%') WHERE p >= n"),
            0);
  auto newest = (*store)->LookupAudit(All(1));
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 1u);
  EXPECT_EQ((*newest)[0].entry.event_id, "the-append's-own");
}

TEST_F(SqliteAudit, ACompletionAppendedWithItsEventsAdoptionKeepsTheCompletedBody) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
  model::AuditEntry completed = AccountWithEvent(1).audit.front();
  completed.body = "{\"responseElements\":{}}";
  ASSERT_TRUE((*store)->AppendAudit({completed}).ok());
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].entry.body, completed.body);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_postings WHERE code = 0"), 1);
}

// A completion appended with its event's adoption is the event's last record: it is stored in a
// block, found by its id (one the recorder made) and by what it names, in the event's place. One
// appended after its event was adopted completes the event's row.
TEST_F(SqliteAudit, ACompletionAppendedWithItsEventsAdoptionIsStoredInABlock) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  WriteBatch first = AccountWithEvent(1), second = AccountWithEvent(2);
  first.audit.front().event_id = "0190a4c2-f1f4-7000-8000-000000000001";
  first.audit.front().time_ms = 0x0190a4c2f000;
  ASSERT_TRUE((*store)->Commit(first).ok());
  ASSERT_TRUE((*store)->Commit(second).ok());
  model::AuditEntry completed = first.audit.front();
  completed.body = "{\"responseElements\":{}}";
  ASSERT_TRUE((*store)->AppendAudit({Event(4), completed}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), 1);  // the second's opened event
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_blocks WHERE first_seq = 2 AND last_seq = 3"), 1);
  AuditQuery by_id = All();
  by_id.attribute = AuditAttribute::kEventId;
  by_id.value = completed.event_id;
  auto rows = (*store)->LookupAudit(by_id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].entry.body, completed.body);
  EXPECT_EQ((*rows)[0].entry.resources, completed.resources);
  AuditQuery by_name = All();
  by_name.attribute = AuditAttribute::kEventName;
  by_name.value = "CreateAccount";
  rows = (*store)->LookupAudit(by_name);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, completed.event_id);  // numbered after the second's
  EXPECT_EQ((*rows)[1].entry.event_id, "e2");
  // The second's completion, appended after its event was adopted, completes its row.
  model::AuditEntry late = second.audit.front();
  late.body = "{\"responseElements\":{\"late\":true}}";
  ASSERT_TRUE((*store)->AppendAudit({late}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events WHERE body LIKE '%late%'"), 1);
  EXPECT_EQ((*store)->LookupAudit(All())->size(), 3u);
}

TEST_F(SqliteAudit, AProcessThatDiedBeforeAdoptingLeavesItsEventsToTheNext) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
  }
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAudit({Event(7)}).ok());
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e7");
  EXPECT_EQ((*rows)[1].entry.event_id, "e1");
}

TEST_F(SqliteAudit, DamagedFeedEventsAreSkippedAndTheTrailGoesOn) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(2)).ok());
  Exec(
      "UPDATE changes SET audit = x'01ffffff' WHERE seq = (SELECT MIN(seq) FROM changes WHERE "
      "audit IS NOT NULL)");
  ASSERT_TRUE((*store)->AppendAudit({Event(3)}).ok());
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e3");
  EXPECT_EQ((*rows)[1].entry.event_id, "e2");
}

TEST_F(SqliteAudit, ARunOfReadsIsOneBlockWhoseBodiesAreJsonLines) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  std::vector<model::AuditEntry> reads;
  for (int i = 2; i <= 20; i += 2) {
    reads.push_back(Event(i));
    reads.back().body = "{\"eventID\":\"e" + std::to_string(i) + "\"}";
  }
  ASSERT_TRUE((*store)->AppendAudit(reads).ok());
  store->reset();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_events"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_blocks WHERE first_seq = 1 AND last_seq = 10 AND "
                  "min_time = 1002 AND max_time = 1020"),
            1);
  // One record a line, in number order: SQL reads them without gatehouse.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_blocks WHERE bodies LIKE "
                  "'{\"eventID\":\"e2\"}' || char(10) || '{\"eventID\":\"e4\"}' || char(10) || "
                  "'%{\"eventID\":\"e20\"}'"),
            1);
}

// A read in a block is found by its id only near the time the id carries, and only by an id
// the recorder could have made: no other form of id makes a lookup read every block.
TEST_F(SqliteAudit, AReadInABlockIsFoundByTheTimeItsIdCarries) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  auto read = [](const std::string& id, int64_t time_ms) {
    model::AuditEntry e = Event(2);
    e.event_id = id;
    e.time_ms = time_ms;
    return e;
  };
  // 0x0190a4c2f000 ms, and the same plus 10 s (as after the clock stepped back 10 s).
  const int64_t t = 0x0190a4c2f000;
  const std::string near = "0190a4c2-f1f4-7000-8000-000000000001";   // t + 500 ms
  const std::string ahead = "0190a4c3-1710-7000-8000-000000000002";  // t + 10,000 ms
  ASSERT_TRUE((*store)->AppendAudit({read(near, t), read(ahead, t), read("e2", t)}).ok());
  AuditQuery by_id = All();
  by_id.attribute = AuditAttribute::kEventId;
  by_id.value = near;
  auto rows = (*store)->LookupAudit(by_id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].entry.event_id, near);
  EXPECT_EQ((*rows)[0].entry.resources, Event(2).resources);
  for (const std::string& id : {ahead, std::string("e2")}) {
    by_id.value = id;
    rows = (*store)->LookupAudit(by_id);
    ASSERT_TRUE(rows.ok());
    EXPECT_TRUE(rows->empty()) << id;
  }
  // Both are found by what else they carry.
  EXPECT_EQ((*store)->LookupAudit(All())->size(), 3u);
}

TEST_F(SqliteAudit, ADamagedBlockFailsTheLookupsThatReadItAndNoOther) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAudit({Event(2), Event(4)}).ok());  // reads: a block
  ASSERT_TRUE((*store)->AppendAudit({Event(5)}).ok());            // a write: a row
  for (const char* damage :
       {"UPDATE audit_blocks SET bodies = bodies || char(10) || '{}'",  // a body too many
        "UPDATE audit_blocks SET bodies = '{}'",                        // one too few
        "UPDATE audit_blocks SET fields = x'02ffff'",                   // fields unreadable
        "UPDATE audit_blocks SET last_seq = first_seq + 5"}) {          // numbers too many
    Exec("DROP TABLE IF EXISTS audit.kept; CREATE TABLE audit.kept AS SELECT * FROM audit_blocks");
    Exec(damage);
    AuditQuery by_name = All();
    by_name.attribute = AuditAttribute::kEventName;
    by_name.value = "GetUser";
    auto rows = (*store)->LookupAudit(by_name);
    EXPECT_FALSE(rows.ok()) << damage;
    by_name.value = "CreateUser";
    rows = (*store)->LookupAudit(by_name);
    ASSERT_TRUE(rows.ok()) << damage;
    EXPECT_EQ(rows->size(), 1u);
    auto bodies = (*store)->AuditEvents(1, 3);
    EXPECT_FALSE(bodies.ok() && bodies->size() == 3u) << damage;
    Exec("DELETE FROM audit_blocks; INSERT INTO audit_blocks SELECT * FROM audit.kept");
  }
}

// 11,000 commits in groups: the feed's prune (every kFeedPruneEvery commits, those older than
// kFeedKept) runs once, at the last.
void CommitAccounts(SqliteStore& store, int first, int last) {
  std::vector<WriteBatch> batches;
  for (int i = first; i <= last; ++i) batches.push_back(AccountWithEvent(i));
  std::vector<const WriteBatch*> group;
  for (const WriteBatch& b : batches) group.push_back(&b);
  for (const Result<int64_t>& r : store.CommitGroup(group)) ASSERT_TRUE(r.ok());
}

TEST_F(SqliteAudit, TheFeedsPruneForgetsOnlyAdoptedEventsOnTheDisk) {
  static_assert(kFeedKept + kFeedPruneEvery == 11000);
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  const int64_t before = Count("SELECT COALESCE(MAX(seq), 0) FROM changes");
  ASSERT_EQ(before, 0);
  CommitAccounts(**store, 1, 500);
  ASSERT_TRUE((*store)->AppendAudit({}).ok());  // 1..500 adopted
  store->reset();
  store = SqliteStore::Open(Path());  // opening syncs the audit file: 1..500 are on the disk
  ASSERT_TRUE(store.ok());
  CommitAccounts(**store, 501, 11000);  // the prune reaches 1..1000
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 1000 AND writes IS NULL"), 1000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 500 AND audit IS NOT NULL"), 0);
  // Not adopted yet: kept, and found.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq > 500 AND audit IS NOT NULL"), 10500);
  auto rows = (*store)->LookupAudit(All(11000));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 11000u);
  EXPECT_EQ(rows->back().entry.event_id, "e1");
  EXPECT_EQ(rows->front().entry.event_id, "e11000");
}

TEST_F(SqliteAudit, AnAppendASecondAfterTheLastSyncSyncsAndTheFeedForgets) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  CommitAccounts(**store, 1, 500);
  ASSERT_TRUE((*store)->AppendAudit({}).ok());  // 1..500 adopted
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE((*store)->AppendAudit({Event(100000)}).ok());  // and synced, by this append
  CommitAccounts(**store, 501, 11000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 500 AND audit IS NOT NULL"), 0);
}

TEST_F(SqliteAudit, AQuietStoresSyncASecondAfterItsLastAppendLetsTheFeedForget) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  CommitAccounts(**store, 1, 500);
  ASSERT_TRUE((*store)->AppendAudit({}).ok());  // 1..500 adopted, within a second of the open
  ASSERT_TRUE((*store)->SyncAudit().ok());      // too soon: not synced
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE((*store)->SyncAudit().ok());  // the recorder's quiet round: synced, no append
  CommitAccounts(**store, 501, 11000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 500 AND audit IS NOT NULL"), 0);
}

// An operator's command reading the store while the server runs holds part of the audit file's
// log back from a checkpoint: the sync says nothing of it, and the next one completes.
TEST_F(SqliteAudit, ASyncAReaderHeldBackIsNoErrorAndTheNextCompletes) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAudit({Event(1)}).ok());
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open(SqliteStore::AuditFilePath(Path()).c_str(), &reader), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(reader, "BEGIN; SELECT COUNT(*) FROM audit_events", nullptr, nullptr, nullptr),
      SQLITE_OK);
  CommitAccounts(**store, 1, 500);
  ASSERT_TRUE((*store)->AppendAudit({}).ok());  // 1..500 adopted past the reader's snapshot
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE((*store)->SyncAudit().ok());  // held back
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE((*store)->SyncAudit().ok());  // tried again: whole this time
  CommitAccounts(**store, 501, 11000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 500 AND audit IS NOT NULL"), 0);
}

TEST_F(SqliteAudit, EventsAdoptedButNotYetOnTheDiskStayInTheFeed) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  CommitAccounts(**store, 1, 500);
  store->reset();
  store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  // Adopted right after the open's sync, and no append since to sync again.
  ASSERT_TRUE((*store)->AppendAudit({}).ok());
  CommitAccounts(**store, 501, 11000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 1000 AND writes IS NULL"), 1000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM changes WHERE seq <= 500 AND audit IS NOT NULL"), 500);
}

// The log's connection adopts from the feed while the database's commits it: neither waits for
// the other, and whatever the interleaving every event is stored once, the commits' in commit
// order.
TEST_F(SqliteAudit, CommitsAppendsAndLookupsAtOnceLoseAndRepeatNoEvent) {
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  std::thread committer([&] {
    for (int i = 1; i <= 600; ++i) EXPECT_TRUE((*store)->Commit(AccountWithEvent(i)).ok());
  });
  std::thread appender([&] {
    for (int i = 0; i < 60; ++i) {
      std::vector<model::AuditEntry> reads;
      for (int k = 0; k < 10; ++k) reads.push_back(Event(100000 + i * 10 + k));
      EXPECT_TRUE((*store)->AppendAudit(reads).ok());
    }
  });
  std::thread reader([&] {
    for (int i = 0; i < 60; ++i) EXPECT_TRUE((*store)->LookupAudit(All(5)).ok());
  });
  committer.join();
  appender.join();
  reader.join();
  auto rows = (*store)->LookupAudit(All(2000));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1200u);
  std::set<std::string> ids;
  std::vector<int> committed;  // the commits' events, newest first
  for (const AuditRow& row : *rows) {
    ids.insert(row.entry.event_id);
    const int n = std::stoi(row.entry.event_id.substr(1));
    if (n < 100000) committed.push_back(n);
  }
  EXPECT_EQ(ids.size(), 1200u);
  ASSERT_EQ(committed.size(), 600u);
  for (size_t k = 0; k < committed.size(); ++k) EXPECT_EQ(committed[k], 600 - int(k));
}

// The trail is as private as the store whatever the umask of the process that creates it
// (an audit command run by hand on a database of an earlier version, for one).
TEST_F(SqliteAudit, TheAuditFileTakesTheDatabasesPermissionsNotTheUmasks) {
  ASSERT_TRUE(SqliteStore::Open(Path()).ok());
  ASSERT_EQ(::chmod(Path().c_str(), 0600), 0);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(SqliteStore::AuditFilePath(Path()) + suffix);
  }
  const mode_t umask_before = ::umask(022);
  auto store = SqliteStore::Open(Path());
  ::umask(umask_before);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAudit({Event(1)}).ok());
  for (const char* suffix : {"", "-wal"}) {
    struct stat file;
    ASSERT_EQ(::stat((SqliteStore::AuditFilePath(Path()) + suffix).c_str(), &file), 0) << suffix;
    EXPECT_EQ(file.st_mode & 0777, 0600u) << suffix;
  }
}

TEST_F(SqliteAudit, AFeedOfAnEarlierVersionCarriesEventsFromThenOn) {
  {
    auto store = SqliteStore::Open(Path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Commit(AccountWithEvent(1)).ok());
    ASSERT_TRUE((*store)->AppendAudit({}).ok());
  }
  // As an earlier version left it: the log in main, events written in audit_events at their
  // commit, waiting in audit_unposted for their completion; no column in the feed, no mark.
  MoveTheLogIntoMain(Path());
  Exec(
      "DELETE FROM audit_postings; INSERT INTO audit_unposted SELECT seq FROM audit_events; "
      "ALTER TABLE changes DROP COLUMN audit; DROP TABLE audit_adopted;");
  auto store = SqliteStore::Open(Path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_unposted"), 0);
  EXPECT_EQ(Count("SELECT change_seq FROM audit_adopted"), 1);
  ASSERT_TRUE((*store)->Commit(AccountWithEvent(2)).ok());
  auto rows = (*store)->LookupAudit(All());
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entry.event_id, "e2");
  EXPECT_EQ((*rows)[1].entry.event_id, "e1");
  AuditQuery by_resource = All();
  by_resource.attribute = AuditAttribute::kResourceName;
  by_resource.value = "user-1";
  EXPECT_EQ((*store)->LookupAudit(by_resource)->size(), 1u);
}

}  // namespace
}  // namespace gatehouse::store
