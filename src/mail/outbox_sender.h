// OutboxSender: the background thread that sends the store's outbox (mail/outbox.h) through a
// Transport (the SMTP server, smtp_transport.h). Every instance on one database runs one when
// an SMTP server is configured, and any of them may send any mail: before handing a mail over,
// the sender leases it (Store::ClaimWork, queue kWorkQueue) and catches its directory up with
// the store, so that it sees whatever the lease's previous holder committed, and only then
// sends. A delivered mail's record is erased (a commit), then the lease is released; a mail
// the server refuses for good is parked with the server's answer; one that fails for now stays
// queued with its attempt counted and is not tried again, by any instance, before a delay that
// doubles from first_retry up to max_retry. A sender that dies holding a lease leaves the mail
// to another instance once the lease runs out.
//
// Sent once: two live senders never both send one mail, as long as a delivery ends (the
// transport's timeout) well within the lease. Across a crash SMTP cannot be exactly-once: an
// instance that dies after the server accepted a mail but before the erase commits leaves it
// queued, and another instance sends it again after the lease — at least once, never lost. A
// delivered mail whose erase fails (the database away) is not sent again by this instance,
// which keeps renewing its lease and retries the erase.
//
// It looks at the outbox when woken (this instance queued a mail), when the next deferred mail
// is due, and every idle_scan at most (mail queued or replayed elsewhere, leases that ran
// out). Logs name the mail and its recipient, and the reason of a failure; never the text.
// Thread-safe; Stop returns within one delivery attempt (it cuts an attempt in progress short
// and leaves that mail queued, its lease released for another instance).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "mail/outbox.h"
#include "mail/smtp_transport.h"

namespace gatehouse::mail {

struct SenderOptions {
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{60000};
  std::chrono::milliseconds idle_scan{1000};
  // How long a sender holds a mail: longer than one delivery may take (the transport's
  // timeout), so that no other instance takes a mail while it is being sent.
  std::chrono::milliseconds lease{120000};
};

class OutboxSender {
 public:
  static constexpr const char* kWorkQueue = "outbox";

  // `owner` names this instance in the leases (unique per running instance).
  OutboxSender(Outbox& outbox, Transport transport, std::string owner, SenderOptions options = {})
      : outbox_(outbox),
        transport_(std::move(transport)),
        owner_(std::move(owner)),
        options_(options) {}
  ~OutboxSender() { Stop(); }
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void Start();
  // Tells the thread that mail was queued.
  void Wake();
  // Ends the thread; idempotent.
  void Stop();

  // One round: sends every queued mail that is due and that this instance can lease. Returns
  // how long to wait before the next round. The thread's; tests call it too.
  std::chrono::milliseconds SendDue();

 private:
  void Run();
  bool stopping();
  // Leases `id`, looks at it again and sends it when it is still due.
  void SendOne(const std::string& id);
  void Record(const model::OutboxMail& mail, const QueuedMail& opened, const Delivery& delivery);
  // Retries the erase of mails delivered whose erase failed, holding on to their leases.
  void EraseDelivered();
  // The time to the next deferred mail, at most idle_scan.
  std::chrono::milliseconds NextWait() const;

  Outbox& outbox_;
  const Transport transport_;
  const std::string owner_;
  const SenderOptions options_;
  std::set<std::string> delivered_;  // sent, erase pending; the sender thread's alone
  bool database_away_ = false;       // the sender thread's: log an outage once
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::atomic<bool> abort_{false};  // read by a delivery in progress, so Stop need not wait
  std::thread thread_;
};

}  // namespace gatehouse::mail
