#include "federation/base64url.h"

#include "core/crypto.h"

namespace gatehouse::federation {
namespace {

// The 6-bit value of a base64url character; -1 outside the alphabet.
int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// A last character whose bits beyond the encoded bytes are set is another spelling of the same
// bytes; refusing it keeps encoding and decoding one-to-one.
bool UnusedBitsAreZero(std::string_view text) {
  if (text.empty()) return true;
  int last = SextetOf(text.back());
  switch (text.size() % 4) {
    case 2:
      return (last & 0x0F) == 0;
    case 3:
      return (last & 0x03) == 0;
    default:
      return true;
  }
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no byte count encodes to this length
  std::string standard;
  standard.reserve(text.size() + 2);
  for (char c : text) {
    if (SextetOf(c) < 0) return std::nullopt;
    standard.push_back(c == '-' ? '+' : c == '_' ? '/' : c);
  }
  if (!UnusedBitsAreZero(text)) return std::nullopt;
  while (standard.size() % 4 != 0) standard.push_back('=');
  return Base64Decode(standard);
}

}  // namespace gatehouse::federation
