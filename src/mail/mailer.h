// Mailer: how the server sends a mail of its own (the console's password-reset link). Send
// returns once the mail is durably queued (in the store's outbox, mail/outbox.h), not once it is
// delivered; delivery happens in the background on any instance (outbox_sender.h), or not at all
// when no SMTP server is configured, in which case the outbox keeps the mail. Implementations
// are thread-safe.
#pragma once

#include <string>

#include "core/status.h"
#include "mail/mail_message.h"

namespace gatehouse::mail {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Queues `message`; an empty `from` is the server's sender address (--mail-from). Returns
  // the mail's id in the outbox; InvalidInput for a header that would inject another.
  virtual Result<std::string> Send(const MailMessage& message) = 0;
};

}  // namespace gatehouse::mail
