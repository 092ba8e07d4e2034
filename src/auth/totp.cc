#include "auth/totp.h"

#include <liboath/oath.h>

#include <cstdlib>

#include "core/crypto.h"

namespace gatehouse::auth {
namespace {

bool InitOath() {
  static const bool ready = oath_init() == OATH_OK;
  return ready;
}

}  // namespace

std::string TotpCode(std::string_view seed, int64_t step, unsigned digits) {
  if (!InitOath() || step < 0 || digits < 6 || digits > 8) return "";
  char out[9] = {};
  if (oath_hotp_generate(seed.data(), seed.size(), static_cast<uint64_t>(step), digits, false,
                         OATH_HOTP_DYNAMIC_TRUNCATION, out) != OATH_OK) {
    return "";
  }
  return std::string(out, digits);
}

std::optional<int64_t> MatchTotpStep(std::string_view seed, std::string_view code, int64_t now_step,
                                     int64_t window, int64_t after_step) {
  std::optional<int64_t> match;
  // Every candidate is computed and compared, so the time taken says nothing about which
  // step (if any) matched.
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    std::string expected = TotpCode(seed, step, static_cast<unsigned>(code.size()));
    bool equal = !expected.empty() && ConstantTimeEquals(expected, code);
    if (equal && step > after_step && !match) match = step;
  }
  return match;
}

std::optional<int64_t> MatchConsecutiveTotp(std::string_view seed, std::string_view code1,
                                            std::string_view code2, int64_t now_step,
                                            int64_t window, int64_t after_step) {
  std::optional<int64_t> match;
  for (int64_t second = now_step - window; second <= now_step + window; ++second) {
    std::string expected1 = TotpCode(seed, second - 1, static_cast<unsigned>(code1.size()));
    std::string expected2 = TotpCode(seed, second, static_cast<unsigned>(code2.size()));
    // Both comparisons run whatever the first one says: no timing hint of a half-right pair.
    bool first = ConstantTimeEquals(expected1, code1);
    bool next = ConstantTimeEquals(expected2, code2);
    bool equal = !expected1.empty() && !expected2.empty() && first && next;
    if (equal && second - 1 > after_step && !match) match = second - 1;
  }
  return match;
}

std::string Base32Encode(std::string_view bytes) {
  if (!InitOath()) return "";
  char* out = nullptr;
  size_t out_size = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &out_size) != OATH_OK) return "";
  std::string encoded(out, out_size);
  std::free(out);
  return encoded;
}

}  // namespace gatehouse::auth
