// The SMTP transport: hands one mail to an SMTP server through libcurl (smtp:// or smtps://,
// STARTTLS and login optional), and says what became of it: delivered, to try again later, or
// refused for good (a 5xx answer, other than to the login). Reasons name curl's error and the
// server's reply code; never the message's text (it holds one-time tokens) nor the password.
// The outbox's sender (outbox_sender.h) calls it; thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/status.h"
#include "mail/outbox.h"

namespace gatehouse::mail {

struct SmtpOptions {
  std::string url;        // smtp://host:port or smtps://host:port
  bool starttls = false;  // require STARTTLS on smtp://
  std::string user;       // empty: no login
  std::string password;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};  // one whole delivery, connecting included
};

// What became of one attempt to hand a mail over, with the server's or curl's reason.
struct Delivery {
  enum Outcome { kDelivered, kTryAgain, kRefused };
  Outcome outcome;
  std::string reason;
};

// Hands `mail` over; `abort` set ends an attempt in progress (as kTryAgain).
using Transport = std::function<Delivery(const QueuedMail& mail, const std::atomic<bool>& abort)>;

// InvalidParameterValue unless `url` is smtp:// or smtps:// with a host.
Status ValidateSmtpUrl(const std::string& url);

// The transport to the server `options` names. Call it before starting threads that use
// libcurl: it sets libcurl up, which is not thread-safe in every version.
Transport SmtpTransport(SmtpOptions options);

}  // namespace gatehouse::mail
