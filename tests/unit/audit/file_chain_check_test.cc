// Checking exported files takes nothing in them on trust: an edited, added, removed or torn
// line, a digest file missing, unreadable or holding garbage, digests that do not count the
// lines as the file does, a line too long to be a record — each is the first broken link it
// makes, named by batch and lines, never a crash.
#include "audit/file_chain_check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/digest_line.h"
#include "audit/digest_signature.h"
#include "audit/event_digest.h"
#include "audit/event_file_sink.h"
#include "temp_dir.h"

namespace gatehouse::audit {
namespace {

using testing_support::TempDir;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void Overwrite(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// An export of three batches: lines 1..3, 4..5, 6..8.
class ExportedFile : public testing::Test {
 protected:
  void SetUp() override {
    auto sink = EventFileSink::Open({path_, 1 << 20, 5});
    ASSERT_TRUE(sink.ok());
    int n = 0;
    for (int size : {3, 2, 3}) {
      std::vector<model::AuditEntry> batch;
      for (int i = 0; i < size; ++i) {
        model::AuditEntry e;
        e.body = "{\"eventID\":\"e" + std::to_string(++n) + "\",\"eventName\":\"GetUser\"}";
        batch.push_back(e);
      }
      ASSERT_TRUE((*sink)->Write(batch).ok());
    }
    ASSERT_FALSE(CheckExportedFiles({path_}, std::nullopt).broken);
  }
  BrokenLink Broken() {
    ChainReport report = CheckExportedFiles({path_}, std::nullopt);
    EXPECT_TRUE(report.broken);
    return report.broken.value_or(BrokenLink{});
  }
  std::string Lines(int first, int last) {
    return "lines " + std::to_string(first) + ".." + std::to_string(last) + " of " + path_;
  }

  TempDir dir_;
  std::string path_ = dir_.path() + "/audit.log";
};

TEST_F(ExportedFile, AnUntouchedFileHolds) {
  ChainReport report = CheckExportedFiles({path_}, std::nullopt);
  EXPECT_EQ(report.events, 8);
  EXPECT_EQ(report.batches, 3u);
  EXPECT_TRUE(report.notes.empty());
}

TEST_F(ExportedFile, AnEditedByteBreaksItsBatch) {
  std::string text = Read(path_);
  text[text.find("e4")] = 'E';
  Overwrite(path_, text);
  BrokenLink broken = Broken();
  EXPECT_EQ(broken.batch, 2u);
  EXPECT_EQ(broken.where, Lines(4, 5));
  EXPECT_EQ(broken.reason, "an event it sealed was changed, removed or added");
}

TEST_F(ExportedFile, ARemovedOrAddedLineBreaksTheChain) {
  std::string text = Read(path_);
  const size_t second = text.find('\n') + 1;
  Overwrite(path_, text.substr(0, second) + text.substr(text.find('\n', second) + 1));
  EXPECT_EQ(Broken().batch, 1u);
  Overwrite(path_, text + "{\"eventID\":\"forged\"}\n");
  BrokenLink appended = Broken();
  EXPECT_EQ(appended.batch, 4u);
  EXPECT_EQ(appended.where, Lines(9, 9));
}

TEST_F(ExportedFile, ATornLastLineIsReported) {
  std::string text = Read(path_);
  Overwrite(path_, text.substr(0, text.size() - 1));  // only the newline is gone
  BrokenLink broken = Broken();
  EXPECT_EQ(broken.batch, 3u);
  EXPECT_NE(broken.reason.find("no newline"), std::string::npos);
  Overwrite(path_, text.substr(0, text.size() - 5));
  EXPECT_EQ(Broken().batch, 3u);
}

TEST_F(ExportedFile, AMissingDigestFileIsReported) {
  std::filesystem::remove(path_ + ".digest");
  BrokenLink broken = Broken();
  EXPECT_EQ(broken.batch, 1u);
  EXPECT_EQ(broken.where, Lines(1, 8));
  EXPECT_NE(broken.reason.find("no digest file"), std::string::npos);
}

TEST_F(ExportedFile, AMissingFileIsReported) {
  ChainReport report = CheckExportedFiles({dir_.path() + "/nothing.log"}, std::nullopt);
  ASSERT_TRUE(report.broken);
  EXPECT_NE(report.broken->reason.find("cannot be read"), std::string::npos);
}

TEST_F(ExportedFile, GarbageInTheDigestFileIsReported) {
  std::string digests = Read(path_ + ".digest");
  const size_t second = digests.find('\n') + 1;
  for (const std::string& garbage :
       {std::string("garbage"), std::string(""), std::string(100000, '{'),
        std::string("{\"firstLine\":4,\"lastLine\":5}"), std::string("\0\xff\xfe", 3)}) {
    Overwrite(path_ + ".digest", digests.substr(0, second) + garbage + "\n" +
                                     digests.substr(digests.find('\n', second) + 1));
    BrokenLink broken = Broken();
    EXPECT_EQ(broken.batch, 2u) << garbage.substr(0, 20);
    EXPECT_EQ(broken.where, "line 2 of " + path_ + ".digest");
  }
}

TEST_F(ExportedFile, DigestsThatMiscountTheLinesBreak) {
  const std::string original = Read(path_ + ".digest");
  std::vector<model::AuditDigest> d;
  std::istringstream in(original);
  for (std::string line; std::getline(in, line);) d.push_back(*ParseDigestLine(line));
  auto write = [&](const std::vector<model::AuditDigest>& digests) {
    std::string text;
    for (const auto& x : digests) text += FormatDigestLine(x) + "\n";
    Overwrite(path_ + ".digest", text);
  };
  // A gap between batches.
  std::vector<model::AuditDigest> gap = d;
  gap[1].first_seq = 5;
  write(gap);
  EXPECT_EQ(Broken().batch, 2u);
  // A first batch that does not begin at line 1.
  std::vector<model::AuditDigest> late = d;
  late[0].first_seq = 2;
  write(late);
  EXPECT_EQ(Broken().batch, 1u);
  // The last batch claims more lines than the file holds: resealed to match what is there.
  std::vector<model::AuditDigest> past = d;
  past[2].last_seq = 20;
  ChainHasher hasher(past[2].previous);
  std::istringstream lines(Read(path_));
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    if (++n >= 6) hasher.Add(n, line);
  }
  past[2].digest = hasher.Finish();
  write(past);
  BrokenLink broken = Broken();
  EXPECT_EQ(broken.batch, 3u);
  EXPECT_EQ(broken.reason, "it seals lines past the end of the file");
  // A batch dropped from the digest file.
  write({d[0], d[2]});
  EXPECT_EQ(Broken().batch, 2u);
  // No digests at all for a file that has lines.
  write({});
  EXPECT_EQ(Broken().where, Lines(1, 8));
}

TEST_F(ExportedFile, ALineTooLongToBeARecordIsReported) {
  std::string text = Read(path_);
  const size_t at = text.find("e5");
  text.insert(at, std::string(kMaxRecordLine + 10, 'x'));
  Overwrite(path_, text);
  BrokenLink broken = Broken();
  EXPECT_EQ(broken.batch, 2u);
  EXPECT_EQ(broken.reason,
            "line 5 is longer than " + std::to_string(kMaxRecordLine) + " bytes: not a record");
}

TEST_F(ExportedFile, AFileThatContinuesAnotherSaysItsFirstLinkIsTakenAsGiven) {
  auto sink = EventFileSink::Open({path_, 1, 1});  // every line rotates into a new file
  ASSERT_TRUE(sink.ok());
  model::AuditEntry e;
  e.body = "{}";
  ASSERT_TRUE((*sink)->Write({e}).ok());
  ChainReport alone = CheckExportedFiles({path_}, std::nullopt);
  EXPECT_FALSE(alone.broken);
  ASSERT_EQ(alone.notes.size(), 1u);
  EXPECT_NE(alone.notes[0].find("taken as given"), std::string::npos);
  EXPECT_FALSE(CheckExportedFiles({path_ + ".1", path_}, std::nullopt).broken);
  // The same file twice does not link to itself.
  EXPECT_TRUE(CheckExportedFiles({path_ + ".1", path_ + ".1"}, std::nullopt).broken);
}

TEST(FileChainCheck, AnEmptyFileWithoutDigestsHolds) {
  TempDir dir;
  Overwrite(dir.path() + "/empty.log", "");
  ChainReport report = CheckExportedFiles({dir.path() + "/empty.log"}, std::nullopt);
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.events, 0);
}

}  // namespace
}  // namespace gatehouse::audit

