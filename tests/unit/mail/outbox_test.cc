#include "mail/outbox.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "mail/outbox_mailer.h"
#include "temp_dir.h"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

constexpr int64_t kNow = 1795972800;  // 2026-11-29T17:20:00Z

MailMessage Sample(const std::string& subject = "Reset your password") {
  return {"no-reply@gatehouse.local", "root@example.com", subject,
          "token=0123456789abcdef0123456789abcdef\n"};
}

int Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class OutboxTest : public ::testing::Test {
 protected:
  std::unique_ptr<Outbox> Open(std::function<int64_t()> now = [] { return kNow; }) {
    Result<std::unique_ptr<Outbox>> outbox = Outbox::Open(dir(), random_, std::move(now));
    EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
    return outbox.ok() ? std::move(*outbox) : nullptr;
  }
  std::string dir() const { return temp_.path() + "/outbox"; }

  TempDir temp_;
  SystemRandom random_;
};

TEST_F(OutboxTest, QueuesOneOwnerOnlyFileNamedByTime) {
  std::unique_ptr<Outbox> outbox = Open();
  EXPECT_EQ(Mode(dir()), 0700);
  Result<std::string> id = outbox->Queue(Sample());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(std::regex_match(*id, std::regex("20261129T172000Z-[0-9a-f]{16}"))) << *id;
  EXPECT_EQ(Files(dir()), std::vector<std::string>{*id + ".eml"});  // no temporary file left
  EXPECT_EQ(Mode(dir() + "/" + *id + ".eml"), 0600);
  std::ifstream in(dir() + "/" + *id + ".eml", std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), *RenderMailMessage(Sample(), kNow, *id));
}

TEST_F(OutboxTest, ReadsListsAndRemoves) {
  int64_t now = kNow;
  std::unique_ptr<Outbox> outbox = Open([&now] { return now; });
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    now = kNow + 100 - 30 * i;  // queued later, named later: each earlier than the one before
    ids.insert(ids.begin(), *outbox->Queue(Sample("mail " + std::to_string(i))));
  }
  EXPECT_EQ(outbox->List(), ids);  // oldest first

  Result<QueuedMail> mail = outbox->Read(ids[0]);
  ASSERT_TRUE(mail.ok()) << mail.status().ToString();
  EXPECT_EQ(mail->id, ids[0]);
  EXPECT_EQ(mail->from, "no-reply@gatehouse.local");
  EXPECT_EQ(mail->to, "root@example.com");
  EXPECT_NE(mail->data.find("Subject: mail 2\r\n"), std::string::npos);

  EXPECT_TRUE(outbox->Remove(ids[1]).ok());
  EXPECT_EQ(outbox->List(), (std::vector<std::string>{ids[0], ids[2]}));
  EXPECT_EQ(outbox->Remove(ids[1]).code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(outbox->Read(ids[1]).status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(outbox->Read("../../etc/passwd").status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(outbox->Remove("../outbox").code(), ErrorCode::kNoSuchEntity);
}

TEST_F(OutboxTest, ParksAndReplaysMail) {
  std::unique_ptr<Outbox> outbox = Open();
  std::string id = *outbox->Queue(Sample());
  std::string other = *outbox->Queue(Sample("another"));
  EXPECT_EQ(Mode(dir() + "/dead"), 0700);
  ASSERT_TRUE(outbox->Park(id, "550 5.1.1 User unknown (SMTP 550)").ok());
  EXPECT_EQ(outbox->List(), std::vector<std::string>{other});
  EXPECT_EQ(outbox->ListParked(), std::vector<std::string>{id});
  EXPECT_EQ(Files(dir() + "/dead"), (std::vector<std::string>{id + ".eml", id + ".reason"}));
  Result<ParkedMail> parked = outbox->ReadParked(id);
  ASSERT_TRUE(parked.ok()) << parked.status().ToString();
  EXPECT_EQ(parked->reason, "550 5.1.1 User unknown (SMTP 550)");
  EXPECT_EQ(parked->mail.to, "root@example.com");
  EXPECT_EQ(outbox->Park(id, "again").code(), ErrorCode::kNoSuchEntity);  // no longer queued

  // A reopened outbox (another process) sees the parked mail and replays it.
  std::unique_ptr<Outbox> reopened = Open();
  EXPECT_EQ(reopened->ListParked(), std::vector<std::string>{id});
  ASSERT_TRUE(reopened->Replay(id).ok());
  std::vector<std::string> both = {id, other};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(outbox->List(), both);
  EXPECT_TRUE(outbox->ListParked().empty());
  EXPECT_TRUE(Files(dir() + "/dead").empty());
  EXPECT_EQ(outbox->Replay(id).code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(outbox->Replay("../" + id).code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(outbox->ReadParked("../../etc/passwd").status().code(), ErrorCode::kNoSuchEntity);
}

TEST_F(OutboxTest, RefusesHeaderInjectionAndWritesNothing) {
  std::unique_ptr<Outbox> outbox = Open();
  MailMessage m = Sample("Reset\r\nBcc: eve@example.com");
  EXPECT_EQ(outbox->Queue(m).status().code(), ErrorCode::kInvalidInput);
  m = Sample();
  m.to = "root@example.com\nBcc: eve@example.com";
  EXPECT_EQ(outbox->Queue(m).status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(Files(dir()).empty());
}

TEST_F(OutboxTest, OpenClearsTemporaryFilesAndKeepsMail) {
  std::string id = *Open()->Queue(Sample());
  std::ofstream(dir() + "/.tmp-20261129T172001Z-0123456789abcdef") << "half a mail";
  std::ofstream(dir() + "/notes.txt") << "not mail";
  std::unique_ptr<Outbox> reopened = Open();
  EXPECT_EQ(reopened->List(), std::vector<std::string>{id});
  EXPECT_EQ(Files(dir()), (std::vector<std::string>{id + ".eml", "notes.txt"}));
}

TEST_F(OutboxTest, QueuesFromManyThreads) {
  std::unique_ptr<Outbox> outbox = Open();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(outbox->Queue(Sample()).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(outbox->List().size(), 160u);
}

TEST_F(OutboxTest, LogsTheRecipientAndSubjectNeverTheText) {
  auto previous = spdlog::default_logger();
  std::ostringstream log;
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  std::unique_ptr<Outbox> outbox = Open();
  std::string id = *outbox->Queue(Sample());
  spdlog::set_default_logger(previous);
  EXPECT_NE(log.str().find("queued mail " + id + " to root@example.com: Reset your password"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(log.str().find("0123456789abcdef0123"), std::string::npos) << log.str();
}

TEST_F(OutboxTest, MailerFillsTheSenderAndWakes) {
  std::unique_ptr<Outbox> outbox = Open();
  int woken = 0;
  OutboxMailer mailer(*outbox, "mail@gatehouse.test", [&woken] { ++woken; });
  MailMessage m = Sample();
  m.from.clear();
  Result<std::string> id = mailer.Send(m);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(outbox->Read(*id)->from, "mail@gatehouse.test");
  EXPECT_EQ(woken, 1);
  m.subject = "a\nb";
  EXPECT_EQ(mailer.Send(m).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(woken, 1);
}

}  // namespace
}  // namespace gatehouse::mail
