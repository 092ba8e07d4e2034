// The server's outbox shared by instances on one database, on every Store (it is kept with the
// store's suites because they run on PostgreSQL too): any instance sends any mail, two live
// senders never send one mail twice, a sender that died leaves its mail to another once its
// lease runs out, a refused mail waits for its replay, and a failed attempt puts the mail off
// on every instance. Each instance is a Store, its State and its Outbox; transports are fakes
// that count what they are handed.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "core/random.h"
#include "mail/outbox.h"
#include "mail/outbox_sender.h"
#include "store_backends.h"

namespace gatehouse::mail {
namespace {

using namespace std::chrono_literals;
using store::Backend;
using store::BackendTest;

constexpr int64_t kStartMs = 1795972800000;  // 2026-11-29T17:20:00Z
const std::string kMasterKey(32, 'k');

// Counts the mails handed over, by id, and answers each with `outcome`.
class FakeTransport {
 public:
  Transport Answering(Delivery::Outcome outcome, std::string reason = "",
                      std::chrono::milliseconds pause = 0ms) {
    return [this, outcome, reason, pause](const QueuedMail& mail, const std::atomic<bool>&) {
      std::this_thread::sleep_for(pause);
      std::lock_guard lock(mu_);
      ++handed_[mail.id];
      return Delivery{outcome, reason};
    };
  }
  std::map<std::string, int> handed() {
    std::lock_guard lock(mu_);
    return handed_;
  }
  int Total() {
    int total = 0;
    for (const auto& [id, n] : handed()) total += n;
    return total;
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> handed_;
};

class OutboxOnStores : public BackendTest {
 protected:
  struct Instance {
    std::unique_ptr<store::Store> store;
    std::unique_ptr<store::State> state;
    std::unique_ptr<Outbox> outbox;
  };

  void TearDown() override {
    instances_.clear();
    BackendTest::TearDown();
  }

  // A new instance on the test's database; `master_key` "" for the command line's view.
  Outbox& Open(const std::string& master_key = kMasterKey) {
    auto instance = std::make_unique<Instance>();
    instance->store = GetParam().open(dir_.string());
    instance->state = std::make_unique<store::State>(*instance->store);
    EXPECT_TRUE(instance->state->Load().ok());
    instance->outbox = std::make_unique<Outbox>(*instance->state, master_key, random_,
                                                [this] { return now_.load(); });
    instances_.push_back(std::move(instance));
    return *instances_.back()->outbox;
  }

  static MailMessage Sample(const std::string& to = "root@example.com") {
    return {"no-reply@gatehouse.local", to, "Reset your password",
            "token=0123456789abcdef0123456789abcdef\n"};
  }

  // Rounds run by the test (SendDue) or, for threads, every `idle_scan`.
  static SenderOptions Options(std::chrono::milliseconds idle_scan = 60s) {
    SenderOptions options;
    options.first_retry = 1000ms;
    options.max_retry = 8000ms;
    options.idle_scan = idle_scan;
    options.lease = 10000ms;
    return options;
  }

