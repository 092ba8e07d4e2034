#include "core/ids.h"

namespace gatehouse {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string RandomString(Random& random, std::string_view alphabet, size_t length) {
  // Rejection sampling keeps every character equally likely.
  const unsigned limit = 256 - 256 % static_cast<unsigned>(alphabet.size());
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    uint8_t buf[64];
    random.Fill(buf, sizeof(buf));
    for (uint8_t b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string_view IdPrefix(IdKind kind) {
  switch (kind) {
    case IdKind::kUser: return "AIDA";
    case IdKind::kRole: return "AROA";
    case IdKind::kGroup: return "AGPA";
    case IdKind::kManagedPolicy: return "ANPA";
    case IdKind::kInstanceProfile: return "AIPA";
  }
  return "";
}

std::string NewAccountId(Random& random) {
  return RandomString(random, "123456789", 1) + RandomString(random, "0123456789", 11);
}

std::string NewUniqueId(Random& random, IdKind kind) {
  return std::string(IdPrefix(kind)) + RandomString(random, kBase32, 17);
}

std::string NewAccessKeyId(Random& random, bool temporary) {
  return (temporary ? "ASIA" : "AKIA") + RandomString(random, kBase32, 16);
}

std::string NewSecretAccessKey(Random& random) {
  return RandomString(random, kSecretAlphabet, 40);
}

}  // namespace gatehouse
