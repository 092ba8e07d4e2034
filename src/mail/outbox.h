// The outbox: the server's mail waiting to be handed to the SMTP server, kept in the store
// (model::OutboxMail records) so that every instance on one database sees every mail and any of
// them may send it (mail/outbox_sender.h leases each one to a single sender). Queuing is one
// commit: once Queue returns, the mail survives a crash of this instance and is sent by
// whichever instance gets to it. The message's bytes are sealed with the master key (they hold
// a one-time token) and opened only to be sent or shown to the operator.
//
// A mail is queued (waiting, maybe with an attempt count and a time before which it is not
// tried again) or parked: refused for good by the SMTP server, with its answer, until the
// operator replays it (`gatehouse mail replay`). A delivered mail's record is erased. Without
// an SMTP server no instance delivers: the records stay, as the record of what was sent
// (`gatehouse mail list`, `gatehouse mail show`).
//
// Every change but Queue is conditional on the record as read (a store precondition), so a
// change decided on a record another instance changed meanwhile fails with kStoreConflict and
// writes nothing. Reads come from the State's directory. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/status.h"
#include "mail/mail_message.h"
#include "model/mail_entities.h"
#include "store/directory.h"

namespace gatehouse::mail {

// A queued mail as the sender needs it: the envelope and the message's bytes.
struct QueuedMail {
  std::string id;
  std::string from;
  std::string to;
  std::string data;
};

class Outbox {
 public:
  // `master_key` seals and opens messages; empty for a reader that never needs their bytes
  // (`gatehouse mail list` and `replay`), whose Queue and Open then fail.
  Outbox(store::State& state, std::string master_key, Random& random,
         std::function<int64_t()> now_ms)
      : state_(state),
        master_key_(std::move(master_key)),
        random_(random),
        now_ms_(std::move(now_ms)) {}

  // Renders, seals and records `message`; returns it as queued. Logs its recipient and
  // subject, never its text (it holds one-time tokens).
  Result<QueuedMail> Queue(const MailMessage& message);

  // The queued mails, oldest first; the parked ones, oldest first.
  std::vector<std::shared_ptr<const model::OutboxMail>> Queued() const;
  std::vector<std::shared_ptr<const model::OutboxMail>> Parked() const;
  // The record of `id` as this instance's directory holds it, or nullptr.
  std::shared_ptr<const model::OutboxMail> Find(const std::string& id) const;
  // The mail's bytes: ServiceFailure when they do not open with the master key.
  Result<QueuedMail> Open(const model::OutboxMail& mail) const;

  // Erases a delivered mail.
  Status Delivered(const model::OutboxMail& mail);
  // Counts a failed attempt and puts the next one off until `next_attempt_ms`.
  Status Deferred(const model::OutboxMail& mail, const std::string& reason,
                  int64_t next_attempt_ms);
  // Parks a mail the SMTP server refused for good, with its answer.
  Status Park(const model::OutboxMail& mail, const std::string& reason);
  // Queues a parked mail again, to be tried at once. NoSuchEntity when `id` is not parked.
  Status Replay(const std::string& id);

  store::State& state() { return state_; }
  int64_t now_ms() const { return now_ms_(); }

 private:
  // Replaces `read` with `changed`, provided the store still holds `read`.
  Status Replace(const model::OutboxMail& read, const model::OutboxMail& changed);

  store::State& state_;
  const std::string master_key_;
  Random& random_;
  const std::function<int64_t()> now_ms_;
};

}  // namespace gatehouse::mail
