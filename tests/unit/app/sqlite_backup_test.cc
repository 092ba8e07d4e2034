#include "app/sqlite_backup.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "temp_data_dir.h"

namespace gatehouse::app {
namespace {

using testing_support::TempDataDir;

store::WriteBatch GroupBatch(int i) {
  model::Group group{"111111111111", "g" + std::to_string(i), "/", "AGPA" + std::to_string(i), i};
  return store::WriteBatch{{store::Put<model::Group>{group}}};
}

Result<StoreDigest> DigestOf(const std::string& path) {
  auto opened = store::SqliteStore::Open(path);
  if (!opened.ok()) return opened.status();
  auto data = (*opened)->LoadAll();
  if (!data.ok()) return data.status();
  return DigestStoreData(*data);
}

TEST(SqliteBackupTest, CopiesTheDatabaseIntoOneVerifiedFile) {
  TempDataDir data;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(data.state().Commit(GroupBatch(i)).ok());
  const std::string copy = data.path() + "/backup.db";
  Result<StoreDigest> digest = BackupSqliteDatabase(data.path() + "/gatehouse.db", copy);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(digest->total, 20);
  // One file, nothing left beside it, and it reads as the source does.
  EXPECT_FALSE(std::filesystem::exists(copy + "-wal"));
  for (const auto& entry : std::filesystem::directory_iterator(data.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  }
  EXPECT_EQ(*DigestOf(copy), *DigestOf(data.path() + "/gatehouse.db"));
}

model::AuditEntry Event(const std::string& id) {
  model::AuditEntry e;
  e.event_id = id;
  e.account_id = "111111111111";
  e.time_ms = 1000;
  e.event_name = "CreateGroup";
  e.event_source = "iam.amazonaws.com";
  e.username = "alice";
  e.body = "{}";
  return e;
}

TEST(SqliteBackupTest, TheCopyHoldsTheAuditLogAndAServerOpeningItFindsIt) {
  TempDataDir data;
  // An event adopted from its commit's feed row, one the recorder appended, a read it
  // appended (in a block), and one still waiting in the feed.
  store::WriteBatch adopted = GroupBatch(1);
  adopted.audit = {Event("adopted")};
  ASSERT_TRUE(data.store().Commit(adopted).ok());
  model::AuditEntry read = Event("read");
  read.read_only = true;
  ASSERT_TRUE(data.store().AppendAudit({Event("appended"), read}).ok());
  store::WriteBatch waiting = GroupBatch(2);
  waiting.audit = {Event("waiting")};
  ASSERT_TRUE(data.store().Commit(waiting).ok());
  const std::string copy = data.path() + "/backup.db";
  ASSERT_TRUE(BackupSqliteDatabase(data.path() + "/gatehouse.db", copy).ok());
  // One file: the log is in it, and no audit file of the copy's check is left.
  EXPECT_FALSE(std::filesystem::exists(store::SqliteStore::AuditFilePath(copy)));
  for (const auto& entry : std::filesystem::directory_iterator(data.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  }
  auto restored = store::SqliteStore::Open(copy);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  store::AuditQuery all;
  all.account_id = "111111111111";
  auto rows = (*restored)->LookupAudit(all);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::vector<std::string> ids;
  for (const store::AuditRow& row : *rows) ids.push_back(row.entry.event_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"waiting", "read", "appended", "adopted"}));
  EXPECT_TRUE(std::filesystem::exists(store::SqliteStore::AuditFilePath(copy)));
}

TEST(SqliteBackupTest, ACopyTakenUnderWritesIsOneStateOfTheSource) {
  TempDataDir data;
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  // A second connection writes all along, as a running server does.
  std::thread writer([&] {
    auto store = store::SqliteStore::Open(data.path() + "/gatehouse.db").value();
    for (int i = 0; !stop; ++i) {
      if (store->Commit(GroupBatch(i)).ok()) ++written;
    }
  });
  while (written < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Result<StoreDigest> digest =
      BackupSqliteDatabase(data.path() + "/gatehouse.db", data.path() + "/backup.db");
  int after = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  // Groups are written in order, one a batch: a consistent copy holds a prefix of them.
  EXPECT_GE(digest->total, 50);
  EXPECT_LE(digest->total, after + 1);
  auto copy = store::SqliteStore::Open(data.path() + "/backup.db").value()->LoadAll();
  ASSERT_TRUE(copy.ok());
  std::set<std::string> names;
  for (const store::RawRecord& r : copy->records) names.insert(r.key);
  for (int i = 0; i < digest->total; ++i) {
    EXPECT_TRUE(names.contains(model::RecordKey({"111111111111", "g" + std::to_string(i)}))) << i;
  }
}

TEST(SqliteBackupTest, NeverOverwritesAFile) {
  TempDataDir data;
  const std::string copy = data.path() + "/backup.db";
  { std::ofstream(copy) << "precious"; }
  Result<StoreDigest> digest = BackupSqliteDatabase(data.path() + "/gatehouse.db", copy);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), ErrorCode::kEntityAlreadyExists);
  std::ifstream in(copy);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST(SqliteBackupTest, AMissingSourceIsAnErrorAndCreatesNothing) {
  TempDataDir data;
  Result<StoreDigest> digest =
      BackupSqliteDatabase(data.path() + "/nothing.db", data.path() + "/backup.db");
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/nothing.db"));
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/backup.db"));
}

TEST(SqliteBackupTest, ACorruptSourceLeavesNoBackup) {
  TempDataDir data;
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(data.state().Commit(GroupBatch(i)).ok());
  data.Reopen();  // closing the store moves its WAL into the file
  const std::string broken = data.path() + "/broken.db";
  std::filesystem::copy_file(data.path() + "/gatehouse.db", broken);
  {
    // Scribble over whole pages in the middle of the file (their b-tree headers too, so that the
    // damage is to the structure, not only to a value): not the header, so it still opens.
    constexpr std::streamoff kPage = 4096;
    std::fstream f(broken, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(broken)) / 2 / kPage * kPage);
    f << std::string(4 * kPage, '\x5a');
  }
  Result<StoreDigest> digest = BackupSqliteDatabase(broken, data.path() + "/backup.db");
  EXPECT_FALSE(digest.ok());
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/backup.db"));
}

}  // namespace
}  // namespace gatehouse::app
