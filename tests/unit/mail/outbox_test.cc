#include "mail/outbox.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "core/crypto.h"
#include "mail/outbox_files.h"
#include "mail/outbox_mailer.h"
#include "temp_outbox.h"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;
using testing_support::TempOutbox;

constexpr int64_t kNowMs = 1795972800000;  // 2026-11-29T17:20:00Z
const std::string kToken = "0123456789abcdef0123456789abcdef";

MailMessage Sample(const std::string& subject = "Reset your password") {
  return {"no-reply@gatehouse.local", "root@example.com", subject, "token=" + kToken + "\n"};
}

std::vector<std::string> Ids(const std::vector<std::shared_ptr<const model::OutboxMail>>& mails) {
  std::vector<std::string> ids;
  for (const auto& m : mails) ids.push_back(m->id);
  return ids;
}

int Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(OutboxTest, QueuesOneSealedRecordNamedByTime) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  Result<QueuedMail> queued = outbox.Queue(Sample());
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_TRUE(std::regex_match(queued->id, std::regex("20261129T172000Z-[0-9a-f]{16}")))
      << queued->id;
  EXPECT_EQ(queued->data, *RenderMailMessage(Sample(), kNowMs / 1000, queued->id));

  auto record = outbox.Find(queued->id);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->to, "root@example.com");
  EXPECT_EQ(record->queued_ms, kNowMs);
  EXPECT_EQ(record->next_attempt_ms, kNowMs);
  EXPECT_FALSE(record->parked());
  // The store holds the message sealed: not its token, in no encoding.
  const std::string sealed = HexDecode(record->sealed_message).value_or("");
  EXPECT_FALSE(sealed.empty());
  EXPECT_EQ(sealed.find(kToken), std::string::npos);
  EXPECT_EQ(record->sealed_message.find(HexEncode(kToken)), std::string::npos);
  EXPECT_EQ(outbox.Open(*record)->data, queued->data);

  // Another key does not open it, nor does the record moved to another recipient.
  Outbox& other_key = temp.Instance(std::string(32, 'x'));
  EXPECT_EQ(other_key.Open(*record).status().code(), ErrorCode::kServiceFailure);
  model::OutboxMail redirected = *record;
  redirected.to = "eve@example.com";
  EXPECT_EQ(outbox.Open(redirected).status().code(), ErrorCode::kServiceFailure);
}

TEST(OutboxTest, ListsOldestFirstParksAndReplays) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    temp.now_ms() = kNowMs + 100'000 - 30'000 * i;  // each queued earlier than the one before
    ids.insert(ids.begin(), outbox.Queue(Sample("mail " + std::to_string(i)))->id);
  }
  EXPECT_EQ(Ids(outbox.Queued()), ids);

  ASSERT_TRUE(outbox.Park(*outbox.Find(ids[1]), "550 5.1.1 User unknown (SMTP 550)").ok());
  EXPECT_EQ(Ids(outbox.Queued()), (std::vector<std::string>{ids[0], ids[2]}));
  EXPECT_EQ(Ids(outbox.Parked()), std::vector<std::string>{ids[1]});
  EXPECT_EQ(outbox.Find(ids[1])->reason, "550 5.1.1 User unknown (SMTP 550)");

  // Another instance (the command line) sees it parked, and replays it.
  Outbox& other = temp.Instance("");
  EXPECT_EQ(Ids(other.Parked()), std::vector<std::string>{ids[1]});
  temp.now_ms() = kNowMs + 500'000;
  ASSERT_TRUE(other.Replay(ids[1]).ok());
  ASSERT_TRUE(*outbox.state().CatchUp());
  EXPECT_EQ(Ids(outbox.Queued()), ids);
  EXPECT_TRUE(outbox.Parked().empty());
  EXPECT_EQ(outbox.Find(ids[1])->next_attempt_ms, kNowMs + 500'000);
  EXPECT_EQ(outbox.Find(ids[1])->reason, "");
  EXPECT_EQ(other.Replay(ids[1]).code(), ErrorCode::kNoSuchEntity);  // queued, not parked
  EXPECT_EQ(other.Replay("20261129T172000Z-0123456789abcdef").code(), ErrorCode::kNoSuchEntity);
}

