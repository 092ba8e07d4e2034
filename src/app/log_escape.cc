#include "app/log_escape.h"

namespace gatehouse::app {
namespace {

void AppendUnicodeEscape(std::string& out, unsigned code) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 0xF];
}

}  // namespace

std::string EscapeControlCharacters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      AppendUnicodeEscape(out, c);
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      AppendUnicodeEscape(out, static_cast<unsigned char>(text[++i]));  // C1 controls, NEL
    } else if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      AppendUnicodeEscape(out, text[i + 2] == '\xA8' ? 0x2028 : 0x2029);  // line separators
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

EscapingFormatter::EscapingFormatter(std::string pattern, spdlog::pattern_time_type time_type)
    : pattern_(pattern), time_type_(time_type), inner_(std::move(pattern), time_type) {}

void EscapingFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string_view payload(msg.payload.data(), msg.payload.size());
  std::string escaped = EscapeControlCharacters(payload);
  if (escaped.size() == payload.size()) {  // nothing to escape: the common case, no copy
    inner_.format(msg, dest);
    return;
  }
  spdlog::details::log_msg copy = msg;
  copy.payload = spdlog::string_view_t(escaped.data(), escaped.size());
  inner_.format(copy, dest);
}

std::unique_ptr<spdlog::formatter> EscapingFormatter::clone() const {
  return std::make_unique<EscapingFormatter>(pattern_, time_type_);
}

}  // namespace gatehouse::app
