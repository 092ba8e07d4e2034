// Delivers through a real SMTP server: smtp_sink.py (aiosmtpd) in a child process.
#include "mail/smtp_sender.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "mail/outbox_mailer.h"
#include "temp_dir.h"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::TempDir;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What the SMTP server received: the envelope and the message's bytes.
struct Received {
  std::string from;
  std::string to;
  std::string data;
};

class SmtpSink {
 public:
  SmtpSink(int port, std::string dir) : port_(port), dir_(std::move(dir)) {
    fs::create_directories(dir_);
  }
  ~SmtpSink() { Stop(); }

  void Start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_);
      const std::string script = GATEHOUSE_SOURCE_DIR "/tests/unit/mail/smtp_sink.py";
      ::execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), dir_.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!fs::exists(dir_ + "/ready") && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(fs::exists(dir_ + "/ready")) << "the SMTP server did not start";
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    fs::remove(dir_ + "/ready");
  }

  // The messages received so far, in order.
  std::vector<Received> Messages() const {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".msg") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Received> received;
    for (const fs::path& path : paths) {
      std::string text = ReadFile(path);
      size_t first = text.find('\n');
      size_t second = text.find('\n', first + 1);
      received.push_back({text.substr(0, first), text.substr(first + 1, second - first - 1),
                          text.substr(second + 1)});
    }
    return received;
  }

  // Waits up to `timeout` for `count` messages.
  std::vector<Received> WaitFor(size_t count, std::chrono::milliseconds timeout = 10s) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<Received> received = Messages();
    while (received.size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      received = Messages();
    }
    return received;
  }

  int port() const { return port_; }

 private:
  int port_;
  std::string dir_;
  pid_t pid_ = -1;
};

class SmtpSenderTest : public ::testing::Test {
 protected:
  SmtpSenderTest() : sink_(FreePort(), temp_.path() + "/received") {
    outbox_ = Outbox::Open(temp_.path() + "/outbox", random_).value();
  }

  SmtpOptions Options() const {
    SmtpOptions options;
    options.url = "smtp://127.0.0.1:" + std::to_string(sink_.port());
    options.connect_timeout = 2s;
    options.timeout = 5s;
    options.first_retry = 100ms;
    options.max_retry = 400ms;
    options.idle_scan = 200ms;
    return options;
  }

  MailMessage Sample(const std::string& to = "root@example.com") const {
    return {"no-reply@gatehouse.local", to, "Reset your password",
            "Open http://127.0.0.1:4566/reset-password?token=" + std::string(64, 'a') +
                "\n.a line that starts with a dot\nGrüße\n"};
  }

  void WaitForEmptyOutbox() const {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!outbox_->List().empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(outbox_->List().empty());
  }

  TempDir temp_;
  SystemRandom random_;
  std::unique_ptr<Outbox> outbox_;
  SmtpSink sink_;
};

TEST_F(SmtpSenderTest, DeliversQueuedMailIntact) {
  sink_.Start();
  SmtpSender sender(*outbox_, Options());
  sender.Start();
  OutboxMailer mailer(*outbox_, "no-reply@gatehouse.local", [&sender] { sender.Wake(); });
  std::string id = *mailer.Send(Sample());
  std::string bytes = outbox_->Read(id)->data;
  std::vector<Received> received = sink_.WaitFor(1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].from, "no-reply@gatehouse.local");
  EXPECT_EQ(received[0].to, "root@example.com");
  EXPECT_EQ(received[0].data, bytes);
  WaitForEmptyOutbox();

  mailer.Send(Sample("second@example.com")).value();
  received = sink_.WaitFor(2);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].to, "second@example.com");
  WaitForEmptyOutbox();
}

