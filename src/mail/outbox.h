// The outbox: a directory (DATA/outbox, owner only) holding one RFC 5322 file per mail not yet
// delivered, `20261129T172000Z-<16 hex>.eml`, so that names sort by the time they were queued.
// A file appears whole or not at all (written to a hidden temporary name, flushed, renamed),
// so a crash never leaves half a mail for the sender. Without an SMTP server configured the
// files stay: the outbox is then the record of what was sent. A mail the SMTP server refuses
// for good is parked in the dead-letter folder DIR/dead, with the server's answer beside it
// (`ID.reason`), until the operator replays it (`gatehouse mail replay`). Thread-safe; moves
// between the folders are renames, so another process (the command line) may use the same
// directory at the same time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/status.h"
#include "mail/mail_message.h"

namespace gatehouse::mail {

// A queued mail as the sender needs it: the envelope and the message's bytes.
struct QueuedMail {
  std::string id;
  std::string from;
  std::string to;
  std::string data;
};

// A mail the SMTP server refused for good, and its answer.
struct ParkedMail {
  QueuedMail mail;
  std::string reason;
};

class Outbox {
 public:
  // Creates `dir` (mode 0700) when missing and removes temporary files a crash left behind.
  // `now_seconds` stamps names and Date headers.
  static Result<std::unique_ptr<Outbox>> Open(const std::string& dir, Random& random,
                                              std::function<int64_t()> now_seconds = {});

  // Renders and writes `message`; returns its id. Logs its recipient and subject, never its
  // text (it holds one-time tokens).
  Result<std::string> Queue(const MailMessage& message);
  // The ids of the queued mails, oldest first.
  std::vector<std::string> List() const;
  // NoSuchEntity when `id` is not queued (or is not an id at all).
  Result<QueuedMail> Read(const std::string& id) const;
  Status Remove(const std::string& id);

  // Moves a queued mail to the dead-letter folder with `reason`; the sender no longer tries
  // it. NoSuchEntity when it is not queued.
  Status Park(const std::string& id, const std::string& reason);
  // The parked mails' ids, oldest first.
  std::vector<std::string> ListParked() const;
  Result<ParkedMail> ReadParked(const std::string& id) const;
  // Moves a parked mail back into the outbox, where the sender tries it again.
  Status Replay(const std::string& id);

  const std::string& dir() const { return dir_; }
  std::string dead_dir() const { return dir_ + "/dead"; }

 private:
  Outbox(std::string dir, Random& random, std::function<int64_t()> now_seconds)
      : dir_(std::move(dir)), random_(random), now_seconds_(std::move(now_seconds)) {}

  const std::string dir_;
  Random& random_;
  const std::function<int64_t()> now_seconds_;
  mutable std::mutex mu_;  // one writer of the directory at a time
};

}  // namespace gatehouse::mail
