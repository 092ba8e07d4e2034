// The JSON-lines export: one record per line, each batch sealed in PATH.digest, rotation by size
// with the chain going on into the new file, a restart that continues (or sets aside) what it
// finds, standard output, and errors returned as values.
#include "audit/event_file_sink.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "audit/digest_line.h"
#include "audit/event_digest.h"
#include "audit/file_chain_check.h"
#include "temp_dir.h"

namespace gatehouse::audit {
namespace {

using testing_support::TempDir;

model::AuditEntry Event(int i, size_t padding = 0) {
  model::AuditEntry e;
  e.event_id = "e" + std::to_string(i);
  e.account_id = "111111111111";
  e.body =
      "{\"eventID\":\"e" + std::to_string(i) + "\",\"pad\":\"" + std::string(padding, 'x') + "\"}";
  return e;
}

std::vector<model::AuditEntry> Events(int first, int last, size_t padding = 0) {
  std::vector<model::AuditEntry> out;
  for (int i = first; i <= last; ++i) out.push_back(Event(i, padding));
  return out;
}

std::vector<std::string> LinesOf(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<model::AuditDigest> DigestsOf(const std::string& path) {
  std::vector<model::AuditDigest> out;
  for (const std::string& line : LinesOf(path + ".digest")) {
    Result<model::AuditDigest> d = ParseDigestLine(line);
    EXPECT_TRUE(d.ok()) << line;
    if (d.ok()) out.push_back(*d);
  }
  return out;
}

std::unique_ptr<EventFileSink> OpenSink(const std::string& path, int64_t max_bytes = 1 << 20,
                                        int keep = 5) {
  Result<std::unique_ptr<EventFileSink>> sink = EventFileSink::Open({path, max_bytes, keep});
  EXPECT_TRUE(sink.ok()) << sink.status().message();
  return sink.ok() ? std::move(sink).value() : nullptr;
}

TEST(EventFileSink, WritesEachRecordAsALineAndSealsEachBatch) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  auto sink = OpenSink(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->Write(Events(1, 3)).ok());
  ASSERT_TRUE(sink->Write({}).ok());  // nothing to seal
  ASSERT_TRUE(sink->Write(Events(4, 5)).ok());
  std::vector<std::string> expected;
  for (const model::AuditEntry& e : Events(1, 5)) expected.push_back(e.body);
  EXPECT_EQ(LinesOf(path), expected);
  std::vector<model::AuditDigest> digests = DigestsOf(path);
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_EQ(digests[0].first_seq, 1);
  EXPECT_EQ(digests[0].last_seq, 3);
  EXPECT_EQ(digests[0].previous, kGenesisDigest);
  EXPECT_EQ(digests[1].first_seq, 4);
  EXPECT_EQ(digests[1].last_seq, 5);
  EXPECT_EQ(digests[1].previous, digests[0].digest);
  EXPECT_EQ(digests[0].digest,
            ChainDigest(kGenesisDigest, {{1, expected[0]}, {2, expected[1]}, {3, expected[2]}}));
  for (const std::string& file : {path, path + ".digest"}) {
    struct stat st;
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
  ChainReport report = CheckExportedFiles({path}, std::nullopt);
  EXPECT_FALSE(report.broken) << report.broken->reason;
  EXPECT_EQ(report.events, 5);
  EXPECT_EQ(report.batches, 2u);
}

TEST(EventFileSink, RotatesBySizeAndTheChainGoesOnIntoTheNewFile) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  const int64_t max_bytes = 200;
  auto sink = OpenSink(path, max_bytes, /*keep=*/2);
  ASSERT_TRUE(sink);
  for (int batch = 0; batch < 12; ++batch) {
    ASSERT_TRUE(sink->Write(Events(batch * 3 + 1, batch * 3 + 3, 20)).ok());
  }
  for (const std::string& file : {path, path + ".1", path + ".2"}) {
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    ASSERT_TRUE(std::filesystem::exists(file + ".digest")) << file;
    EXPECT_LE(static_cast<int64_t>(std::filesystem::file_size(file)), max_bytes) << file;
    EXPECT_EQ(DigestsOf(file).front().first_seq, 1) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  EXPECT_EQ(DigestsOf(path).front().previous, DigestsOf(path + ".1").back().digest);
  EXPECT_EQ(DigestsOf(path + ".1").front().previous, DigestsOf(path + ".2").back().digest);
  ChainReport all = CheckExportedFiles({path + ".2", path + ".1", path}, std::nullopt);
  EXPECT_FALSE(all.broken) << all.broken->where << ": " << all.broken->reason;
  EXPECT_EQ(all.events, static_cast<int64_t>(LinesOf(path + ".2").size() +
                                             LinesOf(path + ".1").size() + LinesOf(path).size()));
  // Each file alone holds; out of order, the link between them does not.
  EXPECT_FALSE(CheckExportedFiles({path}, std::nullopt).broken);
  ChainReport reversed = CheckExportedFiles({path, path + ".1"}, std::nullopt);
  ASSERT_TRUE(reversed.broken);
  EXPECT_EQ(reversed.broken->batch, 1u);
  EXPECT_NE(reversed.broken->where.find(path + ".1"), std::string::npos);
}

TEST(EventFileSink, ALineLongerThanTheLimitGoesAloneIntoAFile) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  auto sink = OpenSink(path, 100);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->Write(Events(1, 1)).ok());
  ASSERT_TRUE(sink->Write({Event(2, 500), Event(3)}).ok());
  EXPECT_EQ(LinesOf(path + ".2"), std::vector<std::string>{Event(1).body});
  EXPECT_EQ(LinesOf(path + ".1"), std::vector<std::string>{Event(2, 500).body});
  EXPECT_EQ(LinesOf(path), std::vector<std::string>{Event(3).body});
  EXPECT_FALSE(CheckExportedFiles({path + ".2", path + ".1", path}, std::nullopt).broken);
}

TEST(EventFileSink, ARestartContinuesTheFileAndItsChain) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  ASSERT_TRUE(OpenSink(path)->Write(Events(1, 3)).ok());
  ASSERT_TRUE(OpenSink(path)->Write(Events(4, 4)).ok());
  EXPECT_EQ(LinesOf(path).size(), 4u);
  std::vector<model::AuditDigest> digests = DigestsOf(path);
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_EQ(digests[1].first_seq, 4);
  EXPECT_FALSE(std::filesystem::exists(path + ".1"));
  EXPECT_FALSE(CheckExportedFiles({path}, std::nullopt).broken);
}

