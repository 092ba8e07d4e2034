#include "audit/canonical_json.h"

#include <cstdint>
#include <cstring>

namespace gatehouse::audit {

std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Whether a byte of `text` needs more than copying into a JSON string: a control character,
// '"', '\\', DEL or a byte of a multi-byte character. Eight bytes at a time (each test sets the
// high bit of each byte that passes it), for the strings of every record.
bool NeedsEscaping(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
    if ((x & kHighs) | below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) |
        has_zero(x ^ (kOnes * 0x7F))) {
      return true;
    }
  }
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7F || byte == '"' || byte == '\\') return true;
  }
  return false;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  // At once when it is printable ASCII needing no escape, as nearly every value is.
  if (NeedsEscaping(text)) {
    out += CanonicalJson(nlohmann::json(std::string(text)));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

}  // namespace gatehouse::audit