  std::atomic<int64_t> now_{kStartMs};
  SystemRandom random_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

// Queued on an instance that sends nothing (it stopped, or has no SMTP server): sent by another.
TEST_P(OutboxOnStores, AMailQueuedOnOneInstanceIsSentByAnother) {
  Outbox& a = Open();
  Outbox& b = Open();  // loaded before the mail exists: it learns of it from the store
  std::string id = a.Queue(Sample())->id;
  FakeTransport smtp;
  OutboxSender sender_b(b, smtp.Answering(Delivery::kDelivered), "instance-b", Options());
  sender_b.SendDue();
  EXPECT_EQ(smtp.handed(), (std::map<std::string, int>{{id, 1}}));
  EXPECT_TRUE(b.Queued().empty());
  ASSERT_TRUE(a.state().CatchUp().ok());
  EXPECT_EQ(a.Find(id), nullptr);  // erased in the store, not only in b's directory
  sender_b.SendDue();
  EXPECT_EQ(smtp.Total(), 1);
}

// An instance died while it held the mail's lease (sending, or about to): another one leaves
// the mail alone until the lease runs out, then sends it, once.
TEST_P(OutboxOnStores, AMailWhoseSenderDiedIsSentByAnotherAfterItsLease) {
  Outbox& a = Open();
  std::string id = a.Queue(Sample())->id;
  auto leased = a.state().store().ClaimWork(OutboxSender::kWorkQueue, {id}, "instance-a",
                                            now_.load(), Options().lease.count());
  ASSERT_TRUE(leased.ok());
  ASSERT_EQ(*leased, std::vector<std::string>{id});
  // instance-a is gone.
  Outbox& b = Open();
  FakeTransport smtp;
  OutboxSender sender_b(b, smtp.Answering(Delivery::kDelivered), "instance-b", Options());
  sender_b.SendDue();
  EXPECT_EQ(smtp.Total(), 0);
  now_ += Options().lease.count() - 1;
  sender_b.SendDue();
  EXPECT_EQ(smtp.Total(), 0);
  now_ += 1;
  sender_b.SendDue();
  EXPECT_EQ(smtp.handed(), (std::map<std::string, int>{{id, 1}}));
  EXPECT_TRUE(b.Queued().empty());
}

// Two instances send at once from the same list of mails: each mail is handed over once.
TEST_P(OutboxOnStores, TwoLiveSendersNeverSendAMailTwice) {
  Outbox& a = Open();
  Outbox& b = Open();
  constexpr int kMails = 40;
  for (int i = 0; i < kMails; ++i) {
    ASSERT_TRUE(
        (i % 2 == 0 ? a : b).Queue(Sample("user" + std::to_string(i) + "@example.com")).ok());
  }
  ASSERT_TRUE(a.state().CatchUp().ok());
  ASSERT_TRUE(b.state().CatchUp().ok());
  ASSERT_EQ(a.Queued().size(), size_t{kMails});
  FakeTransport smtp;
  FakeTransport smtp_a_only;  // which of them a sent
  Transport to_a = smtp_a_only.Answering(Delivery::kDelivered);
  Transport shared = smtp.Answering(Delivery::kDelivered, "", 3ms);
  OutboxSender sender_a(
      a,
      [&](const QueuedMail& m, const std::atomic<bool>& abort) {
        to_a(m, abort);
        return shared(m, abort);
      },
      "instance-a", Options(50ms));
  OutboxSender sender_b(b, shared, "instance-b", Options(50ms));
  sender_a.Start();
  sender_b.Start();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((smtp.Total() < kMails || !a.Queued().empty() || !b.Queued().empty()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(200ms);  // a few more rounds: nothing is sent again
  sender_a.Stop();
  sender_b.Stop();
  std::map<std::string, int> handed = smtp.handed();
  EXPECT_EQ(handed.size(), size_t{kMails});
  for (const auto& [id, times] : handed) EXPECT_EQ(times, 1) << id;
  EXPECT_TRUE(a.Queued().empty());
  EXPECT_TRUE(b.Queued().empty());
  // Both took part (they start together on the same list); shown for the record.
  std::cout << "instance-a sent " << smtp_a_only.Total() << " of " << kMails << "\n";
}

TEST_P(OutboxOnStores, ARefusedMailIsParkedUntilReplayedThenSentByAnyInstance) {
  Outbox& a = Open();
  std::string id = a.Queue(Sample())->id;
  FakeTransport refusing;
  OutboxSender sender_a(a,
                        refusing.Answering(Delivery::kRefused, "550 5.1.1 User unknown (SMTP 550)"),
                        "instance-a", Options());
  sender_a.SendDue();
  ASSERT_EQ(a.Parked().size(), 1u);
  EXPECT_EQ(a.Parked()[0]->reason, "550 5.1.1 User unknown (SMTP 550)");
  now_ += 3'600'000;
  sender_a.SendDue();
  EXPECT_EQ(refusing.Total(), 1);  // never tried again

  // The operator replays it from the command line (another process on the database).
  Outbox& command_line = Open("");
  ASSERT_EQ(command_line.Parked().size(), 1u);
  ASSERT_TRUE(command_line.Replay(id).ok());
  EXPECT_EQ(command_line.Replay(id).code(), ErrorCode::kNoSuchEntity);
  Outbox& b = Open();
  FakeTransport smtp;
  OutboxSender sender_b(b, smtp.Answering(Delivery::kDelivered), "instance-b", Options());
  sender_b.SendDue();
  EXPECT_EQ(smtp.handed(), (std::map<std::string, int>{{id, 1}}));
  ASSERT_TRUE(a.state().CatchUp().ok());
  EXPECT_TRUE(a.Parked().empty());
  EXPECT_TRUE(a.Queued().empty());
}

// A failed attempt puts the mail off, by a delay that doubles, for every instance.
TEST_P(OutboxOnStores, AFailedAttemptPutsTheMailOffOnEveryInstance) {
  Outbox& a = Open();
  Outbox& b = Open();
  std::string id = a.Queue(Sample())->id;
  FakeTransport failing;
  OutboxSender sender_a(a, failing.Answering(Delivery::kTryAgain, "451 4.3.0 Mailbox busy"),
                        "instance-a", Options());
  sender_a.SendDue();
  EXPECT_EQ(a.Find(id)->attempts, 1);
  EXPECT_EQ(a.Find(id)->next_attempt_ms, kStartMs + 1000);
  now_ += 1000;
  EXPECT_EQ(sender_a.SendDue(), 2000ms);  // failed again: the next try in twice the delay
  EXPECT_EQ(a.Find(id)->attempts, 2);
  EXPECT_EQ(a.Find(id)->reason, "451 4.3.0 Mailbox busy");

  FakeTransport smtp;
  OutboxSender sender_b(b, smtp.Answering(Delivery::kDelivered), "instance-b", Options());
  now_ += 1999;
  sender_b.SendDue();
  EXPECT_EQ(smtp.Total(), 0);
  now_ += 1;
  sender_b.SendDue();
  EXPECT_EQ(smtp.handed(), (std::map<std::string, int>{{id, 1}}));
  EXPECT_EQ(failing.Total(), 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, OutboxOnStores, testing::ValuesIn(store::StoreBackends()),
                         store::BackendName);

}  // namespace
}  // namespace gatehouse::mail
