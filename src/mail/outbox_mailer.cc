#include "mail/outbox_mailer.h"

namespace gatehouse::mail {

Result<std::string> OutboxMailer::Send(const MailMessage& message) {
  Result<std::string> id = [&] {
    if (!message.from.empty()) return outbox_.Queue(message);
    MailMessage with_from = message;
    with_from.from = default_from_;
    return outbox_.Queue(with_from);
  }();
  if (id.ok() && wake_) wake_();
  return id;
}

}  // namespace gatehouse::mail
