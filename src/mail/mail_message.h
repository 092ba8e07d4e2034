// A mail of the server's own (the root user's password-reset link) and its rendering as an
// RFC 5322 message: plain text in UTF-8, quoted-printable, CRLF line ends. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::mail {

struct MailMessage {
  std::string from;  // "no-reply@gatehouse.local"
  std::string to;    // one recipient
  std::string subject;
  std::string text;  // the body, UTF-8; line ends LF or CRLF
};

// InvalidInput when `from` or `to` is empty or not one plain address, or when a header value
// holds a CR, an LF or a NUL: such a value would let a caller add headers of its own.
Status ValidateMailMessage(const MailMessage& message);

// The message with Date (from epoch_seconds), From, To, Subject (an RFC 2047 encoded-word when
// not ASCII), Message-ID (<message_id@domain of from>), MIME-Version, Content-Type and
// Content-Transfer-Encoding headers; every line ends in CRLF and is at most 76 characters
// long but for the From and To headers. ValidateMailMessage's errors first.
Result<std::string> RenderMailMessage(const MailMessage& message, int64_t epoch_seconds,
                                      std::string_view message_id);

// "Sun, 29 Nov 2026 17:20:00 +0000"
std::string FormatMailDate(int64_t epoch_seconds);

// Quoted-printable (RFC 2045 6.7) of UTF-8 text: line breaks become CRLF, lines are broken
// softly at 76 characters, and a dot starting a line is encoded (it means something to SMTP).
std::string QuotedPrintable(std::string_view text);

}  // namespace gatehouse::mail
