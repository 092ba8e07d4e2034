// The server's outbox as stored: one record per mail of its own (the root user's
// password-reset links) that waits to be handed to the SMTP server, or that the server refused
// for good. It lives in the store so that every instance on one database can send any mail
// (mail/outbox.h, mail/outbox_sender.h). The message's bytes hold a one-time token, so the
// record keeps them sealed with the master key every instance shares; the envelope is in the
// clear for `gatehouse mail list`. Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>

namespace gatehouse::model {

inline constexpr const char* kMailQueued = "queued";
inline constexpr const char* kMailParked = "parked";

struct OutboxMail {
  std::string id;  // "20261129T172000Z-0123456789abcdef": keys sort by the time queued
  std::string from;
  std::string to;
  std::string sealed_message;  // hex of Seal(master key, RFC 5322 bytes, OutboxMailAad)
  int64_t queued_ms = 0;
  int64_t attempts = 0;         // deliveries that failed for now
  int64_t next_attempt_ms = 0;  // not tried before then
  std::string state = kMailQueued;
  std::string reason;  // the last failure's, or the refusal's for a parked mail

  std::string Key() const { return id; }
  bool parked() const { return state == kMailParked; }
};

// What a sealed message is bound to: a sealed body moved to another mail (another recipient)
// does not open.
inline std::string OutboxMailAad(const OutboxMail& mail) {
  return "outbox_mail\n" + mail.id + "\n" + mail.from + "\n" + mail.to;
}

}  // namespace gatehouse::model