namespace gatehouse::audit {
namespace {

// An export whose digest lines the server signed: lines 1..2, 3..4, 5..6.
class SignedExport : public testing::Test {
 protected:
  void SetUp() override {
    auto sink = EventFileSink::Open({path_, 1 << 20, 5, &signer_});
    ASSERT_TRUE(sink.ok());
    for (int b = 0; b < 3; ++b) {
      std::vector<model::AuditEntry> batch(2);
      for (int i = 0; i < 2; ++i) {
        batch[i].body = "{\"eventID\":\"e" + std::to_string(b * 2 + i + 1) + "\"}";
      }
      ASSERT_TRUE((*sink)->Write(batch).ok());
    }
  }
  // The file with line `number` replaced, sealed again as whoever can write it would: the
  // chain recomputed, the digest lines without the private key's signatures.
  void EditAndReseal(int number, const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(Read(path_));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    lines[number - 1] = text;
    std::string file, seals, previous = kGenesisDigest;
    for (const std::string& line : lines) file += line + "\n";
    for (int first = 1; first <= 5; first += 2) {
      ChainHasher hasher(previous);
      for (int n = first; n <= first + 1; ++n) hasher.Add(n, lines[n - 1]);
      model::AuditDigest d{first, first + 1, previous, hasher.Finish()};
      seals += FormatDigestLine(d) + "\n";
      previous = d.digest;
    }
    Overwrite(path_, file);
    Overwrite(path_ + ".digest", seals);
  }

