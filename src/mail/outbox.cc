#include "mail/outbox.h"

#include <spdlog/spdlog.h>

#include "core/crypto.h"
#include "core/time_format.h"

namespace gatehouse::mail {

Result<QueuedMail> Outbox::Queue(const MailMessage& message) {
  if (master_key_.empty()) {
    return Status(ErrorCode::kServiceFailure,
                  "The outbox cannot seal mail without the master key.");
  }
  const int64_t now = now_ms_();
  model::OutboxMail mail;
  mail.id = FormatAmzDate(now / 1000) + "-" + HexEncode(random_.Bytes(8));
  mail.from = message.from;
  mail.to = message.to;
  mail.queued_ms = now;
  mail.next_attempt_ms = now;
  Result<std::string> rendered = RenderMailMessage(message, now / 1000, mail.id);
  if (!rendered.ok()) return rendered.status();
  mail.sealed_message =
      HexEncode(Seal(master_key_, *rendered, model::OutboxMailAad(mail), random_.Bytes(12)));
  RETURN_IF_ERROR(state_.Commit({{store::Put<model::OutboxMail>{mail, /*create=*/true}}}));
  spdlog::info("queued mail {} to {}: {}", mail.id, message.to, message.subject);
  return QueuedMail{mail.id, mail.from, mail.to, std::move(rendered).value()};
}

std::vector<std::shared_ptr<const model::OutboxMail>> Outbox::Queued() const {
  std::vector<std::shared_ptr<const model::OutboxMail>> out;
  for (auto& mail : state_.directory().Scan<model::OutboxMail>("")) {
    if (!mail->parked()) out.push_back(std::move(mail));
  }
  return out;
}

std::vector<std::shared_ptr<const model::OutboxMail>> Outbox::Parked() const {
  std::vector<std::shared_ptr<const model::OutboxMail>> out;
  for (auto& mail : state_.directory().Scan<model::OutboxMail>("")) {
    if (mail->parked()) out.push_back(std::move(mail));
  }
  return out;
}

std::shared_ptr<const model::OutboxMail> Outbox::Find(const std::string& id) const {
  return state_.directory().Get<model::OutboxMail>(id);
}

Result<QueuedMail> Outbox::Open(const model::OutboxMail& mail) const {
  std::optional<std::string> sealed = HexDecode(mail.sealed_message);
  std::optional<std::string> data;
  if (sealed && !master_key_.empty()) {
    data = gatehouse::Open(master_key_, *sealed, model::OutboxMailAad(mail));
  }
  if (!data) {
    return Status(ErrorCode::kServiceFailure,
                  "The mail " + mail.id + " does not open with this master key.");
  }
  return QueuedMail{mail.id, mail.from, mail.to, std::move(*data)};
}

Status Outbox::Replace(const model::OutboxMail& read, const model::OutboxMail& changed) {
  return state_.Commit({{store::Put<model::OutboxMail>{changed}}, {store::Unchanged(read)}});
}

Status Outbox::Delivered(const model::OutboxMail& mail) {
  return state_.Commit({{store::Erase<model::OutboxMail>::Of(mail)}, {store::Unchanged(mail)}});
}

Status Outbox::Deferred(const model::OutboxMail& mail, const std::string& reason,
                        int64_t next_attempt_ms) {
  model::OutboxMail changed = mail;
  changed.attempts += 1;
  changed.next_attempt_ms = next_attempt_ms;
  changed.reason = reason;
  return Replace(mail, changed);
}

Status Outbox::Park(const model::OutboxMail& mail, const std::string& reason) {
  model::OutboxMail changed = mail;
  changed.state = model::kMailParked;
  changed.reason = reason;
  RETURN_IF_ERROR(Replace(mail, changed));
  spdlog::warn("mail {} to {} parked: {}", mail.id, mail.to, reason);
  return Status::Ok();
}

Status Outbox::Replay(const std::string& id) {
  std::shared_ptr<const model::OutboxMail> mail = Find(id);
  if (mail == nullptr || !mail->parked()) {
    return Status(ErrorCode::kNoSuchEntity, "No parked mail " + id + ".");
  }
  model::OutboxMail changed = *mail;
  changed.state = model::kMailQueued;
  changed.attempts = 0;
  changed.next_attempt_ms = now_ms_();
  changed.reason.clear();
  RETURN_IF_ERROR(Replace(*mail, changed));
  spdlog::info("mail {} replayed: queued again", id);
  return Status::Ok();
}

}  // namespace gatehouse::mail
