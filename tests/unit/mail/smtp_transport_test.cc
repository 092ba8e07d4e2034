// Delivers through a real SMTP server: smtp_sink.py (aiosmtpd) in a child process. The
// transport alone, then the outbox's sender with it, on one SQLite database.
#include "mail/smtp_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mail/outbox_mailer.h"
#include "mail/outbox_sender.h"
#include "smtp_sink.h"
#include "temp_outbox.h"

namespace gatehouse::mail {
namespace {

using namespace std::chrono_literals;
using testing_support::FreePort;
using testing_support::Received;
using testing_support::SmtpSink;
using testing_support::TempOutbox;

class SmtpTransportTest : public ::testing::Test {
 protected:
  SmtpTransportTest() : sink_(FreePort(), temp_.dir() + "/received") {}

  SmtpOptions Options() const {
    SmtpOptions options;
    options.url = "smtp://127.0.0.1:" + std::to_string(sink_.port());
    options.connect_timeout = 2s;
    options.timeout = 5s;
    return options;
  }

  static SenderOptions Quick() {
    SenderOptions options;
    options.first_retry = 100ms;
    options.max_retry = 400ms;
    options.idle_scan = 200ms;
    options.lease = 10s;
    return options;
  }

  static MailMessage Sample(const std::string& to = "root@example.com") {
    return {"no-reply@gatehouse.local", to, "Reset your password",
            "Open http://127.0.0.1:4566/reset-password?token=" + std::string(64, 'a') +
                "\n.a line that starts with a dot\nGrüße\n"};
  }

  QueuedMail Mail(const std::string& to = "root@example.com") const {
    std::string id = "20261129T172000Z-0123456789abcdef";
    return {id, "no-reply@gatehouse.local", to, *RenderMailMessage(Sample(to), 1795972800, id)};
  }

  // Waits (the system clock's time) until `outbox` has no queued mail.
  static void WaitForNoQueuedMail(Outbox& outbox) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!outbox.Queued().empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(outbox.Queued().empty());
  }

  TempOutbox temp_;
  SmtpSink sink_;
  std::atomic<bool> abort_{false};
};

TEST_F(SmtpTransportTest, HandsTheMessageOverIntactWithItsEnvelope) {
  sink_.Start();
  QueuedMail mail = Mail();
  Delivery delivery = SmtpTransport(Options())(mail, abort_);
  EXPECT_EQ(delivery.outcome, Delivery::kDelivered) << delivery.reason;
  std::vector<Received> received = sink_.WaitFor(1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].from, "no-reply@gatehouse.local");
  EXPECT_EQ(received[0].to, "root@example.com");
  EXPECT_EQ(received[0].data, mail.data);
}

TEST_F(SmtpTransportTest, TellsRefusalsFromFailuresForNow) {
  Delivery nobody_listens = SmtpTransport(Options())(Mail(), abort_);
  EXPECT_EQ(nobody_listens.outcome, Delivery::kTryAgain);
  sink_.Start();
  Delivery busy = SmtpTransport(Options())(Mail("later@example.com"), abort_);
  EXPECT_EQ(busy.outcome, Delivery::kTryAgain);
  EXPECT_NE(busy.reason.find("451"), std::string::npos) << busy.reason;
  Delivery refused = SmtpTransport(Options())(Mail("refused@example.com"), abort_);
  EXPECT_EQ(refused.outcome, Delivery::kRefused);
  EXPECT_NE(refused.reason.find("550"), std::string::npos) << refused.reason;
  EXPECT_TRUE(sink_.Messages().empty());
}

TEST_F(SmtpTransportTest, TheSenderDeliversQueuedMailAndErasesIt) {
  Outbox& outbox = temp_.Instance();
  std::string before = outbox.Queue(Sample("first@example.com"))->id;  // before it started
  sink_.Start();
  OutboxSender sender(outbox, SmtpTransport(Options()), "instance-a", Quick());
  sender.Start();
  OutboxMailer mailer(outbox, "no-reply@gatehouse.local", nullptr, [&] { sender.Wake(); });
  std::string id = *mailer.Send(Sample("second@example.com"));
  std::vector<Received> received = sink_.WaitFor(2);
  ASSERT_EQ(received.size(), 2u);
  std::string both = received[0].data + received[1].data;
  EXPECT_NE(both.find("Message-ID: <" + before + "@"), std::string::npos);
  EXPECT_NE(both.find("Message-ID: <" + id + "@"), std::string::npos);
  WaitForNoQueuedMail(outbox);
  // Erased from the store itself: a restarted instance finds nothing to send.
  EXPECT_TRUE(temp_.Instance().Queued().empty());
}

TEST_F(SmtpTransportTest, TheSenderRetriesUntilTheServerAnswers) {
  Outbox& outbox = temp_.Instance();
  OutboxSender sender(outbox, SmtpTransport(Options()), "instance-a", Quick());
  sender.Start();
  std::string id = outbox.Queue(Sample())->id;
  sender.Wake();
  std::this_thread::sleep_for(700ms);  // a few failed attempts, counted in the record
  auto waiting = outbox.Find(id);
  ASSERT_NE(waiting, nullptr);
  EXPECT_GE(waiting->attempts, 2);
  EXPECT_FALSE(waiting->reason.empty());
  sink_.Start();
  ASSERT_EQ(sink_.WaitFor(1, 5s).size(), 1u);
  WaitForNoQueuedMail(outbox);
}

TEST_F(SmtpTransportTest, TheSenderParksRefusedMailAndRetriesTheRest) {
  Outbox& outbox = temp_.Instance();
  std::string refused = outbox.Queue(Sample("refused@example.com"))->id;
  std::string later = outbox.Queue(Sample("later@example.com"))->id;
  outbox.Queue(Sample("fine@example.com")).value();
  sink_.Start();
  OutboxSender sender(outbox, SmtpTransport(Options()), "instance-a", Quick());
  sender.Start();
  ASSERT_EQ(sink_.WaitFor(1).size(), 1u);
  std::this_thread::sleep_for(1s);  // several retry rounds (max_retry is 400 ms)
  sender.Stop();
  ASSERT_EQ(outbox.Parked().size(), 1u);
  EXPECT_EQ(outbox.Parked()[0]->id, refused);
  EXPECT_NE(outbox.Parked()[0]->reason.find("550"), std::string::npos);
  ASSERT_EQ(outbox.Queued().size(), 1u);
  EXPECT_EQ(outbox.Queued()[0]->id, later);
  EXPECT_GE(outbox.Queued()[0]->attempts, 2);
  std::vector<Received> received = sink_.Messages();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].to, "fine@example.com");
}

TEST_F(SmtpTransportTest, TheSenderStopsPromptlyAndKeepsUndeliveredMail) {
  Outbox& outbox = temp_.Instance();
  SenderOptions options = Quick();
  options.first_retry = 60s;
  OutboxSender sender(outbox, SmtpTransport(Options()), "instance-a", options);
  std::string id = outbox.Queue(Sample())->id;
  sender.Start();
  std::this_thread::sleep_for(200ms);  // the first attempt failed; the retry is a minute away
  auto start = std::chrono::steady_clock::now();
  sender.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  ASSERT_EQ(outbox.Queued().size(), 1u);
  EXPECT_EQ(outbox.Queued()[0]->id, id);
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
