#include "mail/mail_message.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace gatehouse::mail {
namespace {

constexpr int64_t kNow = 1795972800;  // 2026-11-29T17:20:00Z, a Sunday

MailMessage Sample() {
  return {"no-reply@gatehouse.local", "root@example.com", "Reset your password",
          "Open this link:\nhttp://127.0.0.1:4566/reset-password?token=ab12\n"};
}

// Undoes QuotedPrintable, for checking that it keeps every byte.
std::string DecodeQuotedPrintable(const std::string& encoded) {
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '=') {
      out += encoded[i];
    } else if (encoded.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // soft line break
    } else {
      out += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

TEST(MailMessageTest, FormatsTheDateAsRfc5322Does) {
  EXPECT_EQ(FormatMailDate(kNow), "Sun, 29 Nov 2026 17:20:00 +0000");
  EXPECT_EQ(FormatMailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailMessageTest, RendersHeadersAndBody) {
  Result<std::string> rendered = RenderMailMessage(Sample(), kNow, "20261129T172000Z-0011");
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(*rendered,
            "Date: Sun, 29 Nov 2026 17:20:00 +0000\r\n"
            "From: no-reply@gatehouse.local\r\n"
            "To: root@example.com\r\n"
            "Subject: Reset your password\r\n"
            "Message-ID: <20261129T172000Z-0011@gatehouse.local>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Open this link:\r\n"
            "http://127.0.0.1:4566/reset-password?token=3Dab12\r\n");
}

TEST(MailMessageTest, EveryLineEndsInCrlf) {
  MailMessage m = Sample();
  m.text = "one\ntwo\r\nthree\n\nfive";
  std::string rendered = *RenderMailMessage(m, kNow, "x");
  for (size_t i = 0; i < rendered.size(); ++i) {
    if (rendered[i] == '\n') {
      ASSERT_TRUE(i > 0 && rendered[i - 1] == '\r') << i;
    }
    if (rendered[i] == '\r') {
      ASSERT_EQ(rendered[i + 1], '\n') << i;
    }
  }
  EXPECT_TRUE(rendered.ends_with("\r\n\r\nfive\r\n"));
}

TEST(MailMessageTest, QuotedPrintableKeepsEveryByteInShortLines) {
  std::string text = "Grüße = 100 % sicher. \n.starts with a dot\ttab \n" + std::string(300, 'x') +
                     "\n" + std::string(200, '=') + "\nend";
  std::string encoded = QuotedPrintable(text);
  for (const std::string& line : Lines(encoded)) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.starts_with(".")) << line;
    EXPECT_FALSE(line.ends_with(" ") || line.ends_with("\t")) << line;
    for (char c : line) EXPECT_TRUE((c >= ' ' && c <= '~') || c == '\t') << line;
  }
  std::string expected;
  for (char c : text) expected += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(DecodeQuotedPrintable(encoded), expected + "\r\n");
}

TEST(MailMessageTest, EncodesAnUnicodeSubject) {
  MailMessage m = Sample();
  m.subject = "Passwort zurücksetzen — " + std::string(40, 'a') + " ✓";
  std::string rendered = *RenderMailMessage(m, kNow, "x");
  size_t start = rendered.find("Subject: ");
  size_t end = rendered.find("\r\nMessage-ID");
  std::string header = rendered.substr(start + 9, end - start - 9);
  std::string decoded;
  size_t pos = 0;
  int words = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t close = header.find("?=", pos + 10);
    ASSERT_NE(close, std::string::npos);
    EXPECT_LE(close + 2 - pos, 75u);
    std::optional<std::string> bytes = Base64Decode(header.substr(pos + 10, close - pos - 10));
    ASSERT_TRUE(bytes.has_value());
    decoded += *bytes;
    pos = close + 2;
    ++words;
  }
  EXPECT_GT(words, 1);
  EXPECT_EQ(decoded, m.subject);
  for (const std::string& line : Lines(header)) EXPECT_LE(line.size(), 76u);
}

TEST(MailMessageTest, RefusesHeaderInjection) {
  for (auto mutate : std::vector<void (*)(MailMessage&)>{
           [](MailMessage& m) { m.subject += "\r\nBcc: victim@example.com"; },
           [](MailMessage& m) { m.subject += "\nX-Evil: 1"; },
           [](MailMessage& m) { m.to += "\r\nBcc: victim@example.com"; },
           [](MailMessage& m) { m.from += "\rX: y"; },
           [](MailMessage& m) { m.to = "a@example.com, b@example.com"; },
           [](MailMessage& m) { m.to = "Eve <eve@example.com>"; },
           [](MailMessage& m) { m.to = ""; },
           [](MailMessage& m) { m.from = "nobody"; },
           [](MailMessage& m) { m.subject += std::string(1, '\0'); },
       }) {
    MailMessage m = Sample();
    mutate(m);
    EXPECT_EQ(ValidateMailMessage(m).code(), ErrorCode::kInvalidInput) << m.to << m.subject;
    EXPECT_EQ(RenderMailMessage(m, kNow, "x").status().code(), ErrorCode::kInvalidInput);
  }
  EXPECT_TRUE(ValidateMailMessage(Sample()).ok());
}

}  // namespace
}  // namespace gatehouse::mail
