// SmtpSender: the background thread that delivers the outbox's mails to an SMTP server through
// libcurl (smtp:// or smtps://, STARTTLS and login optional). At start it delivers what a
// previous run left queued; then it waits for Wake, or idle_scan at most (so that mail queued
// by another process, such as `gatehouse mail replay`, is found). A delivered mail's file is
// removed; a mail the server refuses for good (a 5xx answer, other than to the login) is parked
// in the outbox's dead-letter folder with that answer; a mail that fails otherwise stays queued
// and every mail still queued is tried again after a delay that doubles from first_retry up to
// max_retry. Logs name the mail and its recipient, and curl's reason
// for a failure; never the text (it holds one-time tokens) nor the password. Thread-safe; Stop
// returns promptly (within one delivery attempt), leaving undelivered mail in the outbox.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "mail/outbox.h"

namespace gatehouse::mail {

struct SmtpOptions {
  std::string url;        // smtp://host:port or smtps://host:port
  bool starttls = false;  // require STARTTLS on smtp://
  std::string user;       // empty: no login
  std::string password;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};  // one whole delivery
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds max_retry{60000};
  std::chrono::milliseconds idle_scan{5000};  // how often an idle sender looks at the outbox
};

// What became of one attempt to hand a mail over, with the server's or curl's reason.
struct Delivery {
  enum Outcome { kDelivered, kTryAgain, kRefused };
  Outcome outcome;
  std::string reason;
};

// InvalidParameterValue unless `url` is smtp:// or smtps:// with a host.
Status ValidateSmtpUrl(const std::string& url);

class SmtpSender {
 public:
  SmtpSender(Outbox& outbox, SmtpOptions options) : outbox_(outbox), options_(std::move(options)) {}
  ~SmtpSender() { Stop(); }
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  void Start();
  // Tells the thread that mail was queued.
  void Wake();
  // Ends the thread; idempotent.
  void Stop();

  // Hands one mail to the SMTP server. Used by the thread.
  Delivery Deliver(const QueuedMail& mail) const;

 private:
  void Run();
  // Tries every queued mail once; false when one of them failed.
  bool DeliverAll();

  Outbox& outbox_;
  const SmtpOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::atomic<bool> abort_{false};  // read by a delivery in progress, so Stop need not wait
  std::thread thread_;
};

}  // namespace gatehouse::mail