  TempDir dir_;
  std::string path_ = dir_.path() + "/audit.log";
  const DigestSigner signer_ = DigestSigner::FromMasterKey(std::string(32, 'k'));
  const std::optional<std::string> key_ = ParsePublicKey(signer_.public_key());
};

TEST_F(SignedExport, ItsDigestLinesAreSignedAndHoldWithTheKey) {
  EXPECT_NE(Read(path_ + ".digest").find("\"signature\":\""), std::string::npos);
  ChainReport report = CheckExportedFiles({path_}, key_);
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.events, 6);
  EXPECT_EQ(report.batches, 3u);
}

TEST_F(SignedExport, AFileResealedWithoutTheKeyBreaksAtItsFirstUnsignedDigest) {
  EditAndReseal(3, "{\"eventID\":\"e3\",\"sourceIPAddress\":\"203.0.113.9\"}");
  EXPECT_FALSE(CheckExportedFiles({path_}, std::nullopt).broken);  // the chain alone holds
  ChainReport report = CheckExportedFiles({path_}, key_);
  ASSERT_TRUE(report.broken);
  // Resealed from line 1: the first digest line is unsigned already.
  EXPECT_EQ(report.broken->where, "line 1 of " + path_ + ".digest");
  EXPECT_EQ(report.broken->reason, "it is not signed");
}

TEST_F(SignedExport, ASignatureCopiedOntoARecomputedDigestDoesNotVerify) {
  const std::string original = Read(path_ + ".digest");
  EditAndReseal(3, "{\"eventID\":\"e3\",\"sourceIPAddress\":\"203.0.113.9\"}");
  // The first batch is untouched: its signed line is put back; the others carry the old
  // signatures over new digests.
  std::vector<std::string> old_lines, new_lines;
  std::istringstream old_in(original), new_in(Read(path_ + ".digest"));
  for (std::string l; std::getline(old_in, l);) old_lines.push_back(l);
  for (std::string l; std::getline(new_in, l);) new_lines.push_back(l);
  std::string seals = old_lines[0] + "\n";
  for (size_t i = 1; i < new_lines.size(); ++i) {
    model::AuditDigest d = *ParseDigestLine(new_lines[i]);
    d.signature = ParseDigestLine(old_lines[i])->signature;
    seals += FormatDigestLine(d) + "\n";
  }
  Overwrite(path_ + ".digest", seals);
  ChainReport report = CheckExportedFiles({path_}, key_);
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->batch, 2u);
  EXPECT_EQ(report.broken->where, "line 2 of " + path_ + ".digest");
  EXPECT_EQ(report.broken->reason, "its signature does not verify with the given public key");
}

}  // namespace
}  // namespace gatehouse::audit
