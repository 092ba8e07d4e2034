// OutboxMailer: the Mailer that writes each mail into the Outbox and wakes whoever delivers it
// (the SmtpSender, when one runs). Thread-safe as the Outbox is.
#pragma once

#include <functional>
#include <string>

#include "mail/mailer.h"
#include "mail/outbox.h"

namespace gatehouse::mail {

class OutboxMailer final : public Mailer {
 public:
  // `wake` runs after each queued mail; empty when nothing delivers (the outbox is the record).
  OutboxMailer(Outbox& outbox, std::string default_from, std::function<void()> wake = {})
      : outbox_(outbox), default_from_(std::move(default_from)), wake_(std::move(wake)) {}

  Result<std::string> Send(const MailMessage& message) override;

 private:
  Outbox& outbox_;
  const std::string default_from_;
  const std::function<void()> wake_;
};

}  // namespace gatehouse::mail
