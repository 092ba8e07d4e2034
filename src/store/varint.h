// Unsigned numbers in base 128, low bits first, each byte but the last with its high bit set:
// the lengths, counts and gaps of the store's compact encodings (the audit feed's events, packed
// bodies, postings). Header-only; pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::store {

inline void PutVarint(std::string& out, uint64_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

// Takes one number from the front of `in`; false when `in` ends first or the number runs past
// ten bytes (64 bits).
inline bool TakeVarint(std::string_view& in, uint64_t& n) {
  n = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    n |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace gatehouse::store