TEST_F(SmtpSenderTest, DeliversMailQueuedBeforeItStarted) {
  std::string first = *outbox_->Queue(Sample("first@example.com"));
  std::string second = *outbox_->Queue(Sample("second@example.com"));
  sink_.Start();
  SmtpSender sender(*outbox_, Options());
  sender.Start();
  std::vector<Received> received = sink_.WaitFor(2);
  ASSERT_EQ(received.size(), 2u);
  std::vector<std::string> to = {received[0].to, received[1].to};
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"first@example.com", "second@example.com"}));
  WaitForEmptyOutbox();
}

TEST_F(SmtpSenderTest, RetriesUntilTheServerAnswers) {
  SmtpSender sender(*outbox_, Options());
  sender.Start();
  OutboxMailer mailer(*outbox_, "no-reply@gatehouse.local", [&sender] { sender.Wake(); });
  std::string id = *mailer.Send(Sample());
  std::this_thread::sleep_for(700ms);                        // a few failed attempts
  EXPECT_EQ(outbox_->List(), std::vector<std::string>{id});  // not lost
  sink_.Start();
  std::vector<Received> received = sink_.WaitFor(1, 5s);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_NE(received[0].data.find("Message-ID: <" + id + "@"), std::string::npos);
  WaitForEmptyOutbox();
}

TEST_F(SmtpSenderTest, StopsPromptlyAndKeepsUndeliveredMail) {
  SmtpOptions options = Options();
  options.first_retry = 60s;
  SmtpSender sender(*outbox_, options);
  std::string id = *outbox_->Queue(Sample());
  sender.Start();
  std::this_thread::sleep_for(200ms);  // the first attempt failed; the retry is a minute away
  auto start = std::chrono::steady_clock::now();
  sender.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(outbox_->List(), std::vector<std::string>{id});
}

TEST_F(SmtpSenderTest, ParksMailTheServerRefusesForGoodAndRetriesTheRest) {
  std::string refused = *outbox_->Queue(Sample("refused@example.com"));
  std::string later = *outbox_->Queue(Sample("later@example.com"));
  std::string fine = *outbox_->Queue(Sample("fine@example.com"));
  sink_.Start();
  SmtpSender sender(*outbox_, Options());
  sender.Start();
  ASSERT_EQ(sink_.WaitFor(1).size(), 1u);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (outbox_->ListParked().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(1s);  // several retry rounds (max_retry is 400 ms)
  // The refused mail is parked once, with the server's answer; the deferred one is still queued.
  EXPECT_EQ(outbox_->ListParked(), std::vector<std::string>{refused});
  EXPECT_EQ(outbox_->List(), std::vector<std::string>{later});
  Result<ParkedMail> parked = outbox_->ReadParked(refused);
  ASSERT_TRUE(parked.ok()) << parked.status().ToString();
  EXPECT_EQ(parked->mail.to, "refused@example.com");
  EXPECT_NE(parked->reason.find("550"), std::string::npos) << parked->reason;
  std::vector<Received> received = sink_.Messages();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].to, "fine@example.com");
  EXPECT_FALSE(outbox_->Read(fine).ok());
}

TEST_F(SmtpSenderTest, FindsMailQueuedWithoutAWake) {
  sink_.Start();
  SmtpSender sender(*outbox_, Options());
  sender.Start();
  std::this_thread::sleep_for(100ms);  // idle, waiting
  // As `gatehouse mail replay` queues from another process: no Wake.
  outbox_->Queue(Sample("replayed@example.com")).value();
  std::vector<Received> received = sink_.WaitFor(1, 3s);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].to, "replayed@example.com");
}

TEST(SmtpUrlTest, AcceptsSmtpAndSmtpsOnly) {
  EXPECT_TRUE(ValidateSmtpUrl("smtp://127.0.0.1:2525").ok());
  EXPECT_TRUE(ValidateSmtpUrl("smtps://mail.example.com").ok());
  EXPECT_FALSE(ValidateSmtpUrl("http://mail.example.com").ok());
  EXPECT_FALSE(ValidateSmtpUrl("smtp://").ok());
  EXPECT_FALSE(ValidateSmtpUrl("mail.example.com:25").ok());
}

}  // namespace
}  // namespace gatehouse::mail