// A change decided on a record another instance changed meanwhile writes nothing.
TEST(OutboxTest, ChangesHoldOnlyForTheRecordAsRead) {
  TempOutbox temp(kNowMs);
  Outbox& a = temp.Instance();
  Outbox& b = temp.Instance();
  std::string id = a.Queue(Sample())->id;
  ASSERT_TRUE(*b.state().CatchUp());
  auto read_by_b = b.Find(id);
  ASSERT_TRUE(a.Deferred(*a.Find(id), "451 busy", kNowMs + 1000).ok());
  EXPECT_EQ(a.Find(id)->attempts, 1);
  EXPECT_EQ(b.Delivered(*read_by_b).code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(b.Park(*read_by_b, "550").code(), ErrorCode::kStoreConflict);
  EXPECT_EQ(b.Find(id)->attempts, 1);  // the refused commit caught b up
  ASSERT_TRUE(b.Delivered(*b.Find(id)).ok());
  ASSERT_TRUE(*a.state().CatchUp());
  EXPECT_EQ(a.Find(id), nullptr);
}

TEST(OutboxTest, KeepsMailAcrossARestart) {
  TempOutbox temp(kNowMs);
  std::string id = temp.Instance().Queue(Sample())->id;
  Outbox& restarted = temp.Instance();
  EXPECT_EQ(Ids(restarted.Queued()), std::vector<std::string>{id});
  // Quoted-printable: "=" is written "=3D".
  EXPECT_NE(restarted.Open(*restarted.Find(id))->data.find("token=3D" + kToken), std::string::npos);
}

TEST(OutboxTest, RefusesHeaderInjectionAndRecordsNothing) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  MailMessage m = Sample("Reset\r\nBcc: eve@example.com");
  EXPECT_EQ(outbox.Queue(m).status().code(), ErrorCode::kInvalidInput);
  m = Sample();
  m.to = "root@example.com\nBcc: eve@example.com";
  EXPECT_EQ(outbox.Queue(m).status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(outbox.Queued().empty());
  // Without the master key nothing is queued either: it could not be sealed.
  EXPECT_EQ(temp.Instance("").Queue(Sample()).status().code(), ErrorCode::kServiceFailure);
}

TEST(OutboxTest, QueuesFromManyThreads) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(outbox.Queue(Sample()).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(outbox.Queued().size(), 160u);
}

TEST(OutboxTest, LogsTheRecipientAndSubjectNeverTheText) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  auto previous = spdlog::default_logger();
  std::ostringstream log;
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  std::string id = outbox.Queue(Sample())->id;
  (void)outbox.Park(*outbox.Find(id), "550 no");
  (void)outbox.Replay(id);
  spdlog::set_default_logger(previous);
  EXPECT_NE(log.str().find("queued mail " + id + " to root@example.com: Reset your password"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(log.str().find(kToken.substr(0, 20)), std::string::npos) << log.str();
}

TEST(OutboxTest, MailerFillsTheSenderLeavesACopyAndWakes) {
  TempOutbox temp(kNowMs);
  Outbox& outbox = temp.Instance();
  const std::string dir = temp.dir() + "/outbox";
  std::unique_ptr<OutboxFiles> files = OutboxFiles::Open(dir).value();
  int woken = 0;
  OutboxMailer mailer(outbox, "mail@gatehouse.test", files.get(), [&woken] { ++woken; });
  MailMessage m = Sample();
  m.from.clear();
  Result<std::string> id = mailer.Send(m);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(outbox.Find(*id)->from, "mail@gatehouse.test");
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(files->List(), std::vector<std::string>{*id});
  EXPECT_EQ(Mode(dir), 0700);
  EXPECT_EQ(Mode(dir + "/" + *id + ".eml"), 0600);
  EXPECT_EQ(ReadFile(dir + "/" + *id + ".eml"), outbox.Open(*outbox.Find(*id))->data);

  m.subject = "a\nb";
  EXPECT_EQ(mailer.Send(m).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(files->List().size(), 1u);
}

TEST(OutboxFilesTest, OpenClearsTemporaryFilesAndWritesOnlyOutboxIds) {
  testing_support::TempDir temp;
  const std::string dir = temp.path() + "/outbox";
  std::unique_ptr<OutboxFiles> files = OutboxFiles::Open(dir).value();
  const std::string id = "20261129T172000Z-0123456789abcdef";
  ASSERT_TRUE(files->Write(id, "mail").ok());
  std::ofstream(dir + "/.tmp-20261129T172001Z-0123456789abcdef.eml") << "half a mail";
  std::ofstream(dir + "/notes.txt") << "not mail";
  files = OutboxFiles::Open(dir).value();
  EXPECT_EQ(files->List(), std::vector<std::string>{id});
  EXPECT_FALSE(fs::exists(dir + "/.tmp-20261129T172001Z-0123456789abcdef.eml"));
  EXPECT_TRUE(fs::exists(dir + "/notes.txt"));
  EXPECT_EQ(files->Write("../escape", "x").code(), ErrorCode::kInvalidInput);
  EXPECT_FALSE(fs::exists(temp.path() + "/escape.eml"));
}

}  // namespace
}  // namespace gatehouse::mail
