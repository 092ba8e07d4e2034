#include "mail/mail_message.h"

#include <ctime>

#include "core/crypto.h"

namespace gatehouse::mail {
namespace {

constexpr size_t kLineLimit = 76;  // RFC 2045's for quoted-printable, used for every line

// One addr-spec and nothing else: printable ASCII, no spaces, no list or comment syntax.
bool IsPlainAddress(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  for (char c : address) {
    if (c <= ' ' || c > '~') return false;
    if (std::string_view("<>,;:\"()[]\\").find(c) != std::string_view::npos) return false;
  }
  return true;
}

bool IsPlainAscii(std::string_view text) {
  for (char c : text) {
    if (c < ' ' || c > '~') return false;
  }
  return true;
}

// The subject as one or more "=?UTF-8?B?…?=" words, each at most 75 characters, folded onto
// continuation lines; a chunk never splits a UTF-8 sequence.
std::string EncodedWords(std::string_view text) {
  constexpr size_t kChunk = 45;  // 60 characters of base64 + 12 of the word's frame
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + kChunk);
    while (end < text.size() && end > pos + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string Domain(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? "gatehouse.local" : std::string(address.substr(at + 1));
}

}  // namespace

Status ValidateMailMessage(const MailMessage& message) {
  for (const std::string* value : {&message.from, &message.to, &message.subject}) {
    if (value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Status(ErrorCode::kInvalidInput, "A mail header may not hold a line break.");
    }
  }
  if (!IsPlainAddress(message.from) || !IsPlainAddress(message.to)) {
    return Status(ErrorCode::kInvalidInput, "A mail address must be one plain address.");
  }
  return Status::Ok();
}

std::string FormatMailDate(int64_t epoch_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t column = 0;
  auto emit = [&](std::string_view piece) {
    if (column + piece.size() > kLineLimit - 1) {  // room for the soft break's "="
      out += "=\r\n";
      column = 0;
    }
    out += piece;
    column += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // the LF breaks
    if (c == '\n') {
      out += "\r\n";
      column = 0;
      continue;
    }
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    bool literal = (c > ' ' && c <= '~' && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (c == '.' && column == 0) literal = false;
    if (literal) {
      char one[1] = {static_cast<char>(c)};
      emit(std::string_view(one, 1));
    } else {
      char three[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      emit(std::string_view(three, 3));
    }
  }
  if (!out.empty() && column != 0) out += "\r\n";
  return out;
}

Result<std::string> RenderMailMessage(const MailMessage& message, int64_t epoch_seconds,
                                      std::string_view message_id) {
  if (Status s = ValidateMailMessage(message); !s.ok()) return s;
  std::string subject = IsPlainAscii(message.subject) && message.subject.size() < 60
                            ? message.subject
                            : EncodedWords(message.subject);
  std::string out;
  out += "Date: " + FormatMailDate(epoch_seconds) + "\r\n";
  out += "From: " + message.from + "\r\n";
  out += "To: " + message.to + "\r\n";
  out += "Subject: " + subject + "\r\n";
  out += "Message-ID: <" + std::string(message_id) + "@" + Domain(message.from) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += QuotedPrintable(message.text);
  return out;
}

}  // namespace gatehouse::mail
