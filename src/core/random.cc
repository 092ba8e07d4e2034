#include "core/random.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "core/crypto.h"

namespace gatehouse {

std::string Random::Bytes(size_t size) {
  std::string out(size, '\0');
  Fill(reinterpret_cast<uint8_t*>(out.data()), size);
  return out;
}

std::string Random::Uuid() {
  uint8_t b[16];
  Fill(b, sizeof(b));
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

void SystemRandom::Fill(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();  // no entropy: cannot go on
}

}  // namespace gatehouse