TEST(EventFileSink, AFileItsDigestsDoNotSealIsSetAsideAtStart) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  ASSERT_TRUE(OpenSink(path)->Write(Events(1, 3)).ok());
  const std::string last_digest = DigestsOf(path).back().digest;
  {
    std::ofstream torn(path, std::ios::app);
    torn << "{\"eventID\":\"half";  // a batch cut short by a crash
  }
  auto sink = OpenSink(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->Write(Events(4, 5)).ok());
  EXPECT_EQ(LinesOf(path + ".1").size(), 4u);  // kept as it was, for verify to report
  EXPECT_EQ(LinesOf(path).size(), 2u);
  EXPECT_EQ(DigestsOf(path).front().previous, last_digest);
  EXPECT_FALSE(CheckExportedFiles({path}, std::nullopt).broken);
  ChainReport damaged = CheckExportedFiles({path + ".1", path}, std::nullopt);
  ASSERT_TRUE(damaged.broken);
  EXPECT_EQ(damaged.broken->batch, 2u);
  EXPECT_EQ(damaged.broken->where, "lines 4..4 of " + path + ".1");
}

TEST(EventFileSink, StandardOutputTakesTheLinesAlone) {
  auto sink = OpenSink("-");
  ASSERT_TRUE(sink);
  testing::internal::CaptureStdout();
  Status s = sink->Write(Events(1, 2));
  const std::string out = testing::internal::GetCapturedStdout();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out, Event(1).body + "\n" + Event(2).body + "\n");
  EXPECT_FALSE(std::filesystem::exists("-"));  // no file named "-", no digest file
  EXPECT_FALSE(std::filesystem::exists("-.digest"));
}

TEST(EventFileSink, AnUnwritablePathIsAnError) {
  TempDir dir;
  Result<std::unique_ptr<EventFileSink>> sink =
      EventFileSink::Open({dir.path() + "/no-such-dir/audit.log", 1 << 20, 5});
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("no-such-dir/audit.log"), std::string::npos);
  EXPECT_FALSE(EventFileSink::Open({"", 1 << 20, 5}).ok());
  EXPECT_FALSE(EventFileSink::Open({dir.path() + "/a.log", 0, 5}).ok());
}

TEST(EventFileSink, AFailedWriteIsAnErrorAndTheNextWriteRecovers) {
  TempDir dir;
  const std::string sub = dir.path() + "/logs";
  std::filesystem::create_directories(sub);
  const std::string path = sub + "/audit.log";
  auto sink = OpenSink(path, 100);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->Write(Events(1, 1, 60)).ok());
  std::filesystem::remove_all(sub);  // the next batch must rotate into a directory now gone
  Status failed = sink->Write(Events(2, 2, 60));
  EXPECT_FALSE(failed.ok());
  std::filesystem::create_directories(sub);
  ASSERT_TRUE(sink->Write(Events(3, 3)).ok());
  EXPECT_EQ(LinesOf(path), std::vector<std::string>{Event(3).body});
  EXPECT_FALSE(CheckExportedFiles({path}, std::nullopt).broken);
  EXPECT_NE(DigestsOf(path).front().previous, kGenesisDigest);  // the chain went on
}

TEST(EventFileSink, ARecordHoldingANewlineIsRefusedWithItsBatch) {
  TempDir dir;
  const std::string path = dir.path() + "/audit.log";
  auto sink = OpenSink(path);
  ASSERT_TRUE(sink);
  std::vector<model::AuditEntry> batch = Events(1, 2);
  batch[1].body = "{\"a\":\n1}";
  EXPECT_FALSE(sink->Write(batch).ok());
  EXPECT_TRUE(LinesOf(path).empty());
  EXPECT_TRUE(LinesOf(path + ".digest").empty());
}

}  // namespace
}  // namespace gatehouse::audit
