#include "mail/outbox_mailer.h"

#include <spdlog/spdlog.h>

namespace gatehouse::mail {

Result<std::string> OutboxMailer::Send(const MailMessage& message) {
  MailMessage with_from = message;
  if (with_from.from.empty()) with_from.from = default_from_;
  Result<QueuedMail> queued = outbox_.Queue(with_from);
  if (!queued.ok()) return queued.status();
  if (files_ != nullptr) {
    if (Status s = files_->Write(queued->id, queued->data); !s.ok()) {
      spdlog::warn("mail {} is queued, but its copy in {} was not written: {}", queued->id,
                   files_->dir(), s.message());
    }
  }
  if (wake_) wake_();
  return queued->id;
}

}  // namespace gatehouse::mail
