// OutboxMailer: the Mailer that queues each mail in the store's Outbox, leaves a copy in the
// local OutboxFiles when given (an instance without an SMTP server), and wakes whoever delivers
// it (this instance's OutboxSender, when one runs). Thread-safe as the Outbox is.
#pragma once

#include <functional>
#include <string>

#include "mail/mailer.h"
#include "mail/outbox.h"
#include "mail/outbox_files.h"

namespace gatehouse::mail {

class OutboxMailer final : public Mailer {
 public:
  // `files`: nullptr for no copy. `wake` runs after each queued mail; empty when nothing on
  // this instance delivers.
  OutboxMailer(Outbox& outbox, std::string default_from, OutboxFiles* files = nullptr,
               std::function<void()> wake = {})
      : outbox_(outbox),
        default_from_(std::move(default_from)),
        files_(files),
        wake_(std::move(wake)) {}

  // The mail is queued once the store has it; a copy that cannot be written is logged.
  Result<std::string> Send(const MailMessage& message) override;

 private:
  Outbox& outbox_;
  const std::string default_from_;
  OutboxFiles* const files_;
  const std::function<void()> wake_;
};

}  // namespace gatehouse::mail
